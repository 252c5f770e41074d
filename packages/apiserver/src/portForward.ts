// `kubectl port-forward`: POST .../pods/NAME/portforward, the API server's and the kubelet's side
// (client libraries' WebSocket channel protocol is portForwardChannels.ts').
// The client upgrades the connection to SPDY/3.1 (X-Stream-Protocol-Version: portforward.k8s.io),
// or, from kubectl 1.31, opens a WebSocket whose subprotocol is `SPDY/3.1+portforward.k8s.io` and
// carries the same SPDY frames in binary messages. Each local connection is two streams with the
// same `requestID`: `streamType: error` (the server writes what went wrong, then closes it) and
// `streamType: data` (the bytes of one TCP connection to the pod's `port`). As the kubelet does,
// streams without a requestID (old clients) are paired by their ids, and a pair whose other half
// has not come within 30 s is given up.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Pod } from '@l4lab/protocol';
import { goErrno, type PodDialer } from './podDialer.ts';
import { channelPortForward, CHANNEL_PROTOCOLS } from './portForwardChannels.ts';
import { SpdySession, type SpdyStream, type SpdyTransport, type SpdyHeaders } from './spdy.ts';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/** The kubelet's streamCreationTimeout. */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** Streams one session may hold open (two per forwarded connection). */
const MAX_STREAMS = 512;

/** An answer that is not an upgrade (kubectl prints it: "error upgrading connection: ..."). */
export interface PlainAnswer {
  code: number;
  text: string;
  headers?: Record<string, string>;
}

/**
 * Upgrades the request (SPDY, or a WebSocket tunnel) and serves its streams; or returns the
 * answer to send instead when the request cannot be upgraded.
 */
export function portForwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  pod: Pod,
  dial: PodDialer,
): PlainAnswer | undefined {
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    // Client libraries' older channel protocol (or none): ports in the query, a channel each.
    if (!offered.includes(TUNNEL_PROTOCOL)) {
      if (offered.length === 0 || offered.some((p) => CHANNEL_PROTOCOLS.includes(p)))
        return channelPortForward(req, socket, head, pod, dial);
      return {
        code: 400,
        text: `unable to upgrade: the WebSocket subprotocols offered (${offered.join(', ')}) include neither ${TUNNEL_PROTOCOL} nor ${CHANNEL_PROTOCOLS.join(', ')}`,
      };
    }
    // ws takes only RFC 7230 tokens as subprotocols, and this one has a `/`: it is chosen here,
    // and named in the 101's headers.
    delete req.headers['sec-websocket-protocol'];
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
    wss.on('headers', (headers) => headers.push(`Sec-WebSocket-Protocol: ${TUNNEL_PROTOCOL}`));
    wss.handleUpgrade(req, socket, head, (ws) => {
      wss.close();
      const session = new SpdySession({
        write: (frame) => {
          if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
          return ws.bufferedAmount < 1 << 20;
        },
        end: () => ws.close(1000),
        pause: () => ws.pause(),
        resume: () => ws.resume(),
      });
      const drain = setInterval(() => {
        if (ws.bufferedAmount < 1 << 20) session.onDrain();
      }, 50);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) session.receive(data);
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', function tunnelClosed() {
        clearInterval(drain);
        session.closed();
      });
      servePortForward(session, pod, dial);
    });
    return undefined;
  }
  const connection = (req.headers.connection ?? '').toLowerCase();
  if (!connection.includes('upgrade') || !upgrade.includes('spdy/3.1'))
    return { code: 400, text: 'unable to upgrade: missing upgrade headers in request' };
  const offered = (req.headersDistinct['x-stream-protocol-version'] ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (offered.length === 0)
    return { code: 400, text: 'unable to upgrade: X-Stream-Protocol-Version is required' };
  if (!offered.includes(PORT_FORWARD_PROTOCOL))
    return {
      code: 403,
      text: `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server accepts [${PORT_FORWARD_PROTOCOL}]`,
      headers: { 'X-Accepted-Stream-Protocol-Versions': PORT_FORWARD_PROTOCOL },
    };
  const net = socket as Duplex & { setNoDelay?(on: boolean): void; setTimeout?(ms: number): void };
  net.setNoDelay?.(true);
  net.setTimeout?.(0);
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${PORT_FORWARD_PROTOCOL}\r\n\r\n`,
  );
  const transport: SpdyTransport = {
    write: (frame) => socket.write(frame),
    end: () => socket.end(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
  const session = new SpdySession(transport);
  socket.on('data', (chunk: Buffer) => session.receive(chunk));
  socket.on('drain', () => session.onDrain());
  socket.on('error', () => socket.destroy());
  // The client's end (the server's sockets are half-open capable): the session is over.
  socket.on('end', () => socket.end());
  socket.on('close', function spdyClosed() {
    session.closed();
  });
  servePortForward(session, pod, dial);
  if (head.length) session.receive(head);
  return undefined;
}

interface StreamPair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** The kubelet's half: pairs the streams and forwards each pair to the pod's port. */
export function servePortForward(session: SpdySession, pod: Pod, dial: PodDialer): void {
  const pairs = new Map<string, StreamPair>();
  /** Pod connections waiting for the client's side to drain. */
  const waiting = new Set<Duplex>();
  session.onDrain = () => {
    for (const c of waiting) c.resume();
    waiting.clear();
  };
  session.refuse = (headers) => {
    if (session.openStreams >= MAX_STREAMS) return `more than ${MAX_STREAMS} streams are open`;
    return streamHeaderError(headers);
  };
  session.onStream = (stream) => {
    const id = requestID(stream);
    const type = stream.headers['streamtype'] as 'error' | 'data';
    let pair = pairs.get(id);
    if (!pair) {
      const fresh: StreamPair = {
        timer: setTimeout(() => {
          pairs.delete(id);
          say(fresh, `(request=${id}) timed out waiting for streams`, true);
          fresh.data?.reset();
        }, STREAM_CREATION_TIMEOUT_MS),
      };
      pairs.set(id, fresh);
      pair = fresh;
    }
    if (pair[type]) {
      say(
        pair,
        `error processing stream for request ${id}: ${type} stream already assigned`,
        false,
      );
      return stream.reset();
    }
    pair[type] = stream;
    if (type === 'error') stream.onData = () => {}; // the client writes nothing on it
    if (!pair.error || !pair.data) return;
    clearTimeout(pair.timer);
    pairs.delete(id);
    void forward(session, pod, dial, { error: pair.error, data: pair.data }, waiting);
  };
  session.onClosed = () => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  };
}

/** The kubelet's checks of a new stream's headers (its words). */
function streamHeaderError(headers: SpdyHeaders): string | undefined {
  const port = headers['port'];
  if (port === undefined || port === '') return '"port" header is required';
  const n = /^\d+$/.test(port) ? Number(port) : NaN;
  if (!Number.isInteger(n) || n > 65535)
    return `unable to parse "${port}" as a port: strconv.ParseUint: parsing "${port}": invalid syntax`;
  if (n < 1) return `port "${port}" must be > 0`;
  const type = headers['streamtype'];
  if (!type) return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
  return undefined;
}

/** The pair a stream belongs to: its requestID, or (an old client's) its id, data's minus 2. */
function requestID(stream: SpdyStream): string {
  const id = stream.headers['requestid'];
  if (id) return id;
  return String(stream.headers['streamtype'] === 'data' ? stream.id - 2 : stream.id);
}

/** Writes to the pair's error stream, if it has one; `end` closes it after. */
function say(pair: StreamPair, message: string, end: boolean): void {
  if (!pair.error) return;
  pair.error.write(Buffer.from(message));
  if (end) pair.error.close();
}

/** After the pod's side ended, the client's may still send this long (containerd's 1 s). */
const AFTER_POD_END_MS = 1000;
/** After the client's side ended, the pod may still answer this long. */
const AFTER_CLIENT_END_MS = 30_000;
/** Data the client sends while the pod's connection is being made, before reading stops. */
const MAX_EARLY_BYTES = 1 << 20;

/**
 * One forwarded connection: the data stream <-> a TCP connection to the pod's port. It ends when
 * both sides did, or a while after one did (AFTER_*_END_MS), or on a reset or an error; then both
 * streams are closed here and forgotten.
 */
async function forward(
  session: SpdySession,
  pod: Pod,
  dial: PodDialer,
  pair: { error: SpdyStream; data: SpdyStream },
  waiting: Set<Duplex>,
): Promise<void> {
  const { error, data } = pair;
  const port = Number(data.headers['port']);
  const failed = (why: string) =>
    `error forwarding port ${port} to pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}, uid ${pod.metadata.uid ?? ''}: ${why}`;
  // Data the client sends before the pod's connection is up waits here (reading stops past a cap).
  const early: Buffer[] = [];
  let earlyBytes = 0;
  let heldEarly = false;
  let clientDone = false;
  let gone = false;
  data.onData = (chunk) => {
    early.push(chunk);
    earlyBytes += chunk.length;
    if (earlyBytes > MAX_EARLY_BYTES && !heldEarly) {
      heldEarly = true;
      session.holdInput();
    }
  };
  data.onEnd = () => void (clientDone = true);
  data.onReset = () => void (gone = true);
  error.onReset = () => void (gone = true);
  let conn: Duplex;
  try {
    conn = await dial(pod, port);
  } catch (err) {
    if (heldEarly) session.releaseInput();
    error.write(Buffer.from(failed(err instanceof Error ? err.message : String(err))));
    error.close();
    data.close();
    return;
  }
  if (heldEarly) session.releaseInput();
  if (gone || session.ended) {
    conn.destroy();
    data.reset();
    error.reset();
    return;
  }
  let podDone = false;
  let held = false;
  let done = false;
  let grace: NodeJS.Timeout | undefined;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(grace);
    if (held) session.releaseInput();
    held = false;
    waiting.delete(conn);
    conn.destroy();
    data.close();
    error.close();
  };
  const graceThen = (ms: number) => {
    clearTimeout(grace);
    grace = setTimeout(finish, ms);
  };
  conn.on('error', function podConnectionError(err: NodeJS.ErrnoException) {
    if (!done && !podDone)
      error.write(Buffer.from(failed(`${err.syscall ?? 'read'}: ${goErrno(err)}`)));
    finish();
  });
  conn.on('close', finish);
  conn.on('data', (chunk: Buffer) => {
    if (!data.write(chunk)) {
      conn.pause();
      waiting.add(conn);
    }
  });
  conn.on('end', () => {
    podDone = true;
    data.end();
    if (clientDone) finish();
    else graceThen(AFTER_POD_END_MS);
  });
  conn.on('drain', () => {
    if (held) session.releaseInput();
    held = false;
  });
  const toPod = (chunk: Buffer) => {
    if (done) return;
    if (!conn.write(chunk) && !held) {
      held = true;
      session.holdInput();
    }
  };
  data.onData = toPod;
  data.onEnd = () => {
    clientDone = true;
    conn.end();
    if (podDone) finish();
    else graceThen(AFTER_CLIENT_END_MS);
  };
  data.onReset = finish;
  error.onReset = finish;
  for (const chunk of early) toPod(chunk);
  if (clientDone) data.onEnd();
}
