import { describe, expect, it } from 'vitest';
import { serialRuns } from './serialRuns.ts';

describe('serialRuns', () => {
  it('runs calls one after another; a failed one does not stop the next', async () => {
    const order: string[] = [];
    let n = 0;
    const runs = serialRuns(async () => {
      const i = ++n;
      order.push(`start ${i}`);
      await Promise.resolve();
      order.push(`end ${i}`);
      if (i === 1) throw new Error('listen EADDRINUSE');
    });
    const first = runs.run();
    const second = runs.run();
    await expect(first).rejects.toThrow('EADDRINUSE');
    await expect(second).resolves.toBeUndefined();
    await expect(runs.idle()).resolves.toBeUndefined();
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });
});
