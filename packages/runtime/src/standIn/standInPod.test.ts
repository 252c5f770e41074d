// A pod's handle with a real process beside stand-ins (standInPodHandle), with a fake process:
// a crash ends its containers alone, one start serves them all, and the pod's kill (its node
// down) ends everything, the process down or not. Fake clock; the stand-in opens no socket.
import { describe, expect, it } from 'vitest';
import { FakeClock, PortMapper } from '@l4lab/cluster';
import type { PodExit, PodHandle, PodSandbox } from '../types.ts';
import { standInPodHandle, startStandIns } from './standInPod.ts';

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

/** A real process's handle that ends when killed or stopped. */
function fakeProcess(): PodHandle & { alive(): boolean } {
  let end!: (e: PodExit) => void;
  let alive = true;
  const exited = new Promise<PodExit>((r) => (end = r));
  const finish = (e: PodExit) => {
    alive = false;
    end(e);
  };
  return {
    exited,
    alive: () => alive,
    kill: () => finish({ code: 137, signal: 'SIGKILL' }),
    stop: async () => finish({ code: 0, signal: null }),
    logs: async () => [],
  };
}

const pod: PodSandbox = {
  namespace: 'default',
  name: 'web',
  uid: 'web-0000',
  ip: '127.244.1.9',
  node: 'node-1',
  containers: [
    { name: 'nginx', image: 'nginx' },
    { name: 'nginx-2', image: 'nginx' },
    { name: 'side', image: 'busybox', command: ['sleep', '3600'] },
  ],
};

async function setup() {
  const clock = new FakeClock();
  const mapper = new PortMapper('native');
  const runs = await startStandIns(pod, [pod.containers[2]!], { clock, mapper });
  const started: ReturnType<typeof fakeProcess>[] = [];
  const first = fakeProcess();
  const handle = standInPodHandle(pod, runs, {
    clock,
    mapper,
    main: first,
    restartMain: async () => {
      const p = fakeProcess();
      started.push(p);
      return p;
    },
  });
  const ended: string[] = [];
  handle.onContainerExit!((name) => ended.push(name));
  return { handle, first, started, ended };
}

describe('standInPodHandle with a process it can start again', () => {
  it('a crash ends its containers alone, and one start serves both', async () => {
    const t = await setup();
    t.handle.crash!();
    await flush();
    expect(t.ended).toEqual(['nginx', 'nginx-2']); // the sidecar runs on
    await Promise.all([t.handle.restartContainer!('nginx'), t.handle.restartContainer!('nginx-2')]);
    expect(t.started).toHaveLength(1);
    expect(t.started[0]!.alive()).toBe(true);
    t.handle.kill();
    expect(await t.handle.exited).toMatchObject({ code: 137 });
    expect(t.started[0]!.alive()).toBe(false);
  });

  it("the pod's kill ends it while its process is down, and a start after it does not run on", async () => {
    const t = await setup();
    t.handle.crash!();
    await flush();
    t.handle.kill();
    expect(await t.handle.exited).toMatchObject({ code: 137, signal: 'SIGKILL' });
    await t.handle.restartContainer!('nginx');
    expect(t.started.every((p) => !p.alive())).toBe(true);
  });
});
