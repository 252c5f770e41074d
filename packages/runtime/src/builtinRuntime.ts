import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { type Clock, type PortMapper, realClock } from '@l4lab/cluster';
import type { Listen } from './nginxConfig.ts';
import { podListens } from './nginxConfig.ts';
import { nginxHtmlFiles } from './nginxHtml.ts';
import { nginxSite, refusedNginx } from './nginxSite.ts';
import { startStandIns, standInPodHandle } from './standIn/standInPod.ts';
import type { ContainerRuntime, PodExit, PodHandle, PodNetworkTools, PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

/**
 * The last resort when neither Docker nor nginx is here: in-process HTTP (and UDP) servers that
 * answer like the nginx pods (same page, same X-Pod-Name header), on the same addresses; every
 * other image gets its stand-in (standIn/), as in the other runtimes.
 */
export class BuiltinRuntime implements ContainerRuntime {
  readonly name = 'builtin' as const;
  readonly #mapper: PortMapper;
  readonly #clock: Clock;
  readonly #network: PodNetworkTools | undefined;

  constructor(opts: { mapper: PortMapper; clock?: Clock; network?: PodNetworkTools }) {
    this.#mapper = opts.mapper;
    this.#clock = opts.clock ?? realClock;
    this.#network = opts.network;
  }

  async start(pod: PodSandbox): Promise<PodHandle> {
    const web = pod.containers.filter((c) => isNginxImage(c.image));
    const others = pod.containers.filter((c) => !isNginxImage(c.image));
    const main = web.length > 0 ? await this.#startPages(pod) : undefined;
    const o = { mapper: this.#mapper, clock: this.#clock, network: this.#network };
    const runs = await startStandIns(pod, others, o).catch(async (err: unknown) => {
      await main?.stop(0);
      throw err;
    });
    return standInPodHandle(pod, runs, {
      ...o,
      ...(main ? { main, restartMain: (now) => this.#startPages(now) } : {}),
    });
  }

  /** The nginx containers' page on each of their ports, in-process. */
  async #startPages(pod: PodSandbox): Promise<PodHandle> {
    const conf = nginxSite(pod);
    if (conf.kind === 'emerg') return refusedNginx(conf.message);
    const site = { files: nginxHtmlFiles(pod) };
    const access: string[] = [];
    const servers: (Server | NetServer | UdpSocket)[] = [];
    let release!: (r: PodExit) => void;
    const exited = new Promise<PodExit>((r) => (release = r));
    const closeAll = () => {
      for (const s of servers) {
        if ('closeAllConnections' in s) {
          s.closeAllConnections();
          s.close();
        } else if ('closeAll' in s) (s as NetServer & { closeAll(): void }).closeAll();
        else s.close();
      }
    };
    try {
      for (const l of await podListens(this.#mapper, pod, conf)) {
        servers.push(
          l.udp
            ? await listenUdp(l, pod)
            : l.tls
              ? await listenHttps(l, pod, site, access)
              : await listenHttp(l, pod, site, access),
        );
      }
    } catch (err) {
      closeAll();
      throw err;
    }
    return {
      exited,
      async stop() {
        closeAll();
        release({ code: 0, signal: null });
      },
      kill() {
        closeAll();
        release({ code: 137, signal: 'SIGKILL' });
      },
      logs: async () => access.slice(-200),
      async updateVolumeFiles(next) {
        site.files = nginxHtmlFiles(next);
      },
    };
  }

  async cleanupOrphans(): Promise<string[]> {
    return []; // in-process: nothing outlives the server
  }
}

type Site = { files: ReadonlyMap<string, Buffer> };

/** The pod's page, as nginx serves it, for one request; `scheme` names it in a redirect. */
function podPageHandler(
  a: { ip: string },
  pod: PodSandbox,
  site: Site,
  access: string[],
  scheme: 'http' | 'https',
) {
  return function servePodPage(req: IncomingMessage, res: ServerResponse) {
    res.setHeader('X-Pod-Name', pod.name);
    res.setHeader('X-Pod-Namespace', pod.namespace);
    res.setHeader('X-Pod-IP', pod.ip);
    res.setHeader('X-Node-Name', pod.node);
    res.setHeader('Server', 'l4lab-builtin');
    res.setHeader('Content-Type', 'text/html');
    const { status, body, location } = htmlAnswer(site.files, req.url ?? '/');
    res.statusCode = status;
    // nginx's absolute_redirect: the Location names the host the client asked.
    if (location) res.setHeader('Location', `${scheme}://${req.headers.host ?? a.ip}${location}`);
    res.end(req.method === 'HEAD' ? undefined : body);
    logAccess(access, req, status);
  };
}

function logAccess(access: string[], req: IncomingMessage, status: number): void {
  access.push(
    `${req.socket.remoteAddress} - - [${new Date().toISOString()}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status}`,
  );
  if (access.length > 400) access.splice(0, 200);
}

const PLAIN_TO_HTTPS = 'The plain HTTP request was sent to HTTPS port';

/** nginx's answer to bytes that are not HTTP (a TLS handshake on a plain port): 400, then close. */
function badRequest(err: NodeJS.ErrnoException, socket: Duplex): void {
  // Only what does not parse as HTTP (HPE_*); a reset or a timeout just closes.
  if (!socket.writable || !err.code?.startsWith('HPE_')) return void socket.destroy();
  const body = nginxError(400, 'Bad Request');
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nServer: l4lab-builtin\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function listenHttp(a: Listen, pod: PodSandbox, site: Site, access: string[]): Promise<Server> {
  const srv = createServer(podPageHandler(a, pod, site, access, 'http'));
  srv.on('clientError', badRequest);
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: a.ip, port: a.port, exclusive: true }, () => resolve(srv));
  });
}

/**
 * `listen 443 ssl`: TLS with the conf.d's certificate, the page inside. Like nginx, a plain HTTP
 * request on that port gets 400 "The plain HTTP request was sent to HTTPS port" (the first byte
 * of a TLS connection is a handshake record, 0x16).
 */
function listenHttps(a: Listen, pod: PodSandbox, site: Site, access: string[]): Promise<NetServer> {
  const page = createServer(podPageHandler(a, pod, site, access, 'https'));
  const tls = createTlsServer({ cert: a.tls!.cert, key: a.tls!.key, ALPNProtocols: ['http/1.1'] });
  tls.on('secureConnection', (s) => page.emit('connection', s));
  tls.on('tlsClientError', (_err, s) => s.destroy());
  const plain = createServer((req, res) => {
    res.statusCode = 400;
    res.setHeader('Server', 'l4lab-builtin');
    res.setHeader('Content-Type', 'text/html');
    res.setHeader('Connection', 'close');
    res.end(
      nginxError(400, 'Bad Request')
        .replace('<title>400 Bad Request</title>', `<title>400 ${PLAIN_TO_HTTPS}</title>`)
        .replace(
          '<center><h1>400 Bad Request</h1></center>',
          `<center><h1>400 Bad Request</h1></center>\r\n<center>${PLAIN_TO_HTTPS}</center>`,
        ),
    );
    logAccess(access, req, 400);
  });
  page.on('clientError', (_err, socket) => socket.destroy());
  plain.on('clientError', (_err, socket) => socket.destroy());
  const sockets = new Set<Socket>();
  const srv = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const first = socket.read(1) as Buffer | null;
      if (!first) return void socket.destroy();
      socket.unshift(first);
      (first[0] === 0x16 ? tls : plain).emit('connection', socket);
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: a.ip, port: a.port, exclusive: true }, () =>
      resolve(
        Object.assign(srv, {
          closeAll() {
            for (const s of sockets) s.destroy();
            srv.close();
          },
        }),
      ),
    );
  });
}

/** nginx's `location / { root html; index index.html; }`: a file, a directory's index, or 403 / 404. */
export function htmlAnswer(
  files: ReadonlyMap<string, Buffer>,
  url: string,
): { status: number; body: Buffer | string; location?: string } {
  let path: string;
  try {
    path = decodeURIComponent(url.split('?')[0]!).replace(/^\/+/, '');
  } catch {
    return { status: 400, body: nginxError(400, 'Bad Request') };
  }
  const index = path === '' || path.endsWith('/') ? `${path}index.html` : undefined;
  const file = files.get(index ?? path);
  if (file) return { status: 200, body: file };
  // A directory without its index: nginx forbids listing it.
  if (index !== undefined) return { status: 403, body: nginxError(403, 'Forbidden') };
  // A directory named without its slash: nginx redirects to it.
  if ([...files.keys()].some((f) => f.startsWith(`${path}/`)))
    return {
      status: 301,
      body: nginxError(301, 'Moved Permanently'),
      location: `/${path}/`,
    };
  return { status: 404, body: nginxError(404, 'Not Found') };
}

const nginxError = (status: number, text: string) =>
  `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>l4lab-builtin</center>\r\n</body>\r\n</html>\r\n`;

function listenUdp(a: { ip: string; port: number }, pod: PodSandbox): Promise<UdpSocket> {
  const sock = createSocket('udp4');
  sock.on('message', (_msg, rinfo) =>
    sock.send(`${pod.namespace}/${pod.name}\n`, rinfo.port, rinfo.address),
  );
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(a.port, a.ip, () => resolve(sock));
  });
}
