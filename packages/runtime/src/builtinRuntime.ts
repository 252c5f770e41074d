import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { type Clock, type PortMapper, realClock } from '@l4lab/cluster';
import type { Container } from '@l4lab/protocol';
import { bindAddressFor } from './hostAddress.ts';
import { nginxHtmlFiles } from './nginxHtml.ts';
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
    const main = web.length > 0 ? await this.#startPages(pod, web) : undefined;
    const o = { mapper: this.#mapper, clock: this.#clock, network: this.#network };
    const runs = await startStandIns(pod, others, o).catch(async (err: unknown) => {
      await main?.stop(0);
      throw err;
    });
    return standInPodHandle(pod, runs, {
      ...o,
      ...(main ? { main } : {}),
    });
  }

  /** The nginx containers' page on each of their ports, in-process. */
  async #startPages(pod: PodSandbox, web: Container[]): Promise<PodHandle> {
    const site = { files: nginxHtmlFiles(pod) };
    const access: string[] = [];
    const servers: (Server | UdpSocket)[] = [];
    let release!: (r: PodExit) => void;
    const exited = new Promise<PodExit>((r) => (release = r));
    const closeAll = () => {
      for (const s of servers) {
        if ('closeAllConnections' in s) {
          s.closeAllConnections();
          s.close();
        } else s.close();
      }
    };
    try {
      for (const c of web) {
        const ports = c.ports?.length ? c.ports : [{ containerPort: 80, protocol: 'TCP' as const }];
        for (const p of ports) {
          const udp = p.protocol === 'UDP';
          const a = await bindAddressFor(
            this.#mapper,
            pod.ip,
            p.containerPort,
            udp ? 'UDP' : 'TCP',
          );
          servers.push(udp ? await listenUdp(a, pod) : await listenHttp(a, pod, site, access));
        }
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

function listenHttp(
  a: { ip: string; port: number },
  pod: PodSandbox,
  site: { files: ReadonlyMap<string, Buffer> },
  access: string[],
): Promise<Server> {
  const srv = createServer(function servePodPage(req, res) {
    res.setHeader('X-Pod-Name', pod.name);
    res.setHeader('X-Pod-Namespace', pod.namespace);
    res.setHeader('X-Pod-IP', pod.ip);
    res.setHeader('X-Node-Name', pod.node);
    res.setHeader('Server', 'l4lab-builtin');
    res.setHeader('Content-Type', 'text/html');
    const { status, body, location } = htmlAnswer(site.files, req.url ?? '/');
    res.statusCode = status;
    // nginx's absolute_redirect: the Location names the host the client asked.
    if (location) res.setHeader('Location', `http://${req.headers.host ?? a.ip}${location}`);
    res.end(req.method === 'HEAD' ? undefined : body);
    access.push(
      `${req.socket.remoteAddress} - - [${new Date().toISOString()}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status}`,
    );
    if (access.length > 400) access.splice(0, 200);
  });
  srv.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: a.ip, port: a.port, exclusive: true }, () => resolve(srv));
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
