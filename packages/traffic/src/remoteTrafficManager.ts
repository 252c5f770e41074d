import type { TrafficRequest, TrafficStatus } from '@l4lab/protocol';
import type { ClientConnection } from './clientConnections.ts';
import { GeneratorSet } from './generatorSet.ts';
import {
  type ReachableFrontend,
  type WatchedObjectsSource,
  findReachableFrontend,
} from './remoteFrontends.ts';
import { TargetError, parseTarget } from './target.ts';
import { MAX_GENERATORS } from './trafficLimits.ts';

export interface RemoteTrafficManagerOptions {
  /** The watched objects of the cluster (its Services, Nodes and Pods). */
  objects: WatchedObjectsSource;
  onUpdate?: (all: TrafficStatus[]) => void;
  /** Each connection a generator made, and the frontend it went to. */
  onConnection?: (c: ClientConnection, frontend: ReachableFrontend) => void;
  maxGenerators?: number;
}

/**
 * Traffic generators against a cluster l4lab does not run (remote mode): real connections from
 * this machine, from addresses of the kernel's choosing, to the Service frontends this machine can
 * reach (NodePorts on the nodes' addresses, LoadBalancer ingress IPs, externalIPs), found in the
 * watched objects. The same requests, statuses and limits as the embedded lab's TrafficManager;
 * no source pod and no cluster DNS.
 */
export class RemoteTrafficManager {
  readonly #generators: GeneratorSet;
  readonly #o: RemoteTrafficManagerOptions;

  constructor(opts: RemoteTrafficManagerOptions) {
    this.#o = opts;
    this.#generators = new GeneratorSet(opts.maxGenerators ?? MAX_GENERATORS, opts.onUpdate);
  }

  start(spec: TrafficRequest): Promise<TrafficStatus> {
    // async for the same call shape as TrafficManager.start (routes await either)
    return Promise.resolve().then(() => this.#start(spec));
  }

  #start(spec: TrafficRequest): TrafficStatus {
    this.#generators.check(spec);
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
    const onConnection = this.#o.onConnection;
    return this.#generators.start({
      spec,
      target: { ip: t.host, port: t.port, hostIp: t.host, hostPort: t.port, name: t.host },
      sources: [],
      ...(onConnection ? { onConnection: (c: ClientConnection) => onConnection(c, frontend) } : {}),
    });
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
