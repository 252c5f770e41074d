// TcpFlow over real TCP on loopback, driven by a fake owner (no proxier, no mocks), twice: on this
// process's loop, then with a relay process (relay.ts) that connections which stream are handed
// to, as the proxier does. Addresses, all in
// 127.231.0.0/16 (no other test uses it), port 8080 everywhere; case n uses frontend n, backend n:
//   frontends 127.231.0.1-7  raw libuv listeners, as the proxier's
//   backends  127.231.1.1-7  Node TCP servers; nothing listens on .6; .7 never accepts
//   clients   127.231.2.1    source address of every client (and of the fillers of case 7)
//   proxy     127.231.3.1    the flow's source address towards backend 1 (elsewhere the kernel's)
import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type ServerOpts, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@l4lab/protocol';
import { realClock } from '@l4lab/cluster';
import { waitFor } from '@l4lab/cluster/testing';
import { listenTcp, type SockAddr, type TcpHandle } from './libuvTcp.ts';
import { LONG_LIVED_READS, RelayPool, type HandOff } from './relay.ts';
import { ConnectTimeouts, TcpFlow, type TcpProxyOwner } from './tcpProxy.ts';
import type { EndpointInfo } from './types.ts';

const PORT = 8080;
const CLIENT_IP = '127.231.2.1';
const PROXY_SOURCE_IP = '127.231.3.1';
const REASON = 'random 1 of 1';
const frontendIP = (n: number) => `127.231.0.${n}`;
const backendIP = (n: number) => `127.231.1.${n}`;

/** The proxier's side of a flow: keeps what the flow reports. */
class FakeOwner implements TcpProxyOwner {
  readonly events: ConnectionEvent[] = [];
  readonly closedFlows: TcpFlow[] = [];
  readonly connects: ConnectTimeouts;
  constructor(connectTimeoutMs = 5000) {
    this.connects = new ConnectTimeouts(realClock, connectTimeoutMs);
  }
  now(): number {
    return Date.now();
  }
  emit(e: ConnectionEvent): void {
    this.events.push(e);
  }
  closed(flow: TcpFlow): void {
    this.closedFlows.push(flow);
  }
  /** As the proxier: a flow that streams or lives long goes to a relay, in the relayed cases. */
  streaming(flow: TcpFlow, full: boolean): HandOff {
    return relays?.adopt(flow, full) ?? 'never';
  }
  /** The event that ends the connection. */
  finalEvent(ms = 5000): Promise<ConnectionEvent> {
    return waitFor('the final event', () => this.events.find((e) => e.outcome !== 'open'), ms, 5);
  }
}

/** Bytes one side received or sent: count, running SHA-256, and the bytes themselves if `keep`. */
class ByteLog {
  bytes = 0;
  readonly #hash = createHash('sha256');
  readonly #chunks: Buffer[] = [];
  constructor(readonly keep = true) {}
  add(d: Buffer): void {
    this.bytes += d.length;
    this.#hash.update(d);
    if (this.keep) this.#chunks.push(d);
  }
  digest(): string {
    return this.#hash.copy().digest('hex');
  }
  text(): string {
    return Buffer.concat(this.#chunks).toString();
  }
}

/** The relay processes of the relayed cases (undefined: every flow stays on this loop). */
let relays: RelayPool | undefined;
const relayLog: { msg: string; obj: object }[] = [];

const servers: Server[] = [];
const sockets: Socket[] = [];
const listeners: TcpHandle[] = [];
const flows: TcpFlow[] = [];
const workers: { worker: Worker; release: Int32Array }[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const f of flows.splice(0)) f.close(true); // no-op unless a case failed half-way
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await Promise.all(listeners.splice(0).map((h) => new Promise<void>((r) => h.close(r))));
  for (const { worker, release } of workers.splice(0)) {
    Atomics.store(release, 0, 1);
    Atomics.notify(release, 0);
    await worker.terminate();
  }
});

/** Rejects if `p` has not settled within `ms`. */
async function within<T>(what: string, ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gives `s` its error listener; resolves when it closes, with the error it closed on if any. */
function watch(s: Socket): Promise<NodeJS.ErrnoException | undefined> {
  sockets.push(s);
  return new Promise((resolve) => {
    let error: NodeJS.ErrnoException | undefined;
    s.on('error', function onSocketError(e: NodeJS.ErrnoException) {
      error = e;
    });
    s.on('close', function onSocketClose() {
      resolve(error);
    });
  });
}

function backend(n: number, opts: ServerOpts, onSocket: (s: Socket) => void): Promise<Server> {
  const srv = createServer(opts, function onBackendConnection(s) {
    void watch(s);
    onSocket(s);
  });
  servers.push(srv);
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(PORT, backendIP(n), () => resolve(srv));
  });
}

function endpointInfo(n: number): EndpointInfo {
  return {
    ip: backendIP(n),
    port: PORT,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: 'node-1',
    pod: `echo-${n}`,
    namespace: 'default',
  };
}

/**
 * A frontend on 127.231.0.n that proxies every connection to backend n (as the proxier's
 * `#onConnection`), with `owner` as the flows' owner. Returns the flows it starts.
 */
function frontend(n: number, owner: TcpProxyOwner, localAddress?: string): TcpFlow[] {
  const { server } = listenTcp(frontendIP(n), PORT, 16);
  listeners.push(server);
  const started: TcpFlow[] = [];
  const ep = endpointInfo(n);
  server.onconnection = function onFrontendConnection(status, client) {
    if (status !== 0 || !client) return; // no flow: expectClosedOnce says so
    const peer: SockAddr = {};
    client.getpeername(peer);
    const open: ConnectionEvent = {
      id: `flow-${n}-${started.length}`,
      startedAt: Date.now(),
      protocol: 'TCP',
      client: { ip: peer.address ?? '', port: peer.port ?? 0 },
      frontend: { kind: 'ClusterIP', ip: frontendIP(n), port: PORT },
      service: { namespace: 'default', name: 'echo', port: PORT },
      endpoint: { pod: ep.pod, namespace: ep.namespace, ip: ep.ip, port: ep.port, node: 'node-1' },
      mode: 'userspace',
      reason: REASON,
      bytesIn: 0,
      bytesOut: 0,
      outcome: 'open',
    };
    const flow = new TcpFlow(owner, client, open, 'default/echo:', ep);
    started.push(flow);
    flows.push(flow);
    flow.start({ ip: ep.ip, port: ep.port, ...(localAddress ? { localAddress } : {}) });
  };
  return started;
}

interface Client {
  socket: Socket;
  received: ByteLog;
  /** Whether the client read an end of stream (a FIN). */
  ended: boolean;
  closed: Promise<NodeJS.ErrnoException | undefined>;
}

/** A client of frontend n, resolved once connected. `paused`: reads nothing until resumed. */
function connectClient(
  n: number,
  opts: { allowHalfOpen?: boolean; paused?: boolean; keep?: boolean; highWaterMark?: number } = {},
): Promise<Client> {
  const socket = connect({
    host: frontendIP(n),
    port: PORT,
    localAddress: CLIENT_IP,
    allowHalfOpen: opts.allowHalfOpen ?? false,
    ...(opts.highWaterMark ? { writableHighWaterMark: opts.highWaterMark } : {}),
  });
  const c: Client = {
    socket,
    received: new ByteLog(opts.keep ?? true),
    ended: false,
    closed: watch(socket),
  };
  socket.on('data', function onClientData(d: Buffer) {
    c.received.add(d);
  });
  if (opts.paused) socket.pause(); // after the 'data' listener, which would resume it
  socket.on('end', function onClientEnd() {
    c.ended = true;
  });
  return within(
    'the client to connect',
    5000,
    new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => resolve(c));
    }),
  );
}

/** The owner saw `open` then one final event for its only flow, which called `closed` once. */
async function expectClosedOnce(owner: FakeOwner, started: TcpFlow[]): Promise<void> {
  await sleep(50); // a second close would come from a late callback: give those a chance
  expect(started).toHaveLength(1);
  expect(owner.closedFlows).toHaveLength(1);
  expect(owner.closedFlows[0]).toBe(started[0]);
  expect(owner.events).toHaveLength(2);
  expect(owner.events[0]!.outcome).toBe('open');
  expect(owner.events[1]!.id).toBe(owner.events[0]!.id);
}

// Back-pressure: 64 MiB in 64 KiB chunks, each chunk numbered (a reordered, lost or repeated
// chunk changes the hash). The writer's high-water mark is 1 MiB so that write() returns false
// only when the kernel refuses bytes (with the default 16 KiB, any 64 KiB write returns false).
const CHUNK = 64 * 1024;
const TOTAL = 64 * 1024 * 1024;
const WRITER_HWM = 1024 * 1024;
const PAUSE_MS = 300;
// While the reader is paused the writer gets no further than the buffers between the two ends: its
// own 1 MiB, the two sending sockets' kernel buffers (autotuned up to tcp_wmem's 4 MiB), the two
// receiving sockets' (the one the flow reads autotunes to 1-2 MiB, the paused one stays at 128 KiB)
// and the flow's one read (64 KiB). Measured with ss on Linux 6.18: 8.7-10.6 MiB in 40 runs. A flow
// that buffered without limit would take all 64 MiB (loopback moves that in well under 300 ms).
const PAUSED_BOUND = 16 * 1024 * 1024;
const PATTERN = Buffer.from(Array.from({ length: CHUNK }, (_, i) => (i * 131 + 7) & 0xff));

/** Writes TOTAL bytes to `s` as fast as it takes them (write() false: wait for 'drain'), then ends. */
class Pump {
  written = 0;
  sawFull = false;
  readonly sent = new ByteLog(false);
  constructor(readonly socket: Socket) {}
  readonly run = (): void => {
    while (this.written < TOTAL) {
      const b = Buffer.allocUnsafe(CHUNK);
      PATTERN.copy(b);
      b.writeUInt32BE(this.written / CHUNK, 0);
      this.sent.add(b);
      this.written += CHUNK;
      if (!this.socket.write(b)) {
        this.sawFull = true;
        this.socket.once('drain', this.run);
        return;
      }
    }
    this.socket.end();
  };
}

describe('TcpFlow over real TCP, on this loop', () => {
  flowCases(false);
});

describe.each([
  ['native', true],
  ['Node', false],
])('TcpFlow over real TCP, handed to a %s relay process', (kind, native) => {
  beforeAll(async () => {
    relays = new RelayPool(
      1,
      {
        info: (obj, msg) => relayLog.push({ obj, msg }),
        warn: (obj, msg) => relayLog.push({ obj, msg }),
      },
      { native },
    );
    await relays.prestart();
    expect(relays.kind).toBe(native ? 'native' : 'node'); // CI has a C compiler
  }, 20_000);
  afterAll(async () => {
    await relays?.stop(true);
    relays = undefined;
  });

  flowCases(true);
  relayCases(kind === 'native');
});

/** The cases both ways. `relaying`: the streaming ones must have moved to the relay. */
function flowCases(relaying: boolean): void {
  it('passes a half-close on: the backend replies after the client FIN, the client reads it all', async () => {
    const owner = new FakeOwner();
    const request = 'GET /a\r\n'.repeat(2000);
    const reply = Buffer.from(Array.from({ length: 300_000 }, (_, i) => 97 + (i % 26)));
    let backendPeer: string | undefined;
    let requestAtEnd = '';
    await backend(1, { allowHalfOpen: true }, (s) => {
      backendPeer = s.remoteAddress;
      const got = new ByteLog();
      s.on('data', (d: Buffer) => got.add(d));
      s.on('end', function onRequestEnd() {
        requestAtEnd = got.text();
        s.end(reply);
      });
    });
    const started = frontend(1, owner, PROXY_SOURCE_IP);

    const c = await connectClient(1, { allowHalfOpen: true });
    c.socket.end(request);
    expect(await within('the client to close', 5000, c.closed)).toBeUndefined();

    expect(requestAtEnd).toBe(request); // the whole request, then the FIN
    expect(c.ended).toBe(true); // a FIN, not a reset
    expect(c.received.text()).toBe(reply.toString());
    expect(backendPeer).toBe(PROXY_SOURCE_IP);
    const done = await owner.finalEvent();
    expect(done).toMatchObject({
      outcome: 'ok',
      reason: REASON,
      bytesIn: request.length,
      bytesOut: reply.length,
      client: { ip: CLIENT_IP },
    });
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    await expectClosedOnce(owner, started);
  });

  it('stops reading the backend while the client does not read (back-pressure, backend -> client)', async () => {
    const owner = new FakeOwner();
    let pump: Pump | undefined;
    await backend(2, { highWaterMark: WRITER_HWM }, (s) => {
      pump = new Pump(s);
      pump.run();
    });
    const started = frontend(2, owner);

    const c = await connectClient(2, { paused: true, keep: false });
    const p = await waitFor('the backend connection', () => pump, 5000, 5);
    await sleep(PAUSE_MS);
    const whilePaused = { written: p.written, sawFull: p.sawFull };
    c.socket.resume();
    expect(await within('the client to close', 20_000, c.closed)).toBeUndefined();

    expect(whilePaused.sawFull).toBe(true); // the back-pressure reached the backend
    expect(whilePaused.written).toBeLessThan(PAUSED_BOUND); // and held it there
    expect(c.received.bytes).toBe(TOTAL);
    expect(c.received.digest()).toBe(p.sent.digest()); // every byte, in order
    expect(await owner.finalEvent()).toMatchObject({ outcome: 'ok', bytesIn: 0, bytesOut: TOTAL });
    await expectClosedOnce(owner, started);
    expect(started[0]!.moved).toBe(relaying);
  });

  it('stops reading the client while the backend does not read (back-pressure, client -> backend)', async () => {
    const owner = new FakeOwner();
    let backendSocket: Socket | undefined;
    const atBackend = new ByteLog(false);
    await backend(3, { pauseOnConnect: true }, (s) => {
      backendSocket = s;
      s.on('data', (d: Buffer) => atBackend.add(d)); // paused: no data until resume()
    });
    const started = frontend(3, owner);

    const c = await connectClient(3, { highWaterMark: WRITER_HWM });
    const p = new Pump(c.socket);
    p.run();
    const s = await waitFor('the backend connection', () => backendSocket, 5000, 5);
    await sleep(PAUSE_MS);
    const whilePaused = { written: p.written, sawFull: p.sawFull };
    s.resume();
    expect(await within('the client to close', 20_000, c.closed)).toBeUndefined();

    expect(whilePaused.sawFull).toBe(true);
    expect(whilePaused.written).toBeLessThan(PAUSED_BOUND);
    expect(atBackend.bytes).toBe(TOTAL);
    expect(atBackend.digest()).toBe(p.sent.digest());
    expect(await owner.finalEvent()).toMatchObject({ outcome: 'ok', bytesIn: TOTAL, bytesOut: 0 });
    await expectClosedOnce(owner, started);
    expect(started[0]!.moved).toBe(relaying);
  });

  it('resets the client when the backend resets mid-stream, and says which backend', async () => {
    const owner = new FakeOwner();
    let backendSocket: Socket | undefined;
    await backend(4, {}, (s) => {
      backendSocket = s;
      s.write('x'.repeat(1000));
    });
    const started = frontend(4, owner);

    const c = await connectClient(4);
    await waitFor('the first bytes', () => (c.received.bytes === 1000 ? true : undefined), 5000, 5);
    backendSocket!.resetAndDestroy();

    expect(await within('the client to close', 5000, c.closed)).toMatchObject({
      code: 'ECONNRESET',
    });
    expect(c.ended).toBe(false);
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'reset',
      bytesOut: 1000,
      reason: `${REASON}; backend ${backendIP(4)}:${PORT} read ECONNRESET`,
    });
    await expectClosedOnce(owner, started);
  });

  it('closes the backend connection when the client resets', async () => {
    const owner = new FakeOwner();
    const atBackend = new ByteLog();
    let backendClosed: Promise<unknown> | undefined;
    await backend(5, {}, (s) => {
      backendClosed = new Promise((r) => s.on('close', r));
      s.on('data', (d: Buffer) => atBackend.add(d));
    });
    const started = frontend(5, owner);

    const c = await connectClient(5);
    c.socket.write('hello');
    await waitFor('the request', () => (atBackend.bytes === 5 ? true : undefined), 5000, 5);
    c.socket.resetAndDestroy();

    await within('the backend connection to close', 5000, backendClosed!);
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'reset',
      bytesIn: 5,
      bytesOut: 0,
      reason: `${REASON}; client read ECONNRESET`,
    });
    await expectClosedOnce(owner, started);
  });

  it('resets the client when the backend refuses', async () => {
    const owner = new FakeOwner();
    const started = frontend(6, owner); // nothing listens on backend 6

    const c = await connectClient(6);
    expect(await within('the client to close', 5000, c.closed)).toMatchObject({
      code: 'ECONNRESET',
    });
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'reset',
      bytesIn: 0,
      bytesOut: 0,
      reason: `${REASON}; ECONNREFUSED connecting to ${backendIP(6)}:${PORT}: client connection reset`,
    });
    await expectClosedOnce(owner, started);
  });

  it('times out a connect the backend never completes, and resets the client', async () => {
    // A listener whose accept queue is full drops new SYNs (Linux, tcp_abort_on_overflow 0): the
    // connect hangs, retrying the SYN after 1 s, 3 s, ... The listener lives in a worker thread that
    // blocks its own event loop, so nothing ever accepts; two connections fill its queue (backlog 1).
    const owner = new FakeOwner(300);
    await neverAccepting(backendIP(7));
    for (let i = 0; i < 2; i++) {
      const filler = connect({ host: backendIP(7), port: PORT, localAddress: CLIENT_IP });
      void watch(filler);
      await within('a filler connection', 5000, new Promise((r) => filler.once('connect', r)));
    }
    const started = frontend(7, owner);

    const c = await connectClient(7);
    expect(await within('the client to close', 2000, c.closed)).toMatchObject({
      code: 'ECONNRESET',
    });
    const done = await owner.finalEvent();
    expect(done).toMatchObject({
      outcome: 'timeout',
      bytesIn: 0,
      bytesOut: 0,
      reason: `${REASON}; timed out connecting to ${backendIP(7)}:${PORT}`,
    });
    expect(done.durationMs).toBeGreaterThanOrEqual(300);
    expect(done.durationMs).toBeLessThan(2000);
    await expectClosedOnce(owner, started);
  });
}

/** A listener on ip:PORT (backlog 1) in a worker thread that never accepts. */
async function neverAccepting(ip: string): Promise<void> {
  const release = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const server = require('node:net').createServer();
     server.on('error', (e) => parentPort.postMessage(String(e)));
     server.listen({ host: workerData.ip, port: workerData.port, backlog: 1 }, () => {
       parentPort.postMessage('listening');
       Atomics.wait(workerData.release, 0, 0, 60000); // the event loop stops here
     });`,
    { eval: true, workerData: { ip, port: PORT, release } },
  );
  workers.push({ worker, release });
  worker.on('error', () => {});
  const said = await within(
    'the never-accepting listener',
    5000,
    new Promise((r) => worker.once('message', r)),
  );
  if (said !== 'listening') throw new Error(`never-accepting listener: ${String(said)}`);
}

/** What the backend sends first in the relay cases: enough full reads to hand the flow off. */
const PREFIX = Buffer.alloc(1024 * 1024, 'p');

/** A client of frontend n that has read PREFIX, its flow handed to the relay. */
async function handedOff(n: number, owner: FakeOwner, opts: { allowHalfOpen?: boolean } = {}) {
  const started = frontend(n, owner);
  const c = await connectClient(n, { ...opts, keep: false });
  await waitFor(
    'the prefix',
    () => (c.received.bytes === PREFIX.length ? true : undefined),
    5000,
    5,
  );
  expect(started[0]!.moved).toBe(true);
  return { c, started };
}

/**
 * Cases only a relay has: a long-lived connection (native relays take it), a half-close after the
 * hand-off, a backend reset there, its death, stop.
 */
function relayCases(native: boolean): void {
  it(`${native ? 'hands' : 'keeps'} a long-lived connection after ${LONG_LIVED_READS} reads`, async () => {
    const owner = new FakeOwner();
    await backend(5, { allowHalfOpen: true }, (s) => {
      s.on('data', (d: Buffer) => s.write(`echo:${d}`));
      s.on('end', () => s.end());
    });
    const started = frontend(5, owner);
    const c = await connectClient(5, { allowHalfOpen: true });
    let sent = 0;
    let expected = 0;
    for (let i = 0; i < 2 * LONG_LIVED_READS; i++) {
      const request = `ping ${i}`;
      c.socket.write(request);
      sent += request.length;
      expected += `echo:${request}`.length;
      await waitFor(
        `answer ${i}`,
        () => (c.received.bytes === expected ? true : undefined),
        5000,
        2,
      );
    }
    expect(started[0]!.moved).toBe(native);
    c.socket.end();
    expect(await within('the client to close', 5000, c.closed)).toBeUndefined();

    expect(c.ended).toBe(true);
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'ok',
      bytesIn: sent,
      bytesOut: expected,
    });
    await expectClosedOnce(owner, started);
  });

  it('passes a half-close on after the hand-off, and counts the bytes of both processes', async () => {
    const owner = new FakeOwner();
    const request = 'GET /a\r\n'.repeat(2000);
    const reply = Buffer.from(Array.from({ length: 300_000 }, (_, i) => 97 + (i % 26)));
    let requestAtEnd = '';
    await backend(1, { allowHalfOpen: true }, (s) => {
      s.write(PREFIX);
      const got = new ByteLog();
      s.on('data', (d: Buffer) => got.add(d));
      s.on('end', function onRequestEnd() {
        requestAtEnd = got.text();
        s.end(reply);
      });
    });
    const { c, started } = await handedOff(1, owner, { allowHalfOpen: true });
    c.socket.end(request);
    expect(await within('the client to close', 5000, c.closed)).toBeUndefined();

    expect(requestAtEnd).toBe(request);
    expect(c.ended).toBe(true);
    expect(c.received.bytes).toBe(PREFIX.length + reply.length);
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'ok',
      reason: REASON,
      bytesIn: request.length,
      bytesOut: PREFIX.length + reply.length,
    });
    await expectClosedOnce(owner, started);
  });

  it('resets the client when the backend resets after the hand-off, and says which backend', async () => {
    const owner = new FakeOwner();
    let backendSocket: Socket | undefined;
    await backend(2, {}, (s) => {
      backendSocket = s;
      s.write(PREFIX);
    });
    const { c, started } = await handedOff(2, owner);
    backendSocket!.resetAndDestroy();

    expect(await within('the client to close', 5000, c.closed)).toMatchObject({
      code: 'ECONNRESET',
    });
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'reset',
      bytesOut: PREFIX.length,
      reason: `${REASON}; backend ${backendIP(2)}:${PORT} read ECONNRESET`,
    });
    await expectClosedOnce(owner, started);
  });

  it('ends the connections of a relay process that dies, says so, and starts another', async () => {
    const owner = new FakeOwner();
    await backend(3, {}, (s) => s.write(PREFIX));
    const { c, started } = await handedOff(3, owner);
    const [pid] = relays!.pids;
    process.kill(pid!, 'SIGKILL');

    await within('the client to close', 5000, c.closed); // its sockets closed with the process
    const done = await owner.finalEvent();
    expect(done).toMatchObject({
      outcome: 'reset',
      reason: `${REASON}; relay process exited (SIGKILL): connection closed`,
    });
    // The bytes it moved died with it: the event has those counted before the hand-off.
    expect(done.bytesOut).toBeGreaterThan(0);
    expect(done.bytesOut).toBeLessThan(PREFIX.length);
    await expectClosedOnce(owner, started);
    expect(relayLog).toContainEqual({
      msg: 'relay process exited (SIGKILL)',
      obj: { pid, connections: 1 },
    });
    expect(relays!.pids).toEqual([]);
    await relays!.prestart();
    expect(relays!.pids).toHaveLength(1);
    expect(relays!.pids[0]).not.toBe(pid);
  });

  it('stop: relays close their connections, report their bytes, and exit', async () => {
    const owner = new FakeOwner();
    await backend(4, {}, (s) => s.write(PREFIX));
    const { c, started } = await handedOff(4, owner);
    const [pid] = relays!.pids;
    await relays!.stop(true);

    expect(await within('the client to close', 5000, c.closed)).toBeUndefined();
    expect(c.ended).toBe(true); // a FIN: kube-proxy stopping closes, it does not reset
    expect(await owner.finalEvent()).toMatchObject({
      outcome: 'ok',
      bytesIn: 0,
      bytesOut: PREFIX.length,
    });
    await expectClosedOnce(owner, started);
    expect(() => process.kill(pid!, 0)).toThrow(/ESRCH/);
    expect(relays!.relayed).toBe(0);
  });
}
