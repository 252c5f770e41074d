import {
  libuv,
  uvErrorName,
  type Libuv,
  type ShutdownReq,
  type TcpHandle,
  type WriteReq,
} from './libuvTcp.ts';

/** Handles carry only `flow` and `onread`, set once in that order (one shape for all of them). */
export type FlowHandle = TcpHandle & { flow?: TcpPipe };

/** Each side reads into a buffer of its own, from a pool (like HAProxy's buffers; Node's read size). */
export const READ_BUFFER_SIZE = 64 * 1024;
const POOL_MAX = 256;
const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_SIZE);
}

function release(buf: Buffer | undefined): void {
  if (buf && pool.length < POOL_MAX) pool.push(buf);
}

/** The TCP in use (libuvTcp.ts), taken again by each new pipe: a test may choose another. */
let uv: Libuv | undefined;

/**
 * The byte-moving half of a proxied TCP connection: two connected libuv handles (libuvTcp.ts),
 * client <-> endpoint, and what passes between them:
 * - back-pressure: a write that cannot complete at once stops reading its source until it does;
 * - half-close: an end of stream on one side is a shutdown (FIN) on the other, after the pending
 *   writes; the pair closes when both directions have ended;
 * - any error closes the pair together (a backend failure resets the client).
 * No closures per connection: module functions find their pipe through the handle. A subclass
 * says what a closed pipe means (`ended`) and whether a stream may move elsewhere (`streaming`).
 */
export abstract class TcpPipe {
  readonly client: FlowHandle;
  readonly upstream: FlowHandle;
  /** The endpoint's address as connected ("ip:port"), for failure messages. */
  readonly backend: string;
  bytesIn = 0;
  bytesOut = 0;
  connected = false;
  closed = false;
  /** Both handles went to a relay process (relay.ts): this process holds neither any more. */
  moved = false;
  clientEnded = false;
  upstreamEnded = false;
  shutdowns = 0;
  /** Writes not yet completed, to the endpoint and to the client. */
  pendingUp = 0;
  pendingDown = 0;
  failure: string | undefined;
  /** Reads so far, and at how many the pipe is offered to a relay (it lives long): relay.ts. */
  reads = 0;
  handOffAt = Infinity;
  /** What each side reads into (from the pool once connected), and the last view of it written. */
  clientBuffer: Buffer | undefined = undefined;
  upstreamBuffer: Buffer | undefined = undefined;
  clientView: Buffer | undefined = undefined;
  upstreamView: Buffer | undefined = undefined;

  constructor(client: TcpHandle, upstream: TcpHandle, backend: string) {
    uv = libuv();
    this.client = client;
    this.upstream = upstream;
    this.backend = backend;
    this.client.flow = this;
    this.client.onread = onRead;
    this.upstream.flow = this;
    this.upstream.onread = onRead;
  }

  /** Both sides are connected: read each into a pooled buffer. */
  beginReading(): void {
    this.connected = true;
    this.client.useUserBuffer((this.clientBuffer = takeBuffer()));
    this.upstream.useUserBuffer((this.upstreamBuffer = takeBuffer()));
    this.client.readStart();
    this.upstream.readStart();
  }

  /**
   * Nothing in flight and both directions open: the whole state is the two sockets and the byte
   * counts, so the pair can be handed to another process.
   */
  get movable(): boolean {
    return (
      this.connected &&
      !this.closed &&
      !this.moved &&
      this.pendingUp === 0 &&
      this.pendingDown === 0 &&
      this.shutdowns === 0 &&
      !this.clientEnded &&
      !this.upstreamEnded
    );
  }

  /** Stops reading both sides (before a move: the bytes stay in the kernel for the next owner). */
  pause(): void {
    this.client.readStop();
    this.upstream.readStop();
  }

  /** Reading again where `pause` stopped (a move that did not happen). */
  resume(): void {
    if (this.closed) return;
    this.client.readStart();
    this.upstream.readStart();
  }

  /** The handles are in another process now: close this process's copies of the sockets. */
  detach(): void {
    this.moved = true;
    this.client.close();
    this.upstream.close();
    this.#releaseBuffers();
  }

  /** Closes both sides (the client with a RST when `resetClient`), then `ended`. */
  close(resetClient: boolean): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.moved) {
      if (!resetClient || this.client.reset() !== 0) this.client.close();
      this.upstream.close();
      // Once closed, libuv reads into neither buffer nor writes from them (pending writes are
      // cancelled, not sent): both can serve the next connection.
      this.#releaseBuffers();
    }
    this.ended();
  }

  #releaseBuffers(): void {
    release(this.clientBuffer);
    release(this.upstreamBuffer);
    this.clientBuffer = this.upstreamBuffer = this.clientView = this.upstreamView = undefined;
  }

  /** A read or write error on `h`: a backend failure resets the client. */
  fail(h: TcpHandle, what: string, status: number): void {
    const fromClient = h === this.client;
    this.failure ??= fromClient
      ? `client ${what} ${uvErrorName(status)}`
      : `backend ${this.backend} ${what} ${uvErrorName(status)}`;
    this.close(!fromClient);
  }

  /** The pipe has closed (called once). */
  protected abstract ended(): void;

  /**
   * Nothing is in flight, and a read just filled a whole buffer (`full`: the connection streams)
   * or the pipe has done `handOffAt` reads (it lives long): it may be handed elsewhere (`pause`,
   * then `detach`).
   */
  streaming(_full: boolean): void {
    this.handOffAt = Infinity;
  }
}

function onRead(this: FlowHandle): void {
  const u = uv!;
  const n = u.streamState[u.kReadBytesOrError]!;
  const f = this.flow!;
  if (f.closed || f.moved) return;
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
    } else if ((n === READ_BUFFER_SIZE || ++f.reads >= f.handOffAt) && f.movable)
      f.streaming(n === READ_BUFFER_SIZE);
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
