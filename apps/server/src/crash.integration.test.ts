// The server killed with -9 (no chance to clean up): its pods die with it, before any next start
// (nginx by a parent-death signal, containers by the server's reaper); and what a crash still
// leaves (the reaper killed too) the next start removes before anything else, and says so. For
// each runtime with processes outside the server: nginx (skipped visibly where it is not
// installed) and docker (skipped visibly without an engine that has nginx:latest; required in CI
// and with L4LAB_REQUIRE_DOCKER=1). Addresses: testRanges.ts; port 0.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import { DockerEngine, detectDocker, findNginx } from '@l4lab/runtime';
import { testRanges } from './testRanges.ts';
import { nginxOf, startServerProcess } from './testServerProcess.ts';
import { runOnlyIf } from './testSkip.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const docker = await detectDocker();
type Runtime = 'nginx' | 'docker';

/** Why this machine cannot run the runtime's case ('' when it can). */
function missing(runtime: Runtime): string {
  if (runtime === 'nginx')
    return findNginx() ? '' : 'nginx is not installed (apt-get install nginx-light)';
  if (!docker.engine) return docker.reason;
  return docker.hasNginxImage ? '' : 'the engine has no nginx:latest (npm run image:build)';
}

/** Skips visibly when the runtime is missing; fails instead under CI or L4LAB_REQUIRE_DOCKER=1. */
function requireRuntime(ctx: TestContext, runtime: Runtime): void {
  const why = missing(runtime);
  if (why && runtime === 'docker' && process.env.L4LAB_REQUIRE_DOCKER === '1') {
    throw new Error(`docker tests are required here (L4LAB_REQUIRE_DOCKER=1), but ${why}`);
  }
  runOnlyIf(ctx, !why, why);
}

const children: ChildProcess[] = [];
let workspace: string | undefined;

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGTERM');
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

function startServer(ws: string, runtime: string, flags: string[]) {
  return startServerProcess(ws, ['--runtime', runtime, ...flags], children);
}

async function containersOf(ws: string): Promise<string[]> {
  if (!docker.engine) return [];
  const engine = new DockerEngine(docker.engine.socketPath);
  return (await engine.listContainers(['l4lab=1', `l4lab.workspace=${ws}`])).map((c) => c.Id);
}

const leftovers = async (runtime: string, ws: string) =>
  runtime === 'nginx' ? (await nginxOf(ws)).length : (await containersOf(ws)).length;

/** Polls (50 ms steps) until the workspace has `count` pods running, or `ms` passed. */
async function untilLeftovers(runtime: string, ws: string, count: number, ms: number) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if ((await leftovers(runtime, ws)) === count) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return leftovers(runtime, ws);
}

/** The server's container reaper (docker runtime) for this workspace, by its command line. */
async function reaperOf(ws: string): Promise<number | undefined> {
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('reaperProcess.mjs\0') && cmd.includes(`\0${ws}\0`)) return Number(e);
  }
  return undefined;
}

/** A first server of `runtime` on a fresh workspace, with seed 01's two pods running. */
async function crashableServer(runtime: Runtime) {
  workspace = await mkdtemp(join(tmpdir(), 'l4lab-crash-'));
  const flags = testRanges().flags;
  const first = startServer(workspace, runtime, flags);
  const url = await first.ready;
  const seed = await readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8');
  const res = await fetch(`${url}/api/apply`, {
    method: 'POST',
    body: seed,
    headers: { 'Content-Type': 'application/yaml' },
  });
  expect(res.status).toBe(200);
  expect(await untilLeftovers(runtime, workspace, 2, 20_000)).toBe(2);
  return { first, flags, workspace };
}

describe.each(['nginx', 'docker'] as const)(
  'after kill -9 of the server (%s runtime)',
  (runtime) => {
    it('leaves nothing running: its pods die with it, before any next start', async (ctx) => {
      requireRuntime(ctx, runtime);
      const { first, flags, workspace } = await crashableServer(runtime);
      first.child.kill('SIGKILL');
      await first.exited;
      // nginx: a parent-death signal; containers (dockerd's children): the server's reaper.
      expect(await untilLeftovers(runtime, workspace, 0, 5_000)).toBe(0);
      if (runtime === 'docker') {
        for (const end = Date.now() + 5_000; (await reaperOf(workspace)) && Date.now() < end;) {
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(await reaperOf(workspace)).toBeUndefined(); // its work done, the reaper is gone too
      }

      // --fresh: the saved cluster would start its pods again; this start is about leftovers.
      const second = startServer(workspace, runtime, [...flags, '--fresh']);
      await second.ready;
      expect(await leftovers(runtime, workspace)).toBe(0);
      second.child.kill('SIGTERM');
      expect(await second.exited, second.out()).toBe(0);
      expect(await leftovers(runtime, workspace)).toBe(0);
    });
  },
);

describe('after kill -9 of the server and of its container reaper (docker runtime)', () => {
  it('the next start removes the containers left, first, and says so', async (ctx) => {
    requireRuntime(ctx, 'docker');
    const { first, flags, workspace } = await crashableServer('docker');
    const reaper = await reaperOf(workspace);
    expect(reaper).toBeGreaterThan(0);
    process.kill(reaper!, 'SIGKILL');
    first.child.kill('SIGKILL');
    await first.exited;
    await new Promise((r) => setTimeout(r, 500));
    expect(await leftovers('docker', workspace)).toBe(2); // nothing was left to remove them

    const second = startServer(workspace, 'docker', [...flags, '--fresh']);
    await second.ready;
    expect(await leftovers('docker', workspace)).toBe(0);
    expect(second.out().match(/cleaned up: container/g)).toHaveLength(2);
    second.child.kill('SIGTERM');
    expect(await second.exited, second.out()).toBe(0);
    expect(await leftovers('docker', workspace)).toBe(0);
  });
});
