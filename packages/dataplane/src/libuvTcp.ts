import { getSystemErrorName } from 'node:util';
import { netTcp } from './netTcp.ts';

/**
 * Node's own libuv TCP handles: the layer `net.Socket` is built on (lib/net.js), used directly on
 * kube-proxy's hot path. A `net.Socket` pair costs two stream objects, their state machines and a
 * dozen listeners per connection; a handle pair costs two native objects and a few fields. Measured
 * with `npm run bench:dataplane`: about 1.7x the new connections per second of `net`.
 *
 * The bindings are Node internals reached through `process.binding` (allow-listed for these
 * modules in Node 20-24). `libuv()` checks them once; where a Node lacks or changed them it gives
 * the same shape over `net.Socket` (netTcp.ts) and says what is missing, and the proxier warns.
 */

/** What a status or read result below zero means (`ECONNREFUSED`, `ECONNRESET`, ...). */
export function uvErrorName(status: number): string {
  try {
    return getSystemErrorName(status);
  } catch {
    return `error ${status}`;
  }
}

export interface SockAddr {
  address?: string;
  port?: number;
  family?: string;
}

/** A libuv TCP handle (`TCPWrap`). Methods return 0 or a negative libuv error code. */
export interface TcpHandle {
  /** Reads (into the user buffer): the count, or an error, is in `streamBaseState`. */
  onread: ((this: TcpHandle) => void) | null;
  /** Listening handles: a new connection (status 0) or an accept error. */
  onconnection: ((this: TcpHandle, status: number, client: TcpHandle | undefined) => void) | null;
  bind(ip: string, port: number): number;
  listen(backlog: number): number;
  connect(req: ConnectReq, ip: string, port: number): number;
  readStart(): number;
  readStop(): number;
  writeBuffer(req: WriteReq, buf: Uint8Array): number;
  shutdown(req: ShutdownReq): number;
  close(cb?: () => void): void;
  /** Close with SO_LINGER 0: the peer gets a RST. */
  reset(cb?: () => void): number;
  setNoDelay(on: boolean): number;
  /** Read into this buffer from now on (no allocation per read); `onread` gets no ArrayBuffer. */
  useUserBuffer(buf: Uint8Array): void;
  getsockname(out: SockAddr): number;
  getpeername(out: SockAddr): number;
}

export interface ConnectReq {
  oncomplete: (this: ConnectReq, status: number, handle: TcpHandle) => void;
  address?: string;
  port?: number;
}
export interface WriteReq {
  oncomplete: (this: WriteReq, status: number, handle: TcpHandle) => void;
  /** Keeps the bytes alive while the write is pending. */
  buffer?: Uint8Array;
}
export interface ShutdownReq {
  oncomplete: (this: ShutdownReq, status: number, handle: TcpHandle) => void;
}

/** The data plane's TCP: libuv's handles, or the same shape over `net.Socket` (netTcp.ts). */
export interface Libuv {
  /** `libuv`: Node's bindings; `net`: the fallback, slower, whose sockets cannot go to relays. */
  readonly kind: 'libuv' | 'net';
  /** The bindings this Node lacks (why the fallback is used); empty with `libuv`. */
  readonly missing: string[];
  newSocket(): TcpHandle;
  newConnectReq(): ConnectReq;
  newWriteReq(): WriteReq;
  newShutdownReq(): ShutdownReq;
  /** A listening handle on ip:port (port 0: any free port) and the port bound: see listenTcp. */
  listen(ip: string, port: number, backlog: number): Promise<{ server: TcpHandle; port: number }>;
  /** After `onread`: bytes read (> 0), or a libuv error (`UV_EOF` at end of stream). */
  readonly streamState: Int32Array;
  readonly kReadBytesOrError: number;
  /** After `writeBuffer`: 1 when the bytes could not all be written at once (completion pending). */
  readonly kLastWriteWasAsync: number;
  readonly UV_EOF: number;
}

interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number; SERVER: number };
}
interface StreamWrapBinding {
  WriteWrap: new () => WriteReq;
  ShutdownWrap: new () => ShutdownReq;
  streamBaseState: Int32Array;
  kReadBytesOrError: number;
  kLastWriteWasAsync: number;
}

interface Bindings {
  TCP: new (type: number) => TcpHandle;
  constants: { SOCKET: number; SERVER: number };
}

/** Reaches a binding by name: `process.binding` (a test gives one that lacks them). */
export type BindingLoader = (name: string) => unknown;

let selected: Libuv | undefined;
let bindings: Bindings | undefined;

/** The data plane's TCP, chosen on first use: Node's libuv handles, else netTcp.ts's fallback. */
export function libuv(): Libuv {
  return (selected ??= selectTcp(processBinding));
}

/**
 * Chooses the data plane's TCP with `load` (tests: a Node that lacks the bindings) and returns
 * it; `libuv()` gives it from then on, in this process.
 */
export function selectTcp(load: BindingLoader): Libuv {
  const tcp = tryLoad(load, 'tcp_wrap') as Partial<TcpWrapBinding>;
  const stream = tryLoad(load, 'stream_wrap') as Partial<StreamWrapBinding>;
  const uv = tryLoad(load, 'uv') as { UV_EOF?: number };
  const missing = [
    typeof tcp.TCP === 'function' ? '' : 'tcp_wrap.TCP',
    typeof tcp.TCPConnectWrap === 'function' ? '' : 'tcp_wrap.TCPConnectWrap',
    typeof tcp.constants?.SOCKET === 'number' ? '' : 'tcp_wrap.constants',
    typeof stream.WriteWrap === 'function' ? '' : 'stream_wrap.WriteWrap',
    typeof stream.ShutdownWrap === 'function' ? '' : 'stream_wrap.ShutdownWrap',
    stream.streamBaseState instanceof Int32Array ? '' : 'stream_wrap.streamBaseState',
    typeof uv.UV_EOF === 'number' ? '' : 'uv.UV_EOF',
    typeof tcp.TCP?.prototype.reset === 'function' ? '' : 'TCP.prototype.reset',
    typeof tcp.TCP?.prototype.useUserBuffer === 'function' ? '' : 'TCP.prototype.useUserBuffer',
  ].filter(Boolean);
  if (missing.length > 0) {
    bindings = undefined;
    return (selected = netTcp(missing));
  }
  const { TCP, TCPConnectWrap, constants } = tcp as TcpWrapBinding;
  const s = stream as StreamWrapBinding;
  bindings = { TCP, constants };
  return (selected = {
    kind: 'libuv',
    missing: [],
    newSocket: () => new TCP(constants.SOCKET),
    newConnectReq: () => new TCPConnectWrap(),
    newWriteReq: () => new s.WriteWrap(),
    newShutdownReq: () => new s.ShutdownWrap(),
    listen: async (ip, port, backlog) => listenTcp(ip, port, backlog),
    streamState: s.streamBaseState,
    kReadBytesOrError: s.kReadBytesOrError,
    kLastWriteWasAsync: s.kLastWriteWasAsync,
    UV_EOF: uv.UV_EOF!,
  });
}

/** Node's own bindings: what `libuv()` chooses with (a test that gave another loader goes back to it). */
export function processBinding(name: string): unknown {
  return (process as unknown as { binding(name: string): unknown }).binding(name);
}

/** A binding, or nothing when this Node refuses it (`process.binding` gone, a module removed). */
function tryLoad(load: BindingLoader, name: string): object {
  try {
    const b = load(name);
    return typeof b === 'object' && b !== null ? b : {};
  } catch {
    return {};
  }
}

/** An Error like net's own (`listen EADDRINUSE: address already in use 127.96.0.1:80`). */
function uvError(syscall: string, status: number, ip: string, port: number): Error {
  const code = uvErrorName(status);
  const err = new Error(`${syscall} ${code} ${ip}:${port}`) as NodeJS.ErrnoException;
  err.code = code;
  err.errno = status;
  err.syscall = syscall;
  return err;
}

/**
 * A listening TCP handle on ip:port (port 0: any free port), like `net.Server.listen` with
 * `exclusive: true` and `noDelay: true`. Returns the handle and the port bound.
 */
export function listenTcp(
  ip: string,
  port: number,
  backlog: number,
): { server: TcpHandle; port: number } {
  if (libuv().kind !== 'libuv' || !bindings) {
    throw new Error(`listenTcp needs Node's libuv bindings (${libuv().missing.join(', ')})`);
  }
  const server = new bindings.TCP(bindings.constants.SERVER);
  let err = server.bind(ip, port);
  // Accepted sockets inherit TCP_NODELAY from the listener (Linux): one syscall fewer each.
  if (err === 0) err = server.setNoDelay(true);
  if (err === 0) err = server.listen(backlog);
  if (err !== 0) {
    server.close();
    throw uvError('listen', err, ip, port);
  }
  const out: SockAddr = {};
  server.getsockname(out);
  return { server, port: out.port ?? port };
}
