import type { ExecResponse, Pod } from '@l4lab/protocol';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import { isClusterAddress } from '../clusterAddress.ts';
import { podEnvironment } from './podEnv.ts';
import { podResolvConf } from './resolveName.ts';
import { runShell } from './shell.ts';
import type { DnsTransport, ExecOptions, PodExecutor, PodNetwork } from './types.ts';

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

  constructor(opts: ExecutorOptions) {
    this.#o = opts;
  }

  async exec(pod: Pod, command: string, opts?: ExecOptions): Promise<ExecResponse> {
    const ip = pod.status?.podIP;
    const running = pod.status?.containerStatuses?.some((c) => c.state?.running);
    const ns = pod.metadata.namespace ?? 'default';
    if (!ip || !running || pod.metadata.deletionTimestamp) {
      const container = pod.spec.containers[0]?.name ?? '';
      throw new ExecError(
        'L4_E_NOT_RUNNING',
        409,
        `error: unable to upgrade connection: container not found ("${container}")`,
      );
    }
    const { cluster, mapper } = this.#o;
    const net = podNetwork(
      mapper,
      ip,
      (to) => this.#o.allowHostTargets === true || isClusterAddress(cluster, to),
    );
    const nameserver = cluster.plan.dnsServiceIP;
    const dnsAt = (server: string) =>
      this.#o.dns({ server, ...(net.localAddress ? { localAddress: net.localAddress } : {}) });
    return runShell(
      command,
      {
        namespace: ns,
        name: pod.metadata.name,
        ip,
        hostname: pod.metadata.name,
        ...podResolvConf(ns, nameserver),
        env: podEnvironment(pod, cluster.list('Service', ns)),
        dns: dnsAt(nameserver),
        dnsAt,
        net,
        files: this.#filesOf(pod.metadata.uid ?? `${ns}/${pod.metadata.name}`),
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
