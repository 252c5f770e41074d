import { describe, expect, it } from 'vitest';
import { inProcessPod } from './inProcessPod.ts';

describe('a pod run in this process', () => {
  it('closes once, however often it is stopped or killed, and exits as a stop or a kill', async () => {
    let closed = 0;
    const log = Array.from({ length: 250 }, (_, i) => `line ${i}`);
    const stopped = inProcessPod(
      async () => void closed++,
      () => log,
    );
    await Promise.all([stopped.stop(1000), stopped.stop(1000)]);
    stopped.kill();
    expect(await stopped.exited).toEqual({ code: 0, signal: null });
    expect(closed).toBe(1);
    expect(await stopped.logs()).toHaveLength(200);
    expect((await stopped.logs())[0]).toBe('line 50');

    const killed = inProcessPod(
      async () => void closed++,
      () => [],
    );
    killed.kill();
    expect(await killed.exited).toEqual({ code: 137, signal: 'SIGKILL' });
    expect(closed).toBe(2);
  });
});
