// `l4lab image build --agent` for real: the image is built in a Docker engine (DOCKER_HOST's when
// one answers, as CI's private dockerd; else a private dockerd this test starts and stops, root
// only: --bridge=none --iptables=false, its own data root), then run as the DaemonSet runs it
// (read-only root filesystem, every capability dropped but NET_ADMIN) with `--network none`, so
// the agent's network namespace is the container's own, and `--pull never`: nothing leaves the
// machine. The agent listens on 127.0.0.1 inside that namespace only. Skipped visibly without
// docker; a failure under CI or with L4LAB_REQUIRE_DOCKER=1, as the runtime's docker tests.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { DockerEngine, dockerSocketPath } from '@l4lab/runtime';
import { AGENT_IMAGE } from './agentImage.ts';
import { imageCommand } from './imageCommand.ts';
import { runOnlyIf } from './testSkip.ts';

const onPath = (name: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => existsSync(join(dir, name)));
const REQUIRED = Boolean(process.env.CI) || process.env.L4LAB_REQUIRE_DOCKER === '1';
const AGENT_MAIN = resolve(import.meta.dirname, '../../agent/src/main.ts');

interface Engine {
  host: string;
  stop(): Promise<void>;
}

/** DOCKER_HOST's engine when it answers, else a private dockerd (root), else why there is none. */
async function findEngine(): Promise<Engine | { why: string }> {
  if (!onPath('docker')) return { why: 'the docker CLI is not on PATH (Debian: docker.io)' };
  const where = dockerSocketPath();
  if (!('error' in where) && (await new DockerEngine(where.path).ping()))
    return { host: `unix://${where.path}`, stop: async () => {} };
  if (process.env.DOCKER_HOST)
    return { why: `DOCKER_HOST=${process.env.DOCKER_HOST} does not answer` };
  if (!onPath('dockerd')) return { why: 'no Docker engine answers and dockerd is not on PATH' };
  if (process.getuid?.() !== 0)
    return { why: 'no Docker engine answers (a private one needs root)' };
  return privateDockerd();
}

async function privateDockerd(): Promise<Engine | { why: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-agent-image-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const child: ChildProcess = spawn(
    'dockerd',
    [
      ...['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec')],
      ...['-H', `unix://${socket}`, '--pidfile', join(dir, 'docker.pid')],
      ...['--bridge=none', '--iptables=false', '--ip6tables=false'],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid!, 'SIGTERM');
      const killed = setTimeout(() => process.kill(child.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(killed);
    }
    // dockerd leaves its default network namespace's mount behind (toolchain notes).
    spawnSync('umount', [join(dir, 'exec/netns/default')], { stdio: 'ignore' });
    await rm(dir, { recursive: true, force: true });
  };
  const engine = new DockerEngine(socket);
  for (let i = 0; i < 150; i++) {
    if (existsSync(socket) && (await engine.ping(500))) return { host: `unix://${socket}`, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  return {
    why: `a private dockerd did not start: ${log.trim().split('\n').slice(-3).join(' | ')}`,
  };
}

let engine: Engine | { why: string };
let work: string;

beforeAll(async () => {
  engine = await findEngine();
  if ('why' in engine && REQUIRED)
    throw new Error(
      `docker tests are required here (CI or L4LAB_REQUIRE_DOCKER) but ${engine.why}`,
    );
  work = await mkdtemp(join(tmpdir(), 'l4lab-agent-image-'));
}, 30_000);

afterAll(async () => {
  if (engine && 'stop' in engine) await engine.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 30_000);

function needEngine(ctx: TestContext): string {
  runOnlyIf(ctx, !('why' in engine), 'why' in engine ? engine.why : '');
  return (engine as Engine).host;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function docker(host: string, args: string[], timeout = 60_000): Promise<Run> {
  return command('docker', args, { ...process.env, DOCKER_HOST: host }, timeout);
}

function command(file: string, args: string[], env: NodeJS.ProcessEnv, timeout: number) {
  return new Promise<Run>((done) => {
    execFile(file, args, { env, timeout }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** As the DaemonSet runs the container (agent.yaml's securityContext), on no network. */
const POD_LIKE = [
  ...['run', '--rm', '--pull', 'never', '--network', 'none', '--read-only'],
  ...['--cap-drop', 'ALL', '--cap-add', 'NET_ADMIN', '-e', 'NODE_NAME=node-1'],
];

describe('l4lab image build --agent', () => {
  it('builds l4lab/agent:0.1.0 offline, says its size, and the image prints the agent usage', async (ctx) => {
    const host = needEngine(ctx);
    const saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = host;
    const out: string[] = [];
    const errs: string[] = [];
    try {
      const code = await imageCommand(
        ['build', '--agent'],
        (l) => out.push(l),
        (l) => errs.push(l),
      );
      expect(errs).toEqual([]);
      expect(code).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = saved;
    }
    expect(out.join('\n')).toMatch(/l4lab\/agent:0\.1\.0 built in \d+ ms, \d+\.\d MB/);
    const size = await docker(host, ['image', 'inspect', '--format', '{{.Size}}', AGENT_IMAGE]);
    // node itself is ~100 MB; the rest (esbuild's binary, zod, the sources, libc) stays small.
    expect(Number(size.stdout.trim())).toBeLessThan(200e6);

    const help = await docker(host, [...POD_LIKE, AGENT_IMAGE, '--help']);
    expect(help.stderr).toBe('');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: l4lab-agent --token-file FILE/);
  }, 120_000);

  it('a missing --token-file: the same exit code and message as the agent run from the repository', async (ctx) => {
    const host = needEngine(ctx);
    const args = ['--token-file', '/var/run/l4lab/token', '--listen', '127.0.0.1:9641'];
    const inImage = await docker(host, [...POD_LIKE, AGENT_IMAGE, ...args]);
    const here = await command(
      process.execPath,
      ['--import', 'tsx', AGENT_MAIN, ...args.map((a) => a.replace('/var/run', work))],
      { ...process.env, NODE_NAME: 'node-1' },
      30_000,
    );
    expect(inImage.code).not.toBe(0);
    expect(inImage.code).toBe(here.code);
    expect(inImage.stderr).toContain('cannot read the token file /var/run/l4lab/token');
    expect(here.stderr.replace(work, '/var/run')).toContain(
      'cannot read the token file /var/run/l4lab/token',
    );
  }, 60_000);

  it('with a token and NET_ADMIN it runs the prebuilt ctevents (no compiler in the image) and answers /healthz', async (ctx) => {
    const host = needEngine(ctx);
    await writeFile(join(work, 'token'), 's3cret\n', { mode: 0o400 });
    const name = `l4lab-agent-image-test-${process.pid}`;
    const started = await docker(host, [
      ...POD_LIKE.filter((a) => a !== '--rm'),
      ...['-d', '--name', name, '-v', `${work}:/var/run/l4lab:ro`],
      AGENT_IMAGE,
      ...['--token-file', '/var/run/l4lab/token', '--listen', '127.0.0.1:9641'],
    ]);
    try {
      expect(started.stderr).toBe('');
      let logs: Run = { code: 1, stdout: '', stderr: '' };
      for (let i = 0; i < 100 && !logs.stderr.includes('agent listening'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        logs = await docker(host, ['logs', name]);
      }
      expect(logs.stderr).toContain(
        '"msg":"conntrack events: native reader (ctevents)","path":"/usr/local/lib/l4lab/ctevents"',
      );
      expect(logs.stderr).toMatch(/"msg":"agent listening".*"reader":"native"/);
      const health = await docker(host, [
        ...['exec', name, process.execPath, '-e'],
        "fetch('http://127.0.0.1:9641/healthz').then(async (r) => console.log(r.status, await r.text()))",
      ]);
      expect(health.stdout.trim()).toBe('200 ok');
    } finally {
      await docker(host, ['rm', '-f', name]);
    }
  }, 60_000);
});
