// The docker runtime's choice for an image the engine does not have, against a fake engine (no
// Docker, no sockets: the stand-in here has no port). The real engine: dockerRuntime.integration.test.ts.
import { describe, expect, it } from 'vitest';
import { FakeClock, PortMapper } from '@l4lab/cluster';
import type { DockerEngine } from './dockerEngine.ts';
import { DockerRuntime } from './dockerRuntime.ts';

/** An engine that has no image at all and must not be asked to create anything. */
const emptyEngine = {
  socketPath: '/nonexistent/docker.sock',
  imageExists: async () => false,
  createContainer: async () => {
    throw new Error('no container may be created for a missing image');
  },
} as unknown as DockerEngine;

describe('DockerRuntime with an image the engine does not have', () => {
  it('runs its stand-in, which exits as the command does, and says why in the note', async () => {
    const clock = new FakeClock();
    const runtime = new DockerRuntime({
      engine: emptyEngine,
      workspace: '/nonexistent/l4lab',
      mapper: new PortMapper('native'),
      clock,
    });
    const h = await runtime.start({
      namespace: 'default',
      name: 'job',
      uid: 'job-0000-4000-a000-000000000000',
      ip: '127.244.0.9',
      node: 'node-1',
      containers: [{ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2; exit 3'] }],
    });
    expect(h.pid).toBeUndefined();
    expect(h.note).toBe(
      'image "busybox:1.36" not present locally and cannot be pulled (no registry); ' +
        'stand-in for busybox:1.36: l4lab runs its command in a stand-in shell, not in the image',
    );
    expect(h.standIns).toEqual([{ container: 'c', image: 'busybox:1.36', kind: 'shell' }]);
    await new Promise((r) => setImmediate(r));
    clock.advance(2_000);
    expect(await h.exited).toMatchObject({ code: 3, signal: null });
  });
});
