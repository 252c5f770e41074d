// The server as a user runs it (a child process), stopped with Ctrl+C (SIGINT): every pod it
// started must be gone. Uses port 0-free port on 127.0.0.1 and a temporary workspace.
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive as alive } from '@l4lab/runtime';
import { testRanges } from './testRanges.ts';
import { SERVER_MAIN } from './testServerProcess.ts';
import { runOnlyIf } from './testSkip.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let child: ChildProcess | undefined;
let workspace: string | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

function startServer(
  ws: string,
  extra: string[] = [],
): Promise<{ url: string; out: () => string }> {
  const args = [SERVER_MAIN, '--port', '0', '--workspace', ws, ...extra];
  child = spawn(process.execPath, [...args, ...testRanges().flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child!.stdout!.on('data', () => {
      const m = /l4lab ready: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl({ url: m[1]!, out: () => out });
      }
    });
    child!.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

async function podPids(ws: string): Promise<number[]> {
  const dirs = await readdir(join(ws, 'pods')).catch(() => []);
  const pids: number[] = [];
  for (const d of dirs) {
    const pid = Number(
      (await readFile(join(ws, 'pods', d, 'l4lab.pid'), 'utf8').catch(() => '')).trim(),
    );
    if (pid > 0) pids.push(pid);
  }
  return pids;
}

/** Applies seed 01 and answers the pids of its two nginx pods once both run. */
async function seedPods(url: string, ws: string): Promise<number[]> {
  const seed = await readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8');
  const res = await fetch(`${url}/api/apply`, {
    method: 'POST',
    body: seed,
    headers: { 'Content-Type': 'application/yaml' },
  });
  expect(res.status).toBe(200);
  let pids: number[] = [];
  for (const end = Date.now() + 15_000; pids.length < 2 && Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 100));
    pids = await podPids(ws);
  }
  expect(pids).toHaveLength(2);
  return pids;
}

/** nginx as the runtime finds it (PATH, or Debian's /usr/sbin). */
function hasNginx(): boolean {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin'];
  return dirs.some((d) => d && existsSync(join(d, 'nginx')));
}

describe('l4lab server process', () => {
  it('prints its runtime and URL, and SIGINT stops every pod it started', async (ctx) => {
    // nginx pods are processes this test can count (docker pods: crash.integration.test.ts).
    runOnlyIf(ctx, hasNginx(), 'nginx is not installed (apt-get install nginx-light)');
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-main-'));
    const { url, out } = await startServer(workspace, ['--runtime', 'nginx']);
    expect(out()).toMatch(/runtime: nginx/);
    const pids = await seedPods(url, workspace);
    expect(pids.every(alive)).toBe(true);
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child!.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out()).toContain('l4lab stopped.');
    expect(pids.filter(alive)).toEqual([]);
  });

  it('kill -9 of the server takes its nginx pods with it (nothing serves on after it)', async (ctx) => {
    runOnlyIf(ctx, hasNginx(), 'nginx is not installed (apt-get install nginx-light)');
    runOnlyIf(ctx, process.platform === 'linux', 'a parent-death signal is Linux only');
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-main-'));
    const { url } = await startServer(workspace, ['--runtime', 'nginx']);
    const pids = await seedPods(url, workspace);
    const exited = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGKILL');
    await exited;
    for (const end = Date.now() + 5_000; pids.some(alive) && Date.now() < end;)
      await new Promise((r) => setTimeout(r, 50));
    const left = pids.filter(alive);
    for (const pid of left) process.kill(pid, 'SIGKILL'); // this test's own, should it fail
    expect(left).toEqual([]);
  });

  it('refuses cross-origin browsers on mutating calls', async () => {
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-main-'));
    const { url } = await startServer(workspace);
    const res = await fetch(`${url}/api/apply`, {
      method: 'POST',
      body: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n',
      headers: { 'Content-Type': 'application/yaml', Origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'L4_E_CROSS_ORIGIN',
    );
    child!.kill('SIGTERM');
  });
});
