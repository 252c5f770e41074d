import type { ConnectionEvent } from '@l4lab/protocol';
import {
  libuv,
  uvErrorName,
  type ConnectReq,
  type Libuv,
  type ShutdownReq,
  type TcpHandle,
  type WriteReq,
} from './libuvTcp.ts';
import type { Clock, TimerHandle } from '@l4lab/cluster';
import { endedEvent } from './connectionRouter.ts';
import type { EndpointInfo, ServicePortName } from './types.ts';

/** What a proxied TCP connection reports to its owner (the proxier). */
export interface TcpProxyOwner {
  now(): number;
  emit(e: ConnectionEvent): void;
  closed(flow: TcpFlow): void;
  /** Connects in progress, failed (`timeout`) when the endpoint does not answer in time. */
  readonly connects: ConnectTimeouts;
}

/** Handles carry only `flow` and `onread`, set once in that order (one shape for all of them). */
type FlowHandle = TcpHandle & { flow?: TcpFlow };

/** Each side reads into a buffer of its own, from a pool (like HAProxy's buffers; Node's read size). */
const READ_BUFFER_SIZE = 64 * 1024;
const POOL_MAX = 256;
const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
}

function release(buf: Buffer | undefined): void {
  if (buf && pool.length < POOL_MAX) pool.push(buf);
}

let uv: Libuv | undefined;

/**
 * One proxied TCP connection, client <-> endpoint, on libuv handles (libuvTcp.ts):
 * - the client is read only once the endpoint has accepted (its bytes wait in the kernel);
 * - back-pressure: a write that cannot complete at once stops reading its source until it does;
 * - half-close: an end of stream on one side is a shutdown (FIN) on the other, after the pending
 *   writes; the pair closes when both directions have ended;
 * - any error closes the pair together (a backend failure resets the client).
 * No closures per connection: module functions find their flow through the handle.
 */
export class TcpFlow {
  readonly client: FlowHandle;
  readonly upstream: FlowHandle;
  readonly event: ConnectionEvent;
  readonly spn: ServicePortName;
  readonly ep: EndpointInfo;
  readonly owner: TcpProxyOwner;
  bytesIn = 0;
  bytesOut = 0;
  connected = false;
  closed = false;
  clientEnded = false;
  upstreamEnded = false;
  shutdowns = 0;
  /** Writes not yet completed, to the endpoint and to the client. */
  pendingUp = 0;
  pendingDown = 0;
  failure: string | undefined;
  /** The endpoint never answered the connect: outcome `timeout` rather than `reset`. */
  timedOut = false;
  /** What each side reads into (from the pool once connected), and the last view of it written. */
  clientBuffer: Buffer | undefined = undefined;
  upstreamBuffer: Buffer | undefined = undefined;
  clientView: Buffer | undefined = undefined;
  upstreamView: Buffer | undefined = undefined;

  constructor(
    owner: TcpProxyOwner,
    client: TcpHandle,
    event: ConnectionEvent,
    spn: ServicePortName,
    ep: EndpointInfo,
  ) {
    uv ??= libuv();
    this.owner = owner;
    this.client = client;
    this.event = event;
    this.spn = spn;
    this.ep = ep;
    this.upstream = uv.newSocket();
    this.client.flow = this;
    this.client.onread = onRead;
    this.upstream.flow = this;
    this.upstream.onread = onRead;
  }

  /** Emits the `open` event and connects to the endpoint (from `localAddress` when given). */
  start(target: { ip: string; port: number; localAddress?: string }): void {
    this.owner.emit(this.event);
    this.upstream.setNoDelay(true); // (the client has it from its listener: listenTcp)
    let err = target.localAddress ? this.upstream.bind(target.localAddress, 0) : 0;
    if (err === 0) {
      const req = uv!.newConnectReq();
      req.oncomplete = onConnect;
      err = this.upstream.connect(req, target.ip, target.port);
    }
    if (err !== 0) {
      this.failure = `${uvErrorName(err)} connecting to ${this.ep.ip}:${this.ep.port}: client connection reset`;
      this.close(true);
      return;
    }
    this.owner.connects.add(this);
  }

  /** Closes both sides (the client with a RST when `resetClient`) and emits the final event. */
  close(resetClient: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.connected) this.owner.connects.delete(this);
    if (!resetClient || this.client.reset() !== 0) this.client.close();
    this.upstream.close();
    // Once closed, libuv reads into neither buffer nor writes from them (pending writes are
    // cancelled, not sent): both can serve the next connection.
    release(this.clientBuffer);
    release(this.upstreamBuffer);
    this.clientBuffer = this.upstreamBuffer = this.clientView = this.upstreamView = undefined;
    this.owner.closed(this);
    const { event } = this;
    const endedAt = this.owner.now();
    this.owner.emit(
      endedEvent(
        event,
        this.timedOut ? 'timeout' : this.failure ? 'reset' : 'ok',
        this.failure ? `${event.reason}; ${this.failure}` : event.reason,
        endedAt,
        this.bytesIn,
        this.bytesOut,
      ),
    );
  }

  /** A read or write error on `h`: a backend failure resets the client. */
  fail(h: TcpHandle, what: string, status: number): void {
    const fromClient = h === this.client;
    this.failure ??= fromClient
      ? `client ${what} ${uvErrorName(status)}`
      : `backend ${this.ep.ip}:${this.ep.port} ${what} ${uvErrorName(status)}`;
    this.close(!fromClient);
  }
}

function onConnect(this: ConnectReq, status: number, handle: TcpHandle): void {
  const f = (handle as FlowHandle).flow!;
  if (f.closed) return;
  f.owner.connects.delete(f);
  if (status < 0) {
    f.failure ??= `${uvErrorName(status)} connecting to ${f.ep.ip}:${f.ep.port}: client connection reset`;
    f.close(true);
    return;
  }
  f.connected = true;
  f.client.useUserBuffer((f.clientBuffer = takeBuffer()));
  f.upstream.useUserBuffer((f.upstreamBuffer = takeBuffer()));
  f.client.readStart();
  f.upstream.readStart();
}

function onRead(this: FlowHandle): void {
  const u = uv!;
  const n = u.streamState[u.kReadBytesOrError]!;
  const f = this.flow!;
  if (f.closed) return;
  const fromClient = this === f.client;
  const to = fromClient ? f.upstream : f.client;
  if (n > 0) {
    // The bytes are in this side's own buffer; it is not read into again before they are out
    // (a pending write stops reading, below). Request / response traffic repeats its sizes:
    // the last view is reused when it fits.
    let buf: Buffer | undefined;
    if (fromClient) {
      f.bytesIn += n;
      buf = f.clientView;
      if (buf?.length !== n) f.clientView = buf = f.clientBuffer!.subarray(0, n);
    } else {
      f.bytesOut += n;
      buf = f.upstreamView;
      if (buf?.length !== n) f.upstreamView = buf = f.upstreamBuffer!.subarray(0, n);
    }
    // A write that completes at once never touches its request object (Node's StreamBase tries
    // the write first), so one spare serves every such write; a pending write keeps its own.
    const req = (spareWrite ??= newWriteReq(u));
    req.buffer = buf;
    const err = to.writeBuffer(req, buf);
    if (err !== 0) f.fail(to, 'write', err);
    else if (u.streamState[u.kLastWriteWasAsync]) {
      spareWrite = undefined;
      this.readStop(); // back-pressure: until the bytes are out
      if (fromClient) f.pendingUp++;
      else f.pendingDown++;
    }
    return;
  }
  if (n === 0) return;
  if (n !== u.UV_EOF) {
    f.fail(this, 'read', n);
    return;
  }
  // End of stream (libuv has stopped reading): pass the FIN on once the pending writes are out.
  if (fromClient) f.clientEnded = true;
  else f.upstreamEnded = true;
  if (f.clientEnded && f.upstreamEnded && f.pendingUp === 0 && f.pendingDown === 0) {
    // Both directions are done and every byte is in the kernel: close() sends the last FIN
    // (and ends a shutdown still in progress), one round trip sooner.
    f.close(false);
    return;
  }
  const req = u.newShutdownReq();
  req.oncomplete = onShutdown;
  const err = to.shutdown(req);
  if (err !== 0) f.fail(to, 'shutdown', err);
}

let spareWrite: WriteReq | undefined;

function newWriteReq(u: Libuv): WriteReq {
  const req = u.newWriteReq();
  req.oncomplete = onWritten;
  return req;
}

function onWritten(this: WriteReq, status: number, handle: TcpHandle): void {
  const f = (handle as FlowHandle).flow!;
  this.buffer = undefined;
  if (f.closed) return;
  if (handle === f.upstream) f.pendingUp--;
  else f.pendingDown--;
  if (status < 0) {
    f.fail(handle, 'write', status);
    return;
  }
  // The bytes are out: read their source again (unless it has ended).
  if (handle === f.upstream) {
    if (!f.clientEnded) f.client.readStart();
  } else if (!f.upstreamEnded) f.upstream.readStart();
}

function onShutdown(this: ShutdownReq, status: number, handle: TcpHandle): void {
  const f = (handle as FlowHandle).flow!;
  if (f.closed) return;
  if (status < 0) f.fail(handle, 'shutdown', status);
  else if (++f.shutdowns === 2) f.close(false);
}

/**
 * Connects in progress, on the owner's clock: one timer while there are any, checking them every
 * 250 ms against the time their connection arrived (the event's startedAt).
 */
export class ConnectTimeouts {
  readonly #clock: Clock;
  readonly timeoutMs: number;
  readonly #pending = new Set<TcpFlow>();
  #timer: TimerHandle | undefined;

  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.timeoutMs = timeoutMs;
  }

  add(f: TcpFlow): void {
    this.#pending.add(f);
    this.#timer ??= this.#clock.setTimeout(this.#sweep, 250);
  }

  delete(f: TcpFlow): void {
    this.#pending.delete(f);
  }

  /** No more checks (the owner is shutting down and closes its flows itself). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    const now = this.#clock.now();
    for (const f of this.#pending) {
      if (now - f.event.startedAt < this.timeoutMs) continue;
      this.#pending.delete(f);
      f.timedOut = true;
      f.failure ??= `timed out connecting to ${f.ep.ip}:${f.ep.port}`;
      f.close(true);
    }
    if (this.#pending.size > 0) this.#timer = this.#clock.setTimeout(this.#sweep, 250);
  };
}
