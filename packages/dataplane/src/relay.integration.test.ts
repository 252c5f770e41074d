// RelayPool's start-up failure paths: a relay module that exits at once, a native relay that cannot
// be spawned (a broken install), relays that get no socket with the start-up probe. Then what each
// relay (native and Node) does with sockets it is not meant to keep: one with a message it does
// not know, the probe's, and (native) a message whose sockets were truncated. The hand-offs
// themselves are in tcpProxy.integration.test.ts; the only sockets here are never connected.
import { execFile, fork, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@l4lab/cluster/testing';
import { libuv } from './libuvTcp.ts';
import { NATIVE_CFLAGS, nativeRelay } from './nativeRelay.ts';
import { RELAY_RETRY_MS, RelayPool } from './relay.ts';
import type { RelayReport, RelayRequest } from './relayProtocol.ts';
import type { TcpFlow } from './tcpProxy.ts';

const run = promisify(execFile);
const RELAY_ENTRY = fileURLToPath(new URL('./relayProcess.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SEND_SOCKETS_SOURCE = fileURLToPath(new URL('../native/test/sendSockets.c', import.meta.url));

let dir: string | undefined;
let pool: RelayPool | undefined;

afterEach(async () => {
  await pool?.stop(true);
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('a relay that exits before it is ready: warned once, and no new one for a while', async () => {
  dir = await mkdtemp(join(tmpdir(), 'l4lab-relay-'));
  const entry = join(dir, 'broken.mjs');
  await writeFile(entry, 'process.exit(3);\n');
  const logs: { obj: object; msg: string }[] = [];
  const log = (obj: object, msg: string) => void logs.push({ obj, msg });
  pool = new RelayPool(2, { info: log, warn: log }, { entry, native: false });
  // Never handed off (no relay is ready): adopt() does not touch it.
  const stream = {} as TcpFlow;

  pool.adopt(stream, true);
  const [pid] = pool.pids;
  expect(pid).toBeGreaterThan(0);
  await waitFor('the relay to exit', () => (pool!.pids.length === 0 ? true : undefined), 10_000);
  for (let i = 0; i < 5; i++) pool.adopt(stream, true);

  expect(pool.pids).toEqual([]); // no fork per full read
  expect(logs).toEqual([
    {
      msg: 'relay process exited (code 3) before it was ready: streams stay in the proxier',
      obj: { pid, retryInSeconds: RELAY_RETRY_MS / 1000 },
    },
  ]);
});

it('a native relay that cannot be spawned: Node relays from then on, and stop() still returns', async () => {
  const logs: { obj: object; msg: string }[] = [];
  const log = (obj: object, msg: string) => void logs.push({ obj, msg });
  pool = new RelayPool(1, { info: log, warn: log }, { nativeBinary: '/nonexistent/l4lab-relay' });
  expect(pool.kind).toBe('native');

  expect(pool.adopt({} as TcpFlow, false)).toBe('later'); // starting
  await waitFor('the fall-back', () => (pool!.kind === 'node' ? true : undefined), 10_000);
  expect(logs[0]).toEqual({
    msg: 'relay process did not start (spawn /nonexistent/l4lab-relay ENOENT) before it was ready: relay processes run on Node',
    obj: { pid: undefined },
  });
  expect(pool.pids).toEqual([]);
  // Long-lived connections are not Node relays' job; streams are.
  expect(pool.adopt({} as TcpFlow, false)).toBe('never');
  await pool.prestart();
  expect(pool.pids).toHaveLength(1);
  await pool.stop(true);
  expect(pool.pids).toEqual([]);
});

/** Descriptors the process has open (/proc/PID/fd: Linux, as the native relay). */
function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The next report of `child` that `pick` accepts. */
function nextReport<T>(child: ChildProcess, pick: (m: RelayReport) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: RelayReport) => {
      const got = pick(m);
      if (got === undefined) return;
      child.off('message', onMessage);
      resolve(got);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`relay exited (${code})`)));
  });
}

/** Sends `m` to the relay with a socket of its own (bound, never connected), then closes ours. */
function sendWithSocket(child: ChildProcess, m: object): Promise<void> {
  const socket = libuv().newSocket();
  expect(socket.bind('127.0.0.1', 0)).toBe(0);
  return new Promise((resolve, reject) =>
    child.send(m, socket as never, (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    }),
  );
}

describe.each([
  ['native', true],
  ['Node', false],
])('a %s relay', (_kind, native) => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
  });

  async function startRelay(): Promise<ChildProcess> {
    const stdio: StdioOptions = ['ignore', 'inherit', 'inherit', 'ipc'];
    if (native) {
      const { path, error } = await nativeRelay();
      expect(error).toBeUndefined(); // CI has a C compiler
      child = spawn(path!, [], { stdio, serialization: 'json' });
    } else {
      child = fork(RELAY_ENTRY, [], {
        execArgv: ['--import', TSX_LOADER],
        stdio,
        serialization: 'json',
      });
    }
    await nextReport(child, (m) => (m.t === 'ready' ? true : undefined));
    return child;
  }

  it('closes the sockets that come with messages it does not know (its fds do not grow)', async () => {
    const relay = await startRelay();
    const before = openFds(relay.pid!);

    for (let i = 0; i < 20; i++) await sendWithSocket(relay, { t: 'not-a-relay-request', id: i });
    // a barrier: with no connection, `drain` is answered once everything before it is handled
    relay.send({ t: 'drain' } satisfies RelayRequest);
    await nextReport(relay, (m) => (m.t === 'stopped' ? true : undefined));

    expect(openFds(relay.pid!)).toBe(before);
  });

  it('answers the probe: the socket came, and is not kept', async () => {
    const relay = await startRelay();
    const before = openFds(relay.pid!);

    const answer = nextReport(relay, (m) => (m.t === 'probe' ? m : undefined));
    await sendWithSocket(relay, { t: 'probe' } satisfies RelayRequest);

    expect(await answer).toEqual({ t: 'probe', socket: true });
    expect(openFds(relay.pid!)).toBe(before);
  });
});

it('the native relay refuses a message whose sockets were truncated (MSG_CTRUNC): it closes them and fails the hand-off', async () => {
  const { path: relay, error } = await nativeRelay();
  expect(error).toBeUndefined();
  dir = await mkdtemp(join(tmpdir(), 'l4lab-relay-'));
  const helper = join(dir, 'sendSockets');
  await run(process.env.CC ?? 'cc', [...NATIVE_CFLAGS, '-o', helper, SEND_SOCKETS_SOURCE]);

  // 40 sockets in one message: the relay's control buffer takes 16
  const { stdout, stderr } = await run(helper, [relay!, '40']);

  const fds = (when: string) => Number(new RegExp(`^fds ${when} (\\d+)$`, 'm').exec(stdout)?.[1]);
  expect(fds('before')).toBeGreaterThan(0);
  expect(fds('after')).toBe(fds('before'));
  expect(stdout).toContain(
    'line {"t":"end","id":7,"bytesIn":0,"bytesOut":0,"failure":"relay hand-off lost the client socket"}',
  );
  expect(stderr).toContain(
    'truncated (MSG_CTRUNC): closed the 16 that arrived; its hand-off fails',
  );
});

it('a relay that gets no socket with the probe is not used: native -> Node relays -> none, each said at warn', async () => {
  dir = await mkdtemp(join(tmpdir(), 'l4lab-relay-'));
  // A relay whose messages arrive without their sockets, as if Node's handle passing had changed.
  const socketless = join(dir, 'socketless.mjs');
  await writeFile(
    socketless,
    "#!/usr/bin/env node\nprocess.on('message', (m) => { if (m.t === 'probe') process.send({ t: 'probe', socket: false }); });\nprocess.send({ t: 'ready' });\n",
  );
  await chmod(socketless, 0o755);
  const logs: { obj: object; msg: string }[] = [];
  const log = (obj: object, msg: string) => void logs.push({ obj, msg });

  pool = new RelayPool(1, { info: log, warn: log }, { nativeBinary: socketless });
  await pool.prestart();
  expect(pool.kind).toBe('node');
  expect(logs[0]!.msg).toBe(
    "relay process received no socket with the probe (Node's handle passing has changed) before it was ready: relay processes run on Node",
  );
  await pool.stop(true);

  logs.length = 0;
  pool = new RelayPool(1, { info: log, warn: log }, { entry: socketless, native: false });
  await pool.prestart();
  expect(pool.kind).toBe('none');
  expect(logs).toEqual([
    {
      msg: "relay process received no socket with the probe (Node's handle passing has changed): no relay processes, every connection stays on kube-proxy's event loop",
      obj: { pid: expect.any(Number), node: process.version },
    },
  ]);
  await waitFor('the relay to be killed', () => (pool!.pids.length === 0 ? true : undefined));
  expect(pool.adopt({} as TcpFlow, true)).toBe('never');
});
