// --dataplane nftables as a user starts it: the launcher keeps the HTTP listener in the host's
// namespace and runs the lab inside a namespace of its own. The API answers through that
// listener; a pod's address answers inside the namespace (through `l4lab shell`) and not on the
// host; SIGTERM leaves nothing; a kill -9 of the launcher alone lets the server inside clean up;
// a kill -9 of both is cleaned by the next start, which says so. Needs root or unprivileged user
// namespaces, nft and conntrack (skipped visibly elsewhere, required under CI). Addresses:
// testRanges.ts (inside the test's own namespaces only); port 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import {
  type NamespaceRecord,
  destroyNamespace,
  namespaceExists,
  probe,
  processesIn,
  readRecord,
  runInNamespace,
  spawnInNamespace,
} from '@l4lab/netns';
import { freePort, processAlive } from '@l4lab/runtime';
import { testRanges } from './testRanges.ts';
import { SERVER_MAIN, type ServerProcess, startServerProcess } from './testServerProcess.ts';
import { runOnlyIf } from './testSkip.ts';
import { CONNECTION, LISTEN } from './netnsChild.ts';
import { handOver, listenOnHost } from './netnsLauncher.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const verdict = await probe();
const children: ChildProcess[] = [];
const workspaces: string[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const ws of workspaces.splice(0)) {
    const record = await readRecord(ws);
    if (record) await destroyNamespace(record); // only if a test failed half-way
    await rm(ws, { recursive: true, force: true });
  }
});

function requireKernelDataplane(ctx: TestContext): void {
  const why = verdict.ok ? '' : `${verdict.missing.join(', ')} missing (${verdict.hint})`;
  runOnlyIf(ctx, verdict.ok, `the nftables dataplane cannot run here: ${why}`);
}

async function newWorkspace(): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'l4lab-netns-'));
  workspaces.push(ws);
  return ws;
}

function startNamespaced(ws: string, dataplane = 'nftables', extra: string[] = []): ServerProcess {
  const flags = ['--dataplane', dataplane, '--runtime', 'builtin', ...testRanges().flags, ...extra];
  return startServerProcess(ws, flags, children);
}

function alive(pid: number | undefined): boolean {
  return pid !== undefined && pid > 0 && processAlive(pid);
}

async function until<T>(what: string, ms: number, probeOnce: () => Promise<T | undefined>) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    const v = await probeOnce();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const POD = `apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec: { containers: [{ name: web, image: nginx, ports: [{ containerPort: 80 }] }] }
`;

/** Applies the pod and waits until it is Ready; its IP. */
async function readyPod(url: string): Promise<string> {
  const applied = await fetch(`${url}/api/apply`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/yaml' },
    body: POD,
  });
  expect(applied.status).toBe(200);
  return until('the pod to be Ready', 15_000, async () => {
    const { items } = (await (await fetch(`${url}/api/objects/pods`)).json()) as {
      items: { metadata: { name: string }; status: { podIP?: string; conditions?: unknown[] } }[];
    };
    const pod = items.find((p) => p.metadata.name === 'web');
    const ready = (pod?.status.conditions ?? []).some(
      (c) =>
        (c as { type: string; status: string }).type === 'Ready' &&
        (c as { status: string }).status === 'True',
    );
    return ready ? pod!.status.podIP : undefined;
  });
}

/** `GET http://ip/` with node (curl may be missing): the X-Pod-Name header, or the error code. */
const GET_POD_NAME = (ip: string) => `require('node:http').get('http://${ip}/', (r) => {
    console.log(r.headers['x-pod-name']); r.resume(); }).on('error', (e) => console.log(e.code));`;

/** `l4lab shell --workspace ws -- node -e ...`, as `npm run shell -- ...` runs it. */
function shellRun(ws: string, command: string[]): Promise<{ code: number | null; out: string }> {
  const args = [SERVER_MAIN, 'shell', '--workspace', ws, '--'];
  const child = spawn(process.execPath, [...args, ...command], { cwd: ROOT });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, out: out.trim() })));
}

async function hostGet(ip: string): Promise<string> {
  try {
    const r = await fetch(`http://${ip}/`, { signal: AbortSignal.timeout(3000) });
    return `answered ${r.status}`;
  } catch (err) {
    return String((err as { cause?: { code?: string } }).cause?.code ?? err);
  }
}

/** Nothing of the lab is left: no namespace, no process in it, no record. */
async function expectNothingLeft(ws: string, record: NamespaceRecord): Promise<void> {
  await until('the namespace to be gone', 15_000, async () =>
    namespaceExists(record) ? undefined : true,
  );
  expect(processesIn(record)).toEqual([]);
  expect(alive(record.serverPid)).toBe(false);
  expect(await readRecord(ws)).toBeUndefined();
}

describe("the launcher's host-side listener", () => {
  it('hands the server inside a connection accepted before the server was started', async () => {
    const listener = await listenOnHost(0, '127.0.0.1');
    const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    try {
      // Accepted while the namespace is made and the server spawned: nothing to pass it to yet.
      await new Promise<void>((ok) => client.once('connect', () => ok()));
      client.write('GET / HTTP/1.0\r\n\r\n');
      for (let n = 0; n === 0; await new Promise((r) => setTimeout(r, 10)))
        n = await new Promise<number>((ok) => listener.getConnections((_e, c) => ok(c)));
      // The server inside, as the IPC channel shows it to the launcher.
      const sent: { msg: unknown; handle: unknown }[] = [];
      const child = Object.assign(new EventEmitter(), {
        send(msg: unknown, handle: unknown, cb?: (err: Error | null) => void) {
          sent.push({ msg, handle });
          cb?.(null);
          return true;
        },
      }) as unknown as ChildProcess;
      handOver(child, listener);
      expect(sent.map((m) => m.msg).sort()).toEqual([CONNECTION, LISTEN].sort());
      // The server inside answers it: the client's bytes were kept for it (paused, unread).
      const socket = sent.find((m) => m.msg === CONNECTION)!.handle as Socket;
      const request = await new Promise<string>((ok) => {
        socket.once('data', (d) => ok(String(d)));
        socket.resume(); // as the HTTP server inside does
      });
      expect(request).toBe('GET / HTTP/1.0\r\n\r\n');
      socket.end('HTTP/1.0 200 OK\r\n\r\n');
      const answer = await new Promise<string>((ok) => client.once('data', (d) => ok(String(d))));
      expect(answer).toBe('HTTP/1.0 200 OK\r\n\r\n');
    } finally {
      client.destroy();
      listener.close();
    }
  });
});

describe('--dataplane nftables (the lab in a network namespace of its own)', () => {
  it('serves through the host-side listener, isolates pods, and leaves nothing after SIGTERM', async (ctx) => {
    requireKernelDataplane(ctx);
    const ws = await newWorkspace();
    const port = await freePort();
    const t0 = Date.now();
    const server = startNamespaced(ws, 'nftables', ['--port', String(port)]);
    // A request sent while the server inside still starts is accepted by the launcher and handed
    // over with the listener: it is answered, not lost.
    await until('the launcher to listen', 20_000, async () =>
      server.out().includes("the cluster's network is the namespace") ? true : undefined,
    );
    const early = fetch(`http://127.0.0.1:${port}/api/healthz`, {
      signal: AbortSignal.timeout(20_000),
    });
    const url = await server.ready;
    const startMs = Date.now() - t0;
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect((await early).status).toBe(200);
    const health = (await (await fetch(`${url}/api/healthz`)).json()) as { dataplane: string };
    expect(health.dataplane).toBe('nftables');
    const record = (await readRecord(ws))!;
    expect(record).toMatchObject({ method: verdict.ok ? verdict.method : '', workspace: ws });
    expect(server.out()).toContain(`the cluster's network is the namespace ${record.name}`);

    const t1 = Date.now();
    const podIP = await readyPod(url);
    const readyMs = Date.now() - t1;
    const inside = await shellRun(ws, [process.execPath, '-e', GET_POD_NAME(podIP)]);
    expect(inside).toEqual({ code: 0, out: 'web' });
    // The API answers inside too, on the listening address (the `kubernetes` Service's endpoint).
    const api = await runInNamespace(record, process.execPath, [
      '-e',
      `fetch('${url}/api/healthz').then((r) => console.log(r.status))`,
    ]);
    expect(api.stdout.trim()).toBe('200');
    expect(await hostGet(podIP)).toBe('ECONNREFUSED');
    // One lab per workspace: a second start is refused before it makes a namespace.
    const second = startNamespaced(ws);
    second.ready.catch(() => {});
    expect(await second.exited).toBe(1);
    expect(second.out()).toContain('L4_E_WORKSPACE_BUSY');
    expect(await readRecord(ws)).toEqual(record);

    const t2 = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const stopMs = Date.now() - t2;
    await expectNothingLeft(ws, record);
    expect(server.out()).toContain('l4lab stopped.');
    ctx.annotate(`start ${startMs} ms, pod Ready ${readyMs} ms, stop ${stopMs} ms`);
  });

  it('after a kill -9 of the launcher, the server inside stops and removes the namespace', async (ctx) => {
    requireKernelDataplane(ctx);
    const ws = await newWorkspace();
    const server = startNamespaced(ws, 'auto');
    await server.ready;
    expect(server.out()).toContain('dataplane auto: nftables');
    const record = (await readRecord(ws))!;
    server.child.kill('SIGKILL');
    const t0 = Date.now();
    await until('the server inside to exit', 10_000, async () =>
      alive(record.serverPid) ? undefined : true,
    );
    await expectNothingLeft(ws, record);
    ctx.annotate(`the server inside was gone ${Date.now() - t0} ms after the launcher's kill -9`);
  });

  it('after a kill -9 of the launcher and the server, the next start cleans up and says so', async (ctx) => {
    requireKernelDataplane(ctx);
    const ws = await newWorkspace();
    const first = startNamespaced(ws);
    await first.ready;
    const record = (await readRecord(ws))!;
    // Something the crash leaves running in the namespace (as a conntrack -E reader would be).
    const leftover = spawnInNamespace(record, 'sleep', ['60'], { stdio: 'ignore' });
    children.push(leftover);
    await until('sleep in the namespace', 10_000, async () =>
      processesIn(record).includes(leftover.pid!) ? true : undefined,
    );
    process.kill(record.serverPid!, 'SIGKILL');
    first.child.kill('SIGKILL');
    await first.exited;
    await until('the server to die', 10_000, async () =>
      alive(record.serverPid) ? undefined : true,
    );
    expect(namespaceExists(record)).toBe(true); // the sleep holds it (and a name, as root)

    const t0 = Date.now();
    const second = startNamespaced(ws);
    await second.ready;
    const restartMs = Date.now() - t0;
    expect(second.out()).toMatch(
      new RegExp(
        `cleaned up: network namespace ${record.name} of an earlier run .*${leftover.pid} sleep`,
      ),
    );
    expect(alive(leftover.pid)).toBe(false);
    const now = (await readRecord(ws))!;
    expect(now.serverPid).not.toBe(record.serverPid);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    await expectNothingLeft(ws, now);
    ctx.annotate(`restart with the clean-up: ${restartMs} ms to ready`);
  });

  it('refuses what the namespace cannot serve, before making one', async () => {
    const ws = await newWorkspace();
    const server = startServerProcess(ws, ['--dataplane', 'nftables', '--expose'], children);
    server.ready.catch(() => {}); // it never gets ready: that is the point
    expect(await server.exited).toBe(2);
    expect(server.out()).toContain('--dataplane nftables cannot serve --expose');
    expect(await readRecord(ws)).toBeUndefined();
  });
});
