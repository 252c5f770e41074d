import type { Pod, TrafficRequest, TrafficStatus } from '@l4lab/protocol';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import { type DnsTransportFactory, podNetwork } from './exec/builtinExecutor.ts';
import { hostsFile, podResolvConf, resolveName } from './exec/resolveName.ts';
import { GeneratorSet } from './generatorSet.ts';
import { TargetError, isIPv4, parseTarget } from './target.ts';
import { HOST_TARGET_HINT, isClusterAddress } from './clusterAddress.ts';
import { MAX_GENERATORS } from './trafficLimits.ts';

export { MAX_GENERATORS };

export interface TrafficManagerOptions {
  cluster: Cluster;
  mapper: PortMapper;
  /** Real DNS queries to the cluster's nameserver (names are resolved like the source would). */
  dns: DnsTransportFactory;
  onUpdate?: (all: TrafficStatus[]) => void;
  /** Let generators reach this machine's own addresses too (a trusted instructor's lab). */
  allowHostTargets?: boolean;
  /** Generators running at once (default MAX_GENERATORS; a workshop adds each student's). */
  maxGenerators?: number;
}

/** Where requests leave from: external client addresses, or one pod's own IP. */
interface Source {
  addresses: string[];
  namespace: string;
  pod?: Pod;
  /** What resolves names: the host (external) or the pod (its IP, its search path). */
  localAddress: string | undefined;
}

/** Runs the traffic generators: at most MAX_GENERATORS at once, each bounded in count and time. */
export class TrafficManager {
  readonly #generators: GeneratorSet;
  readonly #o: TrafficManagerOptions;

  constructor(opts: TrafficManagerOptions) {
    this.#o = opts;
    this.#generators = new GeneratorSet(opts.maxGenerators ?? MAX_GENERATORS, opts.onUpdate);
  }

  async start(spec: TrafficRequest): Promise<TrafficStatus> {
    this.#generators.check(spec);
    const source = this.#source(spec);
    const t = parseTarget(spec.target);
    const ip = isIPv4(t.host) ? t.host : await this.#resolve(t.host, source);
    if (!this.#o.allowHostTargets && !isClusterAddress(this.#o.cluster, ip)) {
      throw new TargetError(
        'L4_E_HOST_TARGET',
        `target ${spec.target}: ${ip} is ${HOST_TARGET_HINT}`,
      );
    }
    const host = this.#o.mapper.resolve(ip, t.port, spec.protocol === 'udp' ? 'UDP' : 'TCP');
    return this.#generators.start({
      spec,
      target: { ip, port: t.port, hostIp: host.ip, hostPort: host.port, name: t.host },
      sources: source.addresses,
      ...(source.pod ? { sourcePod: `${source.namespace}/${source.pod.metadata.name}` } : {}),
    });
  }

  #source(spec: TrafficRequest): Source {
    const native = this.#o.mapper.mode === 'native';
    if (spec.from === 'external') {
      return {
        addresses: native
          ? Array.from({ length: spec.clients }, (_, i) => `127.30.0.${i + 1}`)
          : [],
        namespace: 'default',
        localAddress: undefined,
      };
    }
    const [namespace, name] = spec.from.slice('pod:'.length).split('/') as [string, string];
    const pod = this.#o.cluster.store.get('Pod', namespace, name);
    if (!pod)
      throw new TargetError(
        'L4_E_NOT_FOUND',
        `pods "${name}" not found in namespace "${namespace}"`,
        404,
      );
    const ip = pod.status?.podIP;
    if (!ip || pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) {
      throw new TargetError(
        'L4_E_NOT_RUNNING',
        `pod ${namespace}/${name} is not running: it has no IP to send from`,
        409,
      );
    }
    const { localAddress } = podNetwork(this.#o.mapper, ip);
    return { addresses: localAddress ? [localAddress] : [], namespace, pod, localAddress };
  }

  async #resolve(name: string, source: Source): Promise<string> {
    const nameserver = this.#o.cluster.plan.dnsServiceIP;
    const dns = this.#o.dns({
      server: nameserver,
      ...(source.localAddress ? { localAddress: source.localAddress } : {}),
    });
    const ip = source.pod?.status?.podIP;
    const r = await resolveName(name, {
      conf: podResolvConf(source.namespace, nameserver),
      dns,
      hosts: source.pod && ip ? hostsFile(ip, source.pod.metadata.name) : '',
      from: source.localAddress ?? 'the host',
    });
    const address = r.addresses[0];
    if (!address) {
      throw new TargetError(
        'L4_E_NXDOMAIN',
        `${name}: no such host (cluster DNS at ${nameserver}: ${r.error ?? 'no address'})`,
      );
    }
    return address;
  }

  stop(id: string): TrafficStatus | undefined {
    return this.#generators.stop(id);
  }

  /** Forgets a generator that no longer runs (its results go with it); a running one stays. */
  forget(id: string): TrafficStatus | undefined {
    return this.#generators.forget(id);
  }

  list(): TrafficStatus[] {
    return this.#generators.list();
  }

  stopAll(): void {
    this.#generators.stopAll();
  }
}
