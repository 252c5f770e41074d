import { describe, it, expect } from 'vitest';
import { BoundedFrequencyRunner } from './boundedFrequencyRunner.ts';
import { FakeClock } from './clock.ts';

function setup(
  opts: {
    minInterval?: number;
    maxInterval?: number;
    retryInterval?: number;
    fail?: () => boolean;
  } = {},
) {
  const clock = new FakeClock(0);
  const runs: number[] = [];
  const errors: unknown[] = [];
  const runner = new BoundedFrequencyRunner({
    name: 'test',
    clock,
    minInterval: opts.minInterval ?? 1_000,
    maxInterval: opts.maxInterval ?? 60_000,
    ...(opts.retryInterval !== undefined ? { retryInterval: opts.retryInterval } : {}),
    onError: (e) => errors.push(e),
    fn: () => {
      runs.push(clock.now());
      if (opts.fail?.()) throw new Error('sync failed');
    },
  });
  return { clock, runs, errors, runner };
}

describe('BoundedFrequencyRunner', () => {
  it('runs at once on the first request', () => {
    const { clock, runs, runner } = setup();
    runner.run();
    clock.advance(0);
    expect(runs).toEqual([0]);
  });

  it('folds requests made while it must wait into one run, minInterval after the last', () => {
    const { clock, runs, runner } = setup();
    runner.run();
    clock.advance(0);
    clock.advance(100);
    runner.run();
    clock.advance(100);
    runner.run();
    runner.run();
    clock.advance(500);
    expect(runs).toEqual([0]);
    clock.advance(300); // t = 1000
    expect(runs).toEqual([0, 1_000]);
    clock.advance(5_000);
    expect(runs).toEqual([0, 1_000]);
  });

  it('never runs more often than minInterval under a stream of requests', () => {
    const { clock, runs, runner } = setup({ minInterval: 1_000 });
    for (let t = 0; t < 10_000; t += 50) {
      runner.run();
      clock.advance(50);
    }
    expect(runs.length).toBeGreaterThanOrEqual(9);
    for (let i = 1; i < runs.length; i++)
      expect(runs[i]! - runs[i - 1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('runs every maxInterval when looping and nothing asks', () => {
    const { clock, runs, runner } = setup({ maxInterval: 60_000 });
    runner.loop();
    clock.advance(59_999);
    expect(runs).toEqual([]);
    clock.advance(1);
    clock.advance(120_000);
    expect(runs).toEqual([60_000, 120_000, 180_000]);
  });

  it('a request moves the periodic run earlier, and the period restarts from the last run', () => {
    const { clock, runs, runner } = setup({ minInterval: 1_000, maxInterval: 60_000 });
    runner.loop();
    clock.advance(10_000);
    runner.run();
    clock.advance(0);
    expect(runs).toEqual([10_000]);
    clock.advance(60_000);
    expect(runs).toEqual([10_000, 70_000]);
  });

  it('retries after retryInterval when fn throws, and reports the error', () => {
    let failures = 2;
    const { clock, runs, errors, runner } = setup({
      minInterval: 1_000,
      maxInterval: 60_000,
      retryInterval: 5_000,
      fail: () => failures-- > 0,
    });
    runner.run();
    clock.advance(0);
    expect(errors).toHaveLength(1);
    clock.advance(5_000);
    expect(runs).toEqual([0, 5_000]);
    clock.advance(5_000);
    expect(runs).toEqual([0, 5_000, 10_000]);
    expect(errors).toHaveLength(2);
    clock.advance(5_000); // succeeded: back to the maxInterval period
    expect(runs).toEqual([0, 5_000, 10_000]);
    clock.advance(55_000);
    expect(runs).toEqual([0, 5_000, 10_000, 70_000]);
  });

  it('retries after minInterval when no retryInterval is given', () => {
    let fail = true;
    const { clock, runs, runner } = setup({ minInterval: 2_000, fail: () => fail });
    runner.run();
    clock.advance(0);
    fail = false;
    clock.advance(2_000);
    expect(runs).toEqual([0, 2_000]);
  });

  it('does nothing after stop', () => {
    const { clock, runs, runner } = setup();
    runner.loop();
    runner.run();
    runner.stop();
    runner.run();
    clock.advance(600_000);
    expect(runs).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('retries an asynchronous run whose promise rejects, as it retries one that throws', async () => {
    const clock = new FakeClock(0);
    const runs: number[] = [];
    const errors: unknown[] = [];
    let fail = true;
    const runner = new BoundedFrequencyRunner({
      name: 'async',
      clock,
      minInterval: 1_000,
      maxInterval: 60_000,
      retryInterval: 5_000,
      onError: (e) => errors.push(e),
      fn: () => {
        runs.push(clock.now());
        return fail ? Promise.reject(new Error('listen EADDRINUSE')) : Promise.resolve();
      },
    });
    runner.run();
    clock.advance(0);
    await Promise.resolve();
    expect(errors).toHaveLength(1);
    fail = false;
    clock.advance(5_000);
    expect(runs).toEqual([0, 5_000]);
    await Promise.resolve();
    expect(errors).toHaveLength(1);
  });
});
