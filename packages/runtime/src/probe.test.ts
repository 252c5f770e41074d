// A probe's timeout on a FakeClock: `stall` is the server's event loop blocked (no sockets here).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '@l4lab/cluster';
import { probeTimeout } from './probe.ts';

function deadline(timeoutMs: number) {
  const clock = new FakeClock(0);
  let expiredAt: number | undefined;
  const handle = probeTimeout(clock, timeoutMs, () => (expiredAt = clock.now()));
  return { clock, handle, expiredAt: () => expiredAt };
}

describe('probeTimeout', () => {
  it('expires after timeoutMs when the event loop runs freely', () => {
    const d = deadline(1000);
    d.clock.advance(999);
    expect(d.expiredAt()).toBeUndefined();
    d.clock.advance(1);
    expect(d.expiredAt()).toBe(1000);
  });

  it('does not count the time the event loop was blocked: the probe keeps the rest of its timeout', () => {
    const d = deadline(1000);
    d.clock.advance(50); // the probe's connect is out
    d.clock.stall(3000); // a slow sync, a busy CPU: no callback runs, the answer waits in the socket
    d.clock.advance(0); // the loop runs again: the overdue step fires late
    expect(d.expiredAt()).toBeUndefined(); // a plain 1 s timer would have failed the pod here
    d.clock.advance(899); // one step (100 ms) of the timeout is spent, 900 ms are left
    expect(d.expiredAt()).toBeUndefined();
    d.clock.advance(1);
    expect(d.expiredAt()).toBe(3950);
  });

  it('still expires while the loop keeps stalling (each stall costs one step)', () => {
    const d = deadline(1000);
    for (let i = 0; i < 9; i++) {
      d.clock.stall(500);
      d.clock.advance(0);
    }
    expect(d.expiredAt()).toBeUndefined();
    d.clock.stall(500);
    d.clock.advance(0);
    expect(d.expiredAt()).toBe(5000);
  });

  it('never expires once cancelled (the probe got its answer)', () => {
    const d = deadline(1000);
    d.clock.advance(500);
    d.handle.cancel();
    d.clock.advance(5000);
    expect(d.expiredAt()).toBeUndefined();
    expect(d.clock.pendingTimers()).toBe(0);
  });
});
