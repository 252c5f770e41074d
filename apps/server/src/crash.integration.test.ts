// The server killed with -9 (no chance to clean up), then started again on the same workspace: the
// second start must remove every leftover nginx process / container before anything else, and say
// so. For each runtime with processes outside the server (nginx when installed; docker when an
// engine answers with nginx:latest, always in CI). Addresses: testRanges.ts; port 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DockerEngine, detectDocker, findNginx } from '@l4lab/runtime';
import { testRanges } from './testRanges.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const docker = await detectDocker();
const requireDocker = Boolean(process.env.CI) || process.env.L4LAB_REQUIRE_DOCKER === '1';
const runtimes: ('nginx' | 'docker')[] = [];
if (findNginx()) runtimes.push('nginx');
if (docker.engine && docker.hasNginxImage) runtimes.push('docker');
else if (requireDocker) throw new Error('docker tests are required here (CI) but no engine/image');

const children: ChildProcess[] = [];
let workspace: string | undefined;

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGTERM');
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

function startServer(ws: string, runtime: string, flags: string[]) {
  const args = ['--import', 'tsx', 'apps/server/src/main.ts', '--port', '0', '--workspace', ws];
  const child = spawn(process.execPath, [...args, '--runtime', runtime, ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /l4lab ready: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, ready, exited, out: () => out };
}

/** nginx processes whose command line names this workspace. */
async function nginxOf(ws: string): Promise<number[]> {
  const pids: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if (cmd.startsWith('nginx') || cmd.includes('/nginx\0')) {
      if (cmd.includes(ws)) pids.push(Number(e));
    }
  }
  return pids;
}

async function containersOf(ws: string): Promise<string[]> {
  if (!docker.engine) return [];
  const engine = new DockerEngine(docker.engine.socketPath);
  return (await engine.listContainers(['l4lab=1', `l4lab.workspace=${ws}`])).map((c) => c.Id);
}

const leftovers = async (runtime: string, ws: string) =>
  runtime === 'nginx' ? (await nginxOf(ws)).length : (await containersOf(ws)).length;

describe.each(runtimes)('after kill -9 of the server (%s runtime)', (runtime) => {
  it('leaves nothing running: pods die with it, or the next start removes them first', async () => {
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
    const end = Date.now() + 20_000;
    while ((await leftovers(runtime, workspace)) < 2 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await leftovers(runtime, workspace)).toBe(2);
    first.child.kill('SIGKILL');
    await first.exited;
    if (runtime === 'nginx') {
      // nginx pods die with the server (a parent-death signal): nothing is left to serve on.
      for (const end = Date.now() + 5_000; Date.now() < end;) {
        if ((await leftovers(runtime, workspace)) === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await leftovers(runtime, workspace)).toBe(0);
    } else {
      // Containers belong to dockerd: they outlive the server until the next start.
      expect(await leftovers(runtime, workspace)).toBe(2);
    }

    const second = startServer(workspace, runtime, flags);
    await second.ready;
    expect(await leftovers(runtime, workspace)).toBe(0);
    if (runtime === 'docker') {
      expect(second.out().match(/cleaned up: /g)).toHaveLength(2);
      expect(second.out()).toMatch(/cleaned up: container/);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await leftovers(runtime, workspace)).toBe(0);
  });
});
