import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { constants } from 'node:os';
import type { ConnectReq, Libuv, ShutdownReq, SockAddr, TcpHandle, WriteReq } from './libuvTcp.ts';

/**
 * The data plane's TCP over `net.Socket`, in the shape of libuv's handles (libuvTcp.ts): the
 * fallback for a Node.js whose `process.binding('tcp_wrap')` is gone or changed. Public API only,
 * so it keeps working where the bindings do not; it costs what `net` costs (about 1.7x fewer new
 * connections per second, `npm run bench:dataplane`), and its sockets cannot be handed to relay
 * processes. Every write completes later (`kLastWriteWasAsync` is always 1): the pipe stops
 * reading that side until the bytes are out, so the buffer it wrote from is never reused early.
 */
export function netTcp(missing: string[]): Libuv {
  return {
    kind: 'net',
    missing,
    newSocket: () => new NetTcpHandle(),
    newConnectReq: () => ({ oncomplete: noop }),
    newWriteReq: () => ({ oncomplete: noop }),
    newShutdownReq: () => ({ oncomplete: noop }),
    listen: listenNet,
    streamState: state,
    kReadBytesOrError: K_READ,
    kLastWriteWasAsync: K_ASYNC,
    UV_EOF,
  };
}

const noop = () => {};
const K_READ = 0;
const K_ASYNC = 1;
/** What a read or write left behind, as libuv's streamBaseState does. */
const state = new Int32Array(2);
/** libuv's end of stream (uv-errno.h). */
const UV_EOF = -4095;

/** The negative errno libuv would have reported (`ECONNREFUSED` -> -111). */
function uvStatus(err: NodeJS.ErrnoException): number {
  if (typeof err.errno === 'number' && err.errno < 0) return err.errno;
  const errno = (constants.errno as Record<string, number | undefined>)[err.code ?? ''];
  return -(errno ?? constants.errno.EIO);
}

/** A listening socket like `listenTcp`'s: exclusive, TCP_NODELAY, nothing read before readStart. */
function listenNet(
  ip: string,
  port: number,
  backlog: number,
): Promise<{ server: TcpHandle; port: number }> {
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
  const handle = new NetTcpHandle(server);
  server.on('connection', (socket: Socket) => handle.accepted(socket));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port, backlog, exclusive: true }, () => {
      server.off('error', reject);
      // Accept errors are the only ones left; libuv reports them through onconnection too.
      server.on('error', (err: NodeJS.ErrnoException) =>
        handle.onconnection?.call(handle, uvStatus(err), undefined),
      );
      const out: SockAddr = {};
      handle.getsockname(out);
      resolve({ server: handle, port: out.port ?? port });
    });
  });
}

class NetTcpHandle implements TcpHandle {
  onread: ((this: TcpHandle) => void) | null = null;
  onconnection: ((this: TcpHandle, status: number, client: TcpHandle | undefined) => void) | null =
    null;
  #socket: Socket | undefined;
  readonly #server: Server | undefined;
  #buffer: Uint8Array | undefined;
  #reading = false;
  #closed = false;
  #localAddress: string | undefined;
  #noDelay = false;
  /** A connect in progress: its request, answered once. */
  #connecting: ConnectReq | undefined;

  constructor(server?: Server) {
    this.#server = server;
  }

  /** A connection the listener accepted: handed on, or closed when nobody takes it. */
  accepted(socket: Socket): void {
    const client = new NetTcpHandle();
    client.#attach(socket);
    if (this.onconnection) this.onconnection.call(this, 0, client);
    else socket.destroy();
  }

  /** Its socket, paused: nothing is read before readStart (libuv's handles read on request). */
  #attach(socket: Socket): void {
    this.#socket = socket;
    socket.pause();
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
  }

  readonly #onData = (chunk: Buffer): void => {
    for (let at = 0; at < chunk.length && !this.#closed;) {
      // Reading stopped in the middle of a chunk: the rest is read first when it starts again.
      if (!this.#reading || !this.#buffer) {
        this.#socket!.unshift(chunk.subarray(at));
        return;
      }
      const n = Math.min(this.#buffer.length, chunk.length - at);
      this.#buffer.set(chunk.subarray(at, at + n));
      at += n;
      this.#read(n);
    }
  };

  readonly #onEnd = (): void => this.#read(UV_EOF);

  readonly #onError = (err: NodeJS.ErrnoException): void => {
    const req = this.#connecting;
    this.#connecting = undefined;
    if (req) {
      if (!this.#closed) req.oncomplete.call(req, uvStatus(err), this);
    } else this.#read(uvStatus(err));
  };

  #read(bytesOrError: number): void {
    if (this.#closed || !this.onread) return;
    state[K_READ] = bytesOrError;
    this.onread.call(this);
  }

  bind(ip: string, _port: number): number {
    this.#localAddress = ip; // a source address before connect (port 0: the kernel's choice)
    return 0;
  }

  listen(_backlog: number): number {
    return -constants.errno.EINVAL; // listeners come from listenNet, already listening
  }

  connect(req: ConnectReq, ip: string, port: number): number {
    this.#connecting = req;
    const socket = connect({
      host: ip,
      port,
      allowHalfOpen: true,
      noDelay: this.#noDelay,
      ...(this.#localAddress ? { localAddress: this.#localAddress } : {}),
    });
    this.#attach(socket);
    socket.once('connect', () => {
      this.#connecting = undefined;
      if (!this.#closed) req.oncomplete.call(req, 0, this);
    });
    return 0;
  }

  readStart(): number {
    const s = this.#socket;
    if (!s) return -constants.errno.ENOTCONN;
    if (!this.#reading && s.listenerCount('data') === 0) s.on('data', this.#onData);
    this.#reading = true;
    s.resume();
    return 0;
  }

  readStop(): number {
    this.#reading = false;
    this.#socket?.pause();
    return 0;
  }

  writeBuffer(req: WriteReq, buf: Uint8Array): number {
    state[K_ASYNC] = 1;
    this.#socket!.write(buf, (err?: Error | null) => {
      if (this.#closed) return;
      req.oncomplete.call(req, err ? uvStatus(err) : 0, this);
    });
    return 0;
  }

  shutdown(req: ShutdownReq): number {
    this.#socket!.end((err?: Error | null) => {
      if (!this.#closed) req.oncomplete.call(req, err ? uvStatus(err) : 0, this);
    });
    return 0;
  }

  close(cb?: () => void): void {
    this.#closed = true;
    this.#socket?.destroy();
    this.#server?.close();
    if (cb) setImmediate(cb);
  }

  reset(cb?: () => void): number {
    if (!this.#socket || this.#closed) return -constants.errno.EBADF;
    this.#closed = true;
    this.#socket.resetAndDestroy();
    if (cb) setImmediate(cb);
    return 0;
  }

  setNoDelay(on: boolean): number {
    this.#noDelay = on;
    this.#socket?.setNoDelay(on);
    return 0;
  }

  useUserBuffer(buf: Uint8Array): void {
    this.#buffer = buf;
  }

  getsockname(out: SockAddr): number {
    const a = (this.#server?.address() ?? this.#socket?.address()) as AddressInfo | string | null;
    if (!a || typeof a === 'string' || a.port === undefined) return -constants.errno.EBADF;
    Object.assign(out, { address: a.address, port: a.port, family: a.family });
    return 0;
  }

  getpeername(out: SockAddr): number {
    const s = this.#socket;
    if (!s?.remoteAddress) return -constants.errno.ENOTCONN;
    Object.assign(out, { address: s.remoteAddress, port: s.remotePort, family: s.remoteFamily });
    return 0;
  }
}
