import type { TrafficRequest, TrafficStatus } from '@l4lab/protocol';
import type { PortMapper } from '@l4lab/cluster';
import { TrafficGenerator } from './generator.ts';
import { TargetError, isIPv4, parseTarget } from './target.ts';

/** Resolves a cluster name (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`) to an IP, as a pod would. */
export type NameResolver = (name: string, namespace: string) => string | undefined;

export const MAX_GENERATORS = 8;

/** Runs the traffic generators: at most MAX_GENERATORS at once, each bounded in count and time. */
export class TrafficManager {
  readonly #generators = new Map<string, TrafficGenerator>();
  readonly #resolve: NameResolver;
  readonly #mapper: PortMapper;
  readonly #onUpdate: (all: TrafficStatus[]) => void;
  #seq = 0;

  constructor(opts: {
    resolve: NameResolver;
    mapper: PortMapper;
    onUpdate?: (all: TrafficStatus[]) => void;
  }) {
    this.#resolve = opts.resolve;
    this.#mapper = opts.mapper;
    this.#onUpdate = opts.onUpdate ?? (() => {});
  }

  start(spec: TrafficRequest): TrafficStatus {
    if ([...this.#generators.values()].filter((g) => g.running).length >= MAX_GENERATORS) {
      throw new TargetError(
        'L4_E_TOO_MANY_GENERATORS',
        `at most ${MAX_GENERATORS} generators run at once: stop one first`,
      );
    }
    if (spec.protocol === 'udp') {
      throw new TargetError(
        'L4_E_UNSUPPORTED',
        'UDP traffic is not available yet: use "http" or "tcp"',
      );
    }
    if (spec.from !== 'external') {
      throw new TargetError(
        'L4_E_UNSUPPORTED',
        `from "${spec.from}": only "external" clients are available yet`,
      );
    }
    const t = parseTarget(spec.target);
    const ip = isIPv4(t.host) ? t.host : this.#resolve(t.host, 'default');
    if (!ip) {
      throw new TargetError(
        'L4_E_NXDOMAIN',
        `${t.host}: no such host (no Service of that name has a cluster IP)`,
      );
    }
    const host = this.#mapper.resolve(ip, t.port, 'TCP');
    const native = this.#mapper.mode === 'native';
    const id = `gen-${++this.#seq}`;
    // Keep finished generators' results, but not forever.
    for (const [k, g] of this.#generators)
      if (!g.running && this.#generators.size >= 32) this.#generators.delete(k);
    const g = new TrafficGenerator({
      id,
      spec,
      target: { ip, port: t.port, hostIp: host.ip, hostPort: host.port, name: t.host },
      sources: native ? Array.from({ length: spec.clients }, (_, i) => `127.30.0.${i + 1}`) : [],
      onUpdate: () => this.#onUpdate(this.list()),
    });
    this.#generators.set(id, g);
    g.start();
    this.#onUpdate(this.list());
    return g.status();
  }

  stop(id: string): TrafficStatus | undefined {
    const g = this.#generators.get(id);
    g?.stop();
    return g?.status();
  }

  list(): TrafficStatus[] {
    return [...this.#generators.values()].map((g) => g.status());
  }

  stopAll(): void {
    for (const g of this.#generators.values()) g.stop();
  }
}
