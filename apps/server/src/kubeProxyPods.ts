// kube-proxy's pods in kube-system, one per node (a DaemonSet, as kubeadm installs it). l4lab runs
// one proxier for every node (the userspace one, or the kernel's rules it writes): each pod is its
// node's window on it, with kube-proxy's real healthz (10256) and metrics (10249: /metrics,
// /proxyMode) on the node's address, and a log of the proxier's syncs. The pod says, in its log,
// that the rules do not stop when it does.
import type { Server } from 'node:http';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import {
  PROXY_HEALTHZ_PORT,
  PROXY_METRICS_PORT,
  type HealthzCounts,
  kubeProxyMode,
  listenKubeProxyMetrics,
  type ProxierHealth,
  type ProxierSync,
  isKubeProxyImage,
  kubeProxyObjects,
  listenProxierHealth,
  nodeEligible,
} from '@l4lab/dataplane';
import { applyDefaults } from '@l4lab/manifests';
import type { KubeObject } from '@l4lab/protocol';
import {
  type ContainerRuntime,
  type PodHandle,
  type PodSandbox,
  inProcessPod,
} from '@l4lab/runtime';

export interface KubeProxyPodsOptions {
  health: ProxierHealth;
  mapper: PortMapper;
  cluster: Cluster;
  /** What the lab's proxier is, for the pods' first log lines. */
  dataplane: 'userspace' | 'nftables';
  proxyMode: string;
}

/** klog's header: `I1207 03:40:00.123456   12345 file] `. */
export function klogLine(
  at: number,
  file: string,
  msg: string,
  kv: Record<string, string | number> = {},
  severity: 'I' | 'W' | 'E' = 'I',
): string {
  const d = new Date(at);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.` +
    `${String(d.getUTCMilliseconds()).padStart(3, '0')}000`;
  const pairs = Object.entries(kv)
    .map(([k, v]) => ` ${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join('');
  return `${severity}${stamp} ${String(process.pid).padStart(7)} ${file}] ${JSON.stringify(msg)}${pairs}`;
}

/** Go's time.Duration text for milliseconds: `500µs`, `12.5ms`, `1.234s`, `1m1s`. */
export function goDuration(ms: number): string {
  const trim = (n: number) => String(Number(n.toFixed(3)));
  if (ms < 1) return `${trim(ms * 1000)}µs`;
  if (ms < 1000) return `${trim(ms)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${trim((ms - m * 60_000) / 1000)}s`;
}

function syncLine(s: ProxierSync, dataplane: 'userspace' | 'nftables'): string {
  return klogLine(
    s.at,
    dataplane === 'nftables' ? 'nftablesProxier.ts' : 'userspaceProxier.ts',
    'SyncProxyRules complete',
    { elapsed: goDuration(s.syncMs), servicePorts: s.servicePorts, endpoints: s.endpoints },
  );
}

/**
 * A container runtime decorator: a pod whose image is kube-proxy serves kube-proxy's healthz
 * (`/healthz`, `/livez`) on its node's address, port 10256, and its metrics server (`/metrics`,
 * `/proxyMode`) on port 10249 (in mapped mode each on a free port of 127.0.0.1, registered in the
 * PortMapper), and logs the proxier's syncs; every other pod goes to the inner runtime.
 */
export class KubeProxyRuntime implements ContainerRuntime {
  readonly #inner: ContainerRuntime;
  readonly #o: KubeProxyPodsOptions;
  readonly #startedAt: number;

  constructor(inner: ContainerRuntime, opts: KubeProxyPodsOptions) {
    this.#inner = inner;
    this.#o = opts;
    // When this process started: Go's monotonic reading in healthz (`m=+...`) counts from it.
    this.#startedAt = Date.now() - process.uptime() * 1000;
  }

  get name(): ContainerRuntime['name'] {
    return this.#inner.name;
  }

  start(sandbox: PodSandbox): Promise<PodHandle> {
    if (!sandbox.containers.some((c) => isKubeProxyImage(c.image)))
      return this.#inner.start(sandbox);
    return this.#startKubeProxy(sandbox);
  }

  async remove(pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>): Promise<void> {
    await this.#inner.remove?.(pod);
  }

  cleanupOrphans(): Promise<string[]> {
    return this.#inner.cleanupOrphans(); // the pods' servers live in this process
  }

  async close(): Promise<void> {
    await this.#inner.close?.();
  }

  async #startKubeProxy(pod: PodSandbox): Promise<PodHandle> {
    const { mapper, health, cluster, dataplane, proxyMode } = this.#o;
    const native = mapper.mode === 'native';
    const startedAt = Date.now();
    const eligible = () => nodeEligible(cluster.store.get('Node', undefined, pod.node));
    const counts: HealthzCounts = { healthz: new Map(), livez: new Map() };
    const host = native ? pod.ip : '127.0.0.1';
    const line = (msg: string, kv?: Record<string, string | number>) =>
      klogLine(startedAt, 'kubeProxyPods.ts', msg, kv);
    const log: string[] = [
      line(
        'l4lab: one proxier serves every node; this pod is its window on this node, and the rules stay in force without it',
        { node: pod.node },
      ),
      dataplane === 'nftables'
        ? line('Using nftables Proxier')
        : line("Using l4lab's userspace proxier", { mode: proxyMode }),
    ];
    const header = log.length + 2; // and the two servers' lines
    let done = false;
    const servers: { port: number; srv: Server; hostPort: number }[] = [];
    const retries = new Set<NodeJS.Timeout>();
    const closeAll = async () => {
      for (const t of retries) clearTimeout(t);
      retries.clear();
      for (const { port, srv, hostPort } of servers.splice(0)) {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
        // Another pod on the node (a surge, a forced delete) may hold the mapping by now.
        const at = mapper.resolve(pod.ip, port, 'TCP');
        if (!native && at.ip === '127.0.0.1' && at.port === hostPort)
          mapper.delete(pod.ip, port, 'TCP');
      }
    };
    /**
     * Listens at the node's address and `port` (mapped mode: a free port, in the PortMapper). An
     * address in use (another kube-proxy pod on the node, still there) is tried again every
     * 5 s, as kube-proxy's servers are, and said in the log.
     */
    const serve = async (
      what: 'healthz' | 'metrics',
      port: number,
      listen: (at: { host: string; port: number }) => Promise<Server>,
    ): Promise<void> => {
      if (done) return;
      const address = `${pod.ip}:${port}`;
      let srv: Server;
      try {
        srv = await listen({ host, port: native ? port : 0 });
      } catch (err) {
        log.push(
          klogLine(
            Date.now(),
            'kubeProxyPods.ts',
            `Failed to start ${what} HTTP server, will retry`,
            {
              address,
              err: (err as Error).message,
            },
            'E',
          ),
        );
        const t = setTimeout(() => {
          retries.delete(t);
          void serve(what, port, listen);
        }, 5_000);
        t.unref();
        retries.add(t);
        return;
      }
      if (done) {
        srv.close();
        return;
      }
      const bound = srv.address();
      const hostPort = typeof bound === 'object' && bound ? bound.port : port;
      servers.push({ port, srv, hostPort });
      if (!native) mapper.set({ ip: pod.ip, port, protocol: 'TCP', hostIp: '127.0.0.1', hostPort });
      log.push(
        klogLine(Date.now(), 'kubeProxyPods.ts', `Starting ${what} HTTP server`, {
          address,
          ...(native ? {} : { listening: `127.0.0.1:${hostPort}` }),
        }),
      );
    };
    await serve('healthz', PROXY_HEALTHZ_PORT, (at) =>
      listenProxierHealth(at, health, eligible, this.#startedAt, counts),
    );
    await serve('metrics', PROXY_METRICS_PORT, (at) =>
      listenKubeProxyMetrics(at, {
        mode: kubeProxyMode({ dataplane, proxyMode }),
        health,
        counts,
      }),
    );
    for (const s of health.syncsSince(startedAt)) log.push(syncLine(s, dataplane));
    const unsubscribe = health.onSync((s) => {
      log.push(syncLine(s, dataplane));
      if (log.length > 400) log.splice(header, 200);
    });
    return inProcessPod(
      async () => {
        done = true;
        unsubscribe();
        await closeAll();
      },
      () => log,
    );
  }
}

export function withKubeProxy(
  inner: ContainerRuntime,
  opts: KubeProxyPodsOptions,
): ContainerRuntime {
  return new KubeProxyRuntime(inner, opts);
}

/**
 * kube-proxy's add-on, as kubeadm installs it at `init`: its ServiceAccount, the `kube-proxy`
 * ConfigMap and DaemonSet in kube-system. Returns what could not be created.
 */
export function installKubeProxy(
  cluster: Cluster,
  o: { version: string; dataplane: 'userspace' | 'nftables'; proxyMode: string },
): string[] {
  const objects: KubeObject[] = kubeProxyObjects({ ...o, podCIDR: cluster.plan.podCIDR }).map(
    (obj) => applyDefaults(obj),
  );
  const r = cluster.apply(objects);
  return r.ok ? [] : r.errors.map((e) => e.message);
}
