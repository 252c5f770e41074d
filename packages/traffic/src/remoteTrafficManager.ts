import type { TrafficRequest, TrafficStatus } from '@l4lab/protocol';
import type { ClientConnection } from './clientConnections.ts';
import { TrafficGenerator } from './generator.ts';
import {
  type ReachableFrontend,
  type WatchedObjectsSource,
  findReachableFrontend,
} from './remoteFrontends.ts';
import { TargetError, parseTarget } from './target.ts';
import { MAX_GENERATORS, checkTrafficLimits } from './trafficLimits.ts';

export interface RemoteTrafficManagerOptions {
  /** The watched objects of the cluster (its Services, Nodes and Pods). */
  objects: WatchedObjectsSource;
  onUpdate?: (all: TrafficStatus[]) => void;
  /** Each connection a generator made, and the frontend it went to. */
  onConnection?: (c: ClientConnection, frontend: ReachableFrontend) => void;
  maxGenerators?: number;
}

/** Kept after they stop, for their results, up to this many generators in all. */
const KEPT = 32;

/**
 * Traffic generators against a cluster l4lab does not run (remote mode): real connections from
 * this machine, from addresses of the kernel's choosing, to the Service frontends this machine can
 * reach (NodePorts on the nodes' addresses, LoadBalancer ingress IPs, externalIPs), found in the
 * watched objects. The same requests, statuses and limits as the embedded lab's TrafficManager;
 * no source pod and no cluster DNS.
 */
export class RemoteTrafficManager {
  readonly #generators = new Map<string, TrafficGenerator>();
  readonly #o: RemoteTrafficManagerOptions;
  #seq = 0;

  constructor(opts: RemoteTrafficManagerOptions) {
    this.#o = opts;
  }

  start(spec: TrafficRequest): Promise<TrafficStatus> {
    // async for the same call shape as TrafficManager.start (routes await either)
    return Promise.resolve().then(() => this.#start(spec));
  }

  #start(spec: TrafficRequest): TrafficStatus {
    const running = [...this.#generators.values()].filter((g) => g.running).length;
    checkTrafficLimits(spec, running, this.#o.maxGenerators ?? MAX_GENERATORS);
    if (spec.from !== 'external') {
      const [ns, name] = spec.from.slice('pod:'.length).split('/');
      throw new TargetError(
        'L4_E_NOT_IN_REMOTE_MODE',
        `from ${spec.from}: in remote mode l4lab sends from this machine only (from: external); to send from the pod, run a client in it: kubectl exec -n ${ns} ${name} -- wget -qO- http://SERVICE`,
      );
    }
    const t = parseTarget(spec.target);
    const frontend = findReachableFrontend(
      this.#o.objects,
      t,
      spec.protocol === 'udp' ? 'UDP' : 'TCP',
    );
    const id = `gen-${++this.#seq}`;
    for (const [k, g] of this.#generators)
      if (!g.running && this.#generators.size >= KEPT) this.#generators.delete(k);
    const onConnection = this.#o.onConnection;
    const g = new TrafficGenerator({
      id,
      spec,
      target: { ip: t.host, port: t.port, hostIp: t.host, hostPort: t.port, name: t.host },
      sources: [],
      onUpdate: () => this.#o.onUpdate?.(this.list()),
      ...(onConnection ? { onConnection: (c: ClientConnection) => onConnection(c, frontend) } : {}),
    });
    this.#generators.set(id, g);
    g.start();
    this.#o.onUpdate?.(this.list());
    return g.status();
  }

  stop(id: string): TrafficStatus | undefined {
    const g = this.#generators.get(id);
    g?.stop();
    return g?.status();
  }

  /** Forgets a generator that no longer runs (its results go with it); a running one stays. */
  forget(id: string): TrafficStatus | undefined {
    const g = this.#generators.get(id);
    if (!g || g.running) return undefined;
    this.#generators.delete(id);
    this.#o.onUpdate?.(this.list());
    return g.status();
  }

  list(): TrafficStatus[] {
    return [...this.#generators.values()].map((g) => g.status());
  }

  stopAll(): void {
    for (const g of this.#generators.values()) g.stop();
  }
}
