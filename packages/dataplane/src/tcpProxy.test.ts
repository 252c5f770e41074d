import { describe, expect, it } from 'vitest';
import { FakeClock } from '@l4lab/cluster';
import { ConnectTimeouts, type TcpFlow } from './tcpProxy.ts';

/** Just what ConnectTimeouts reads and calls on a flow. */
function connectingFlow(startedAt: number) {
  const f = {
    event: { startedAt },
    backend: '127.244.1.2:80',
    timedOut: false,
    failure: undefined as string | undefined,
    resets: 0,
    close(resetClient: boolean) {
      if (resetClient) f.resets++;
    },
  };
  return f;
}

describe('ConnectTimeouts', () => {
  it('fails a connect not answered in time, on the injected clock, with a reset and the reason', () => {
    const clock = new FakeClock();
    const connects = new ConnectTimeouts(clock, 5000);
    const slow = connectingFlow(clock.now());
    const fast = connectingFlow(clock.now());
    connects.add(slow as unknown as TcpFlow);
    connects.add(fast as unknown as TcpFlow);
    clock.advance(1000);
    connects.delete(fast as unknown as TcpFlow); // connected
    clock.advance(3900);
    expect(slow.timedOut).toBe(false);
    clock.advance(350);
    expect(slow).toMatchObject({
      timedOut: true,
      failure: 'timed out connecting to 127.244.1.2:80',
      resets: 1,
    });
    expect(fast.resets).toBe(0);
    expect(clock.pendingTimers()).toBe(0); // no timer once nothing is connecting
  });

  it('keeps no timer after stop()', () => {
    const clock = new FakeClock();
    const connects = new ConnectTimeouts(clock, 5000);
    connects.add(connectingFlow(clock.now()) as unknown as TcpFlow);
    connects.stop();
    expect(clock.pendingTimers()).toBe(0);
  });
});
