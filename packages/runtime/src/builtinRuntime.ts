import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { PortMapper } from '@l4lab/cluster';
import { bindAddressFor } from './hostAddress.ts';
import { idlePod } from './idlePod.ts';
import { podPage } from './page.ts';
import type { ContainerRuntime, PodExit, PodHandle, PodSandbox } from './types.ts';
import { isNginxImage } from './types.ts';

/**
 * The last resort when neither Docker nor nginx is here: in-process HTTP (and UDP) servers that
 * answer like the nginx pods (same page, same X-Pod-Name header), on the same addresses.
 */
export class BuiltinRuntime implements ContainerRuntime {
  readonly name = 'builtin' as const;
  readonly #mapper: PortMapper;

  constructor(opts: { mapper: PortMapper }) {
    this.#mapper = opts.mapper;
  }

  async start(pod: PodSandbox): Promise<PodHandle> {
    if (!pod.containers.some((c) => isNginxImage(c.image))) return idlePod();
    const page = podPage(pod);
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
      for (const c of pod.containers.filter((x) => isNginxImage(x.image))) {
        const ports = c.ports?.length ? c.ports : [{ containerPort: 80, protocol: 'TCP' as const }];
        for (const p of ports) {
          const udp = p.protocol === 'UDP';
          const a = await bindAddressFor(
            this.#mapper,
            pod.ip,
            p.containerPort,
            udp ? 'UDP' : 'TCP',
          );
          servers.push(udp ? await listenUdp(a, pod) : await listenHttp(a, pod, page, access));
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
    };
  }

  async cleanupOrphans(): Promise<string[]> {
    return []; // in-process: nothing outlives the server
  }
}

function listenHttp(
  a: { ip: string; port: number },
  pod: PodSandbox,
  page: string,
  access: string[],
): Promise<Server> {
  const srv = createServer(function servePodPage(req, res) {
    res.setHeader('X-Pod-Name', pod.name);
    res.setHeader('X-Pod-Namespace', pod.namespace);
    res.setHeader('X-Pod-IP', pod.ip);
    res.setHeader('X-Node-Name', pod.node);
    res.setHeader('Server', 'l4lab-builtin');
    res.setHeader('Content-Type', 'text/html');
    res.end(req.method === 'HEAD' ? undefined : page);
    access.push(
      `${req.socket.remoteAddress} - - [${new Date().toISOString()}] "${req.method} ${req.url} HTTP/${req.httpVersion}" 200`,
    );
    if (access.length > 400) access.splice(0, 200);
  });
  srv.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: a.ip, port: a.port, exclusive: true }, () => resolve(srv));
  });
}

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
