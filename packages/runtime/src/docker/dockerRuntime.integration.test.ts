// The docker runtime against the engine of DOCKER_HOST (required in CI; skipped elsewhere when no
// engine with nginx:latest answers): labels, offline image errors, stand-ins, the reaper's life. Pod addresses in
// 127.150-199.0.0/16 (random), never contacted here except by the engine's own listeners.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PortMapper } from '@l4lab/cluster';
import { processAlive } from '../processes.ts';
import { availableRuntimes } from '../testRuntimes.ts';
import { ContainerStartError } from '../types.ts';
import { detectDocker } from './detect.ts';
import { DockerRuntime } from './dockerRuntime.ts';

const hasDocker = (await availableRuntimes()).includes('docker');
// Made only when the suite runs: a skipped file's afterAll does not run to remove it.
const workspace = hasDocker ? await mkdtemp(join(tmpdir(), 'l4lab-docker-')) : '';
const ip = `127.${150 + Math.floor(Math.random() * 50)}.9.${2 + Math.floor(Math.random() * 200)}`;

afterAll(() => (workspace ? rm(workspace, { recursive: true, force: true }) : undefined));

const sandbox = (name: string, image: string) => ({
  namespace: 'default',
  name,
  uid: `${name}-0000-4000-a000-000000000000`,
  ip,
  node: 'node-1',
  containers: [{ name: 'c', image, command: ['sleep', '3600'] }],
});

/** The container reaper a runtime of this workspace started, by its command line. */
async function reaperOf(ws: string): Promise<number | undefined> {
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('reaperProcess.mjs\0') && cmd.includes(`\0${ws}\0`)) return Number(e);
  }
  return undefined;
}

describe.runIf(hasDocker)('DockerRuntime', async () => {
  const d = await detectDocker();
  const runtime = () =>
    new DockerRuntime({ engine: d.engine!, workspace, mapper: new PortMapper('native') });

  it('fails a missing nginx image with ErrImagePull naming `l4lab image build`', async () => {
    const err = await runtime()
      .start(sandbox('missing', 'nginx:0.0-l4lab-missing'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContainerStartError);
    expect((err as ContainerStartError).reason).toBe('ErrImagePull');
    expect((err as Error).message).toContain('l4lab image build');
  });

  it('runs a stand-in for a pod whose non-nginx image is missing, and says why', async () => {
    const h = await runtime().start(sandbox('idle', 'busybox-l4lab-missing:1'));
    expect(h.pid).toBeUndefined();
    expect(h.note).toMatch(
      /"busybox-l4lab-missing:1" not present locally .*; stand-in for busybox-l4lab-missing:1: /,
    );
    expect(h.standIns).toEqual([
      { container: 'c', image: 'busybox-l4lab-missing:1', kind: 'shell' },
    ]);
    await h.stop(0);
  });

  it("labels its containers and removes exactly this workspace's at clean-up", async () => {
    const rt = runtime();
    const h = await rt.start({
      ...sandbox('web', 'nginx'),
      containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }],
    });
    expect(h.pid).toBeGreaterThan(0);
    const mine = await d.engine!.listContainers(['l4lab=1', `l4lab.workspace=${workspace}`]);
    expect(mine).toHaveLength(1);
    // The kubelet reports its IDs as cri-dockerd does: the container's, its image's (no digest).
    const image = (await d.engine!.inspectContainer(mine[0]!.Id)).Image;
    expect(h.containerIDs?.get('web')).toEqual({
      containerID: `docker://${mine[0]!.Id}`,
      imageID: `docker://${image}`,
    });
    expect(image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(mine[0]!.Labels['l4lab.pod']).toBe('default/web');
    expect(mine[0]!.Labels['l4lab.instance']).toMatch(/^[0-9a-f-]{36}$/);
    const removed = await rt.cleanupOrphans();
    expect(removed.filter((r) => r.startsWith('container '))).toHaveLength(1);
    expect(await h.exited).toMatchObject({ code: 137 });
    expect(await d.engine!.listContainers([`l4lab.workspace=${workspace}`])).toEqual([]);
    await rt.close();
  });

  it('starts a reaper with its first container; an orderly close lets it go at once', async () => {
    const rt = runtime();
    const h = await rt.start({
      ...sandbox('reaped', 'nginx'),
      containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }],
    });
    const reaper = await reaperOf(workspace);
    expect(reaper).toBeGreaterThan(0);
    await h.stop(0);
    const started = Date.now();
    await rt.close();
    expect(Date.now() - started).toBeLessThan(1000); // `release`: no removal round to wait for
    expect(processAlive(reaper!)).toBe(false);
  });
});
