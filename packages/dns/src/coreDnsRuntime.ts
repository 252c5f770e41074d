import { createServer, type Server } from 'node:http';
import type { PortMapper } from '@l4lab/cluster';
import {
  type ContainerRuntime,
  type PodHandle,
  type PodSandbox,
  inProcessPod,
} from '@l4lab/runtime';
import { DnsServer, type DnsQueryEvent, type HostPort } from './dnsServer.ts';
import type { ZoneOptions } from './records.ts';
import type { ZoneView } from './zoneView.ts';

export const DNS_PORT = 53;
export const METRICS_PORT = 9153;

/** `registry.k8s.io/coredns/coredns:v1.11.3`, `coredns/coredns`, `coredns`. */
export function isCoreDNSImage(image: string): boolean {
  const repo = image.split('@')[0]!.replace(/:[^/:]*$/, '');
  return repo.split('/').pop() === 'coredns';
}

export interface CoreDnsRuntimeOptions {
  /** The cluster state the pods answer from (one index shared by every replica). */
  view: ZoneView;
  mapper: PortMapper;
  zone?: ZoneOptions;
  onQuery?: (pod: string, e: DnsQueryEvent) => void;
}

/**
 * A container runtime decorator: a pod whose image is CoreDNS runs l4lab's DNS server on its own
 * pod IP (53/UDP, 53/TCP, metrics on 9153, like the `kube-dns` pods of kubeadm); every other pod
 * goes to the inner runtime. When port 53 cannot be bound (mapped mode), a free port on 127.0.0.1
 * is used and registered in the PortMapper, so the UI shows `53 -> 127.0.0.1:NNNNN`.
 */
export class CoreDnsRuntime implements ContainerRuntime {
  readonly #inner: ContainerRuntime;
  readonly #o: CoreDnsRuntimeOptions;

  constructor(inner: ContainerRuntime, opts: CoreDnsRuntimeOptions) {
    this.#inner = inner;
    this.#o = opts;
  }

  get name(): ContainerRuntime['name'] {
    return this.#inner.name;
  }

  start(sandbox: PodSandbox): Promise<PodHandle> {
    if (!sandbox.containers.some((c) => isCoreDNSImage(c.image))) return this.#inner.start(sandbox);
    return this.#startCoreDns(sandbox);
  }

  /** A pod gone for good: its directory goes (the DNS servers keep none). */
  async remove(pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>): Promise<void> {
    await this.#inner.remove?.(pod);
  }

  cleanupOrphans(): Promise<string[]> {
    return this.#inner.cleanupOrphans(); // the DNS servers live in this process
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }

  async #startCoreDns(pod: PodSandbox): Promise<PodHandle> {
    const { mapper } = this.#o;
    const podKey = `${pod.namespace}/${pod.name}`;
    const log: string[] = [];
    const dns = new DnsServer({
      view: this.#o.view,
      ...(this.#o.zone ? { zone: this.#o.zone } : {}),
      onQuery: (e) => {
        log.push(queryLogLine(e));
        if (log.length > 400) log.splice(0, 200);
        this.#o.onQuery?.(podKey, e);
      },
    });
    const native = mapper.mode === 'native';
    const bound = await dns.listen(
      { ip: native ? pod.ip : '127.0.0.1', port: native ? DNS_PORT : 0 },
      { ip: native ? pod.ip : '127.0.0.1', port: native ? DNS_PORT : 0 },
    );
    let metrics: Server | undefined;
    try {
      metrics = await listenMetrics(dns, native ? { ip: pod.ip, port: METRICS_PORT } : undefined);
    } catch (err) {
      await dns.close();
      throw err;
    }
    const metricsAt = metrics.address();
    if (!native && metricsAt && typeof metricsAt === 'object') {
      mapper.set({
        ip: pod.ip,
        port: DNS_PORT,
        protocol: 'UDP',
        hostIp: bound.udp.ip,
        hostPort: bound.udp.port,
      });
      mapper.set({
        ip: pod.ip,
        port: DNS_PORT,
        protocol: 'TCP',
        hostIp: bound.tcp.ip,
        hostPort: bound.tcp.port,
      });
      mapper.set({
        ip: pod.ip,
        port: METRICS_PORT,
        protocol: 'TCP',
        hostIp: '127.0.0.1',
        hostPort: metricsAt.port,
      });
    }
    return inProcessPod(
      async () => {
        metrics?.closeAllConnections();
        metrics?.close();
        await dns.close();
        if (!native) {
          mapper.delete(pod.ip, DNS_PORT, 'UDP');
          mapper.delete(pod.ip, DNS_PORT, 'TCP');
          mapper.delete(pod.ip, METRICS_PORT, 'TCP');
        }
      },
      () => log,
    );
  }
}

/** `withCoreDNS(inner, opts)`: the runtime the kubelet gets. */
export function withCoreDNS(
  inner: ContainerRuntime,
  opts: CoreDnsRuntimeOptions,
): ContainerRuntime {
  return new CoreDnsRuntime(inner, opts);
}

function listenMetrics(dns: DnsServer, at: HostPort | undefined): Promise<Server> {
  const srv = createServer(function coreDnsMetrics(req, res) {
    if (req.url === '/metrics') {
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end(dns.metrics());
    } else {
      res.statusCode = 404;
      res.end('404 page not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: at?.ip ?? '127.0.0.1', port: at?.port ?? 0, exclusive: true }, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}

/** CoreDNS's `log` plugin line (common format, without the size and duration fields). */
function queryLogLine(e: DnsQueryEvent): string {
  return `[INFO] ${e.client.ip}:${e.client.port} - "${e.type} IN ${e.name}. ${e.transport}" ${e.rcode} ${e.answers} answers`;
}
