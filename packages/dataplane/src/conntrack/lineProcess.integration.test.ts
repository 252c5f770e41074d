// A real child process (sh): lines read whole, restarted with back-off when it exits, nothing
// left behind by stop(). No network.
import { realClock } from '@l4lab/cluster';
import { describe, expect, it } from 'vitest';
import { LineProcess } from './lineProcess.ts';
import { processAlive } from '../testProcesses.ts';

const quiet = { info: () => {}, warn: () => {} };

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LineProcess', () => {
  it('reads whole lines, split across writes, and a last line without a newline', async () => {
    const lines: string[] = [];
    const p = new LineProcess({
      name: 'sh',
      command: 'sh',
      args: ['-c', "printf 'one\\ntw'; sleep 0.1; printf 'o\\nthree'"],
      clock: realClock,
      logger: quiet,
      onLine: (l) => lines.push(l),
    });
    p.start();
    await until(() => lines.length === 3);
    const pid = p.pid!;
    await p.stop();
    expect(lines).toEqual(['one', 'two', 'three']);
    expect(processAlive(pid)).toBe(false);
  });

  it('starts the program again when it exits, waiting longer each time, and says so', async () => {
    const runs: number[] = [];
    let restarted = 0;
    const p = new LineProcess({
      name: 'sh',
      command: 'sh',
      args: ['-c', 'echo run; exit 3'],
      clock: realClock,
      logger: quiet,
      onLine: () => runs.push(Date.now()),
      onRestart: () => restarted++,
      backoffMs: 50,
    });
    p.start();
    await until(() => runs.length >= 3);
    await p.stop();
    expect(p.restarts).toBeGreaterThanOrEqual(2);
    expect(restarted).toBe(p.restarts);
    // 50 ms, then 100 ms (less the scheduling slack of a busy machine).
    expect(runs[2]! - runs[1]!).toBeGreaterThan(runs[1]! - runs[0]! - 10);
    const after = runs.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(runs.length).toBe(after); // stopped for good
  });

  it('kills a program that ignores SIGTERM', async () => {
    const lines: string[] = [];
    const p = new LineProcess({
      name: 'sh',
      command: 'sh',
      args: ['-c', "trap '' TERM; echo up; while :; do sleep 0.05; done"],
      clock: realClock,
      logger: quiet,
      onLine: (l) => lines.push(l),
    });
    p.start();
    await until(() => lines.length === 1);
    const pid = p.pid!;
    await p.stop();
    expect(processAlive(pid)).toBe(false);
  });
});
