// The sockets of a stand-in: each listener of standIns.ts / demoImages.ts on the pod's own address
// (or its mapped host port), the way the builtin runtime serves nginx pods in-process. A TCP port
// looks at the first bytes: HTTP goes to the listener's HTTP handler, anything else gets its line.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { PortMapper } from '@l4lab/cluster';
import { bindAddressFor } from '../hostAddress.ts';
import type { HttpAsk, HttpHandler, Listener, StandInPod } from './standInTypes.ts';

/** An idle connection is closed after this long, so forgotten clients do not pile up. */
const IDLE_MS = 10 * 60_000;
const HTTP_REQUEST_LINE = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT) /;
/** What Go's net/http answers to bytes that are not HTTP. */
const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request';

export interface ServeOptions {
  mapper: PortMapper;
  pod: StandInPod;
  /** Every HTTP request, as an access-log line. */
  access(line: string): void;
}

/** Open sockets of one container; `close` ends them and their connections at once. */
export interface Serving {
  close(): void;
}

function askOf(req: IncomingMessage): HttpAsk {
  const headers: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    httpVersion: req.httpVersion,
    host: req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`,
    headers,
    remoteAddress: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    remotePort: req.socket.remotePort ?? 0,
  };
}

function respond(req: IncomingMessage, res: ServerResponse, handler: HttpHandler, o: ServeOptions) {
  const answer = handler(askOf(req));
  res.statusCode = answer.status; // throws for a status outside 100-999, as Go's would panic
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
  // Every answer names its pod, as nginx pods' do: the traffic generator counts by it.
  res.setHeader('X-Pod-Name', o.pod.name);
  res.setHeader('X-Pod-Namespace', o.pod.namespace);
  res.end(req.method === 'HEAD' ? undefined : answer.body);
  return answer.status;
}

function httpServerFor(handler: HttpHandler, o: ServeOptions) {
  const srv = createHttpServer(function serveStandIn(req: IncomingMessage, res: ServerResponse) {
    req.resume();
    let status: number;
    try {
      status = respond(req, res, handler, o);
    } catch (err) {
      // A request the emulation cannot answer (`/echo?code=1`, a header it may not send): an
      // error for this client only, never for the server that carries every pod.
      status = 500;
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 500;
        res.end(`${String(err)}\n`);
      }
    }
    o.access(
      `${req.socket.remoteAddress} - - [${new Date().toISOString()}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status}`,
    );
  });
  srv.on('clientError', (_err, socket) => socket.destroy());
  return srv;
}

/** An emulation's answer, or none when it throws: a socket handler must not end the server. */
function guarded(answer: () => string | undefined): string | undefined {
  try {
    return answer();
  } catch {
    return undefined;
  }
}

function tcpServer(l: Extract<Listener, { protocol: 'TCP' }>, o: ServeOptions): Server {
  const sockets = new Set<Socket>();
  const http = 'http' in l ? httpServerFor(l.http, o) : undefined;
  const srv = createServer({ allowHalfOpen: true }, function acceptStandIn(socket) {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    if ('banner' in l) return void socket.end(l.banner);
    socket.once('data', function firstBytes(chunk: Buffer) {
      socket.pause();
      if (http && HTTP_REQUEST_LINE.test(chunk.toString('latin1', 0, 16))) {
        socket.unshift(chunk);
        http.emit('connection', socket);
        return void socket.resume();
      }
      if (!('line' in l) || !l.line) return void socket.end(BAD_REQUEST);
      const line = l.line;
      const answer = (d: Buffer) => {
        const a = guarded(() => line(d.toString('utf8')));
        if (a !== undefined) socket.write(a);
      };
      answer(chunk);
      socket.on('data', answer);
      socket.once('end', () => socket.end()); // the client is done: so is this side
      socket.resume();
    });
  });
  srv.once('close', () => {
    for (const s of sockets) s.destroy();
  });
  return srv;
}

function udpServer(l: Extract<Listener, { protocol: 'UDP' }>): UdpSocket {
  const sock = createSocket('udp4');
  sock.on('message', function answerDatagram(msg, rinfo) {
    const a = guarded(() =>
      l.udp(msg.toString('utf8'), { address: rinfo.address, port: rinfo.port }),
    );
    if (a !== undefined) sock.send(a, rinfo.port, rinfo.address);
  });
  return sock;
}

async function open(l: Listener, o: ServeOptions): Promise<Server | UdpSocket> {
  const a = await bindAddressFor(o.mapper, o.pod.ip, l.port, l.protocol);
  if (l.protocol === 'UDP') {
    const sock = udpServer(l);
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(a.port, a.ip, () => {
        sock.off('error', reject);
        sock.on('error', () => {});
        resolve(sock);
      });
    });
  }
  const srv = tcpServer(l, o);
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: a.ip, port: a.port, exclusive: true }, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}

/**
 * Opens every listener (two on one port and protocol: the first wins, as a second bind would
 * fail). A port that cannot be bound fails the whole start, after closing what was opened.
 */
export async function serveListeners(listeners: Listener[], o: ServeOptions): Promise<Serving> {
  const opened: { sock: Server | UdpSocket; l: Listener }[] = [];
  const close = () => {
    for (const { sock, l } of opened.splice(0)) {
      try {
        sock.close();
      } catch {
        // a UDP socket that is already closed throws; nothing is left to do
      }
      if (o.mapper.mode === 'mapped') o.mapper.delete(o.pod.ip, l.port, l.protocol);
    }
  };
  const seen = new Set<string>();
  try {
    for (const l of listeners) {
      const key = `${l.protocol}/${l.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      opened.push({ sock: await open(l, o), l });
    }
  } catch (err) {
    close();
    throw err;
  }
  return { close };
}
