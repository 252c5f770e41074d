import { type ExecResponse, type Pod, podContainerStatus } from '@l4lab/protocol';
import { NetworkPolicyView, type Cluster, type PortMapper } from '@l4lab/cluster';
import { isClusterAddress } from '../clusterAddress.ts';
import { podEnvironment } from './podEnv.ts';
import { podResolvConf } from './resolveName.ts';
import { runShell } from './shell.ts';
import type { ContainerView, DnsTransport, ExecOptions, PodExecutor, PodNetwork } from './types.ts';

/** A stub resolver transport from an address to a nameserver (wired to `@l4lab/dns`'s client). */
export type DnsTransportFactory = (o: { server: string; localAddress?: string }) => DnsTransport;

export class ExecError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** How a pod at `ip` reaches the network: from its own address in native mode. */
export function podNetwork(
  mapper: PortMapper,
  ip: string,
  reaches: (ip: string) => boolean = () => true,
): PodNetwork {
  return {
    route: (to, port, protocol) => mapper.resolve(to, port, protocol),
    localAddress: mapper.mode === 'native' ? ip : undefined,
    reaches,
  };
}

export interface ExecutorOptions {
  cluster: Cluster;
  mapper: PortMapper;
  dns: DnsTransportFactory;
  /** Let pods reach this machine's own addresses too (a trusted instructor's lab). */
  allowHostTargets?: boolean;
  /**
   * The kubelet's view of the pod's container (its environment and files, as it started it);
   * without it, the defaults of a ClusterFirst pod with the namespace's Services.
   */
  containerView?: (pod: Pod, container?: string) => ContainerView | undefined;
}

/** A nameserver the pod cannot reach (a dnsConfig's 192.0.2.1): no query leaves this machine. */
function unreachableDns(server: string): DnsTransport {
  return {
    server,
    query: async () => {
      throw Object.assign(new Error('no servers could be reached'), {
        attempts: [`${server}:53: not a cluster address; the query was not sent`],
      });
    },
  };
}

const LOCALHOST = '127.0.0.1';

/**
 * Whether kube-proxy serves ip:port: a ClusterIP, LoadBalancer or external IP of a Service port,
 * or a node's address with a Service's nodePort. Anything else (a pod, a node's other ports, a
 * host-network pod) the pods' network judges as it is.
 */
function isServiceFrontend(
  cluster: Cluster,
  ip: string,
  port: number,
  protocol: 'TCP' | 'UDP',
): boolean {
  const node = cluster.list('Node').some((n) => n.status?.addresses?.some((a) => a.address === ip));
  return cluster.list('Service').some((s) =>
    (s.spec.ports ?? []).some((p) => {
      if ((p.protocol ?? 'TCP') !== protocol) return false;
      if (node) return p.nodePort === port;
      if (p.port !== port) return false;
      return (
        (s.spec.clusterIPs ?? [s.spec.clusterIP]).includes(ip) ||
        (s.spec.externalIPs ?? []).includes(ip) ||
        (s.status?.loadBalancer?.ingress ?? []).some((i) => i.ip === ip)
      );
    }),
  );
}

/** Most pods whose in-memory files are kept (the oldest are forgotten first). */
const MAX_POD_FILESYSTEMS = 64;

/**
 * `exec` with l4lab's built-in shell and tools, as the pod: from its IP, through cluster DNS with its
 * search path. Used for every pod of the nginx and builtin runtimes (their pods have no shell).
 */
export class BuiltinExecutor implements PodExecutor {
  readonly #o: ExecutorOptions;
  readonly #files = new Map<string, Map<string, string>>();
  /** Read when a tool connects straight to an address (not a Service frontend). */
  readonly #policies: NetworkPolicyView;

  constructor(opts: ExecutorOptions) {
    this.#o = opts;
    this.#policies = new NetworkPolicyView(opts.cluster);
    // Watched for as long as the cluster lives (the executor does as long): stand-ins' wget loops
    // connect through here too.
    this.#policies.start();
  }

  async exec(pod: Pod, command: string, opts?: ExecOptions): Promise<ExecResponse> {
    const ip = pod.status?.podIP;
    // kubectl's default: the first app container (it must be the one running).
    const container = opts?.container ?? pod.spec.containers[0]?.name ?? '';
    const running = podContainerStatus(pod, container)?.state?.running !== undefined;
    if (!ip || !running || pod.metadata.deletionTimestamp) {
      throw new ExecError(
        'L4_E_NOT_RUNNING',
        409,
        `error: unable to upgrade connection: container not found ("${container}")`,
      );
    }
    return this.#run(pod, ip, command, opts);
  }

  /**
   * A stand-in container's own process calling wget, curl or nc (the runtime's PodNetworkTools):
   * as exec, from the pod's address `ip`, while the pod may still be starting.
   */
  async runAsContainer(
    pod: Pod,
    ip: string,
    argv: string[],
    opts?: ExecOptions,
  ): Promise<ExecResponse> {
    // The argv as one command line, each word single-quoted (a quote inside as '\'').
    const line = argv.map((w) => `'${w.replaceAll("'", "'\\''")}'`).join(' ');
    return this.#run(pod, ip, line, opts);
  }

  async #run(pod: Pod, ip: string, command: string, opts?: ExecOptions): Promise<ExecResponse> {
    const ns = pod.metadata.namespace ?? 'default';
    const { cluster, mapper } = this.#o;
    const outside = podNetwork(
      mapper,
      ip,
      (to) => this.#o.allowHostTargets === true || isClusterAddress(cluster, to),
    );
    // The pod's own localhost: its containers share its network namespace, so `curl localhost`
    // reaches what listens in the pod (at its IP here). Only 127.0.0.1: the lab's own addresses,
    // and this machine's services --allow-host-targets opens, are in 127/8 too.
    const loopback = (to: string) => to === LOCALHOST && !isClusterAddress(cluster, to);
    const net: PodNetwork = {
      ...outside,
      route: (to, port, protocol) => outside.route(loopback(to) ? ip : to, port, protocol),
      reaches: (to) => loopback(to) || outside.reaches(to),
      drops: (to, port, protocol) => {
        if (loopback(to)) return undefined; // the pod's own localhost
        const policies = this.#policies.index();
        if (policies.policies === 0) return undefined;
        // A Service's frontend is kube-proxy's: the proxy decides, after its DNAT to a pod.
        if (isServiceFrontend(cluster, to, port, protocol)) return undefined;
        const v = policies.check({ srcIP: ip, dstIP: to, port, protocol });
        return v.allowed ? undefined : v.reason;
      },
    };
    const view = this.#o.containerView?.(pod, opts?.container);
    const conf = view?.dns ?? podResolvConf(ns, cluster.plan.dnsServiceIP);
    const dnsAt = (server: string) =>
      net.reaches(server)
        ? this.#o.dns({ server, ...(net.localAddress ? { localAddress: net.localAddress } : {}) })
        : unreachableDns(server);
    return runShell(
      command,
      {
        namespace: ns,
        name: pod.metadata.name,
        ip,
        hostname: view?.env.HOSTNAME ?? pod.metadata.name,
        ...conf,
        env: view?.env ?? podEnvironment(pod, cluster.list('Service', ns)),
        dns: dnsAt(conf.nameserver),
        dnsAt,
        net,
        files: this.#filesOf(pod.metadata.uid ?? `${ns}/${pod.metadata.name}`),
        ...(view ? { mounted: view.files } : {}),
        ...(view?.mountPoints ? { mountPoints: view.mountPoints } : {}),
        ...(view?.oldNslookup ? { oldNslookup: true } : {}),
      },
      opts,
    );
  }

  #filesOf(uid: string): Map<string, string> {
    let f = this.#files.get(uid);
    if (!f) {
      if (this.#files.size >= MAX_POD_FILESYSTEMS)
        this.#files.delete(this.#files.keys().next().value!);
      this.#files.set(uid, (f = new Map()));
    }
    return f;
  }
}
