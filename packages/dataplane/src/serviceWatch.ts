import type { EndpointSlice, Pod, Service, WatchEvent } from '@l4lab/protocol';
import { objectKey } from '@l4lab/protocol';
import { ChangeTracker, NetworkPolicyView, type Cluster } from '@l4lab/cluster';
import type { RoutingState } from './connectionRouter.ts';
import { endpointsFromSlices, nodeInfo, servicePorts } from './serviceState.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo, ServicePortName } from './types.ts';

export interface ServiceWatchHooks {
  /** A Service, EndpointSlice or Node changed: a sync is needed. */
  onChange(): void;
  /** A Pod was added, changed or deleted (`previous` as last seen). */
  onPod?(type: WatchEvent['type'], pod: Pod, previous: Pod | undefined): void;
  /**
   * The NetworkPolicy decision the data plane enforces (the kernel backend's: its table in force);
   * by default the cluster's policies as they are now.
   */
  policies?: RoutingState['policies'];
}

/**
 * kube-proxy's informers and change trackers for a data plane backend: Services and
 * EndpointSlices go through change trackers (`{previous, current}`, no-ops dropped) and reach
 * the data plane only when its sync drains them; Nodes and Pods are kept as indexes. Both
 * backends (the userspace proxier and the nftables one) sync from it.
 */
export class ServiceWatch {
  readonly #cluster: Cluster;
  readonly #hooks: ServiceWatchHooks;
  readonly #serviceChanges = new ChangeTracker<Service>();
  readonly #sliceChanges = new ChangeTracker<EndpointSlice>();
  readonly #slices = new Map<string, Map<string, EndpointSlice>>(); // "ns/service" -> slices
  readonly #servicePorts = new Map<string, ServicePortInfo[]>(); // "ns/service" -> ports
  readonly #seen = new Map<string, Service | EndpointSlice | Pod>();
  readonly #podsByIP = new Map<string, { name: string; node: string }>();
  #serviceMap = new Map<ServicePortName, ServicePortInfo>();
  #endpointsMap = new Map<ServicePortName, EndpointInfo[]>();
  #nodes: NodeInfo[] = [];
  #nodesChanged = true;
  #unwatch: (() => void) | undefined;
  /**
   * NetworkPolicies, for the userspace proxier's per-connection decision (the kernel backend
   * writes them into a table of their own: nftables/networkPolicyEnforcer.ts).
   */
  readonly #view: NetworkPolicyView | undefined;
  readonly #policies: NonNullable<RoutingState['policies']>;

  constructor(cluster: Cluster, hooks: ServiceWatchHooks) {
    this.#cluster = cluster;
    this.#hooks = hooks;
    this.#view = hooks.policies ? undefined : new NetworkPolicyView(cluster);
    this.#policies = hooks.policies ?? this.#view!;
  }

  start(): void {
    this.#view?.start();
    this.#unwatch = this.#cluster.watch((e) => this.#onEvent(e));
    this.#nodes = this.#cluster.list('Node').map(nodeInfo);
    for (const p of this.#cluster.list('Pod')) this.#onEvent({ type: 'ADDED', object: p });
    for (const o of [...this.#cluster.list('Service'), ...this.#cluster.list('EndpointSlice')])
      this.#onEvent({ type: 'ADDED', object: o });
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#view?.stop();
  }

  /** The state as of the last drain (replaced, never mutated, by each drain that changes it). */
  routing(): RoutingState {
    return {
      serviceMap: this.#serviceMap,
      endpointsMap: this.#endpointsMap,
      nodes: this.#nodes,
      podsByIP: this.#podsByIP,
      policies: this.#policies,
    };
  }

  /** Applies the pending changes (a sync's first step); says whether anything changed. */
  drain(): { changed: boolean; touched: ReadonlySet<string> } {
    const touched = new Set<string>();
    for (const [key, ch] of this.#serviceChanges.drain()) {
      touched.add(key);
      if (ch.current) this.#servicePorts.set(key, servicePorts(ch.current));
      else this.#servicePorts.delete(key);
    }
    for (const ch of this.#sliceChanges.drain().values()) {
      const s = (ch.current ?? ch.previous)!;
      const svcKey = `${s.metadata.namespace}/${s.metadata.labels?.['kubernetes.io/service-name'] ?? ''}`;
      touched.add(svcKey);
      const m = this.#slices.get(svcKey) ?? new Map<string, EndpointSlice>();
      if (ch.current) m.set(objectKey(s), ch.current);
      else m.delete(objectKey(s));
      if (m.size) this.#slices.set(svcKey, m);
      else this.#slices.delete(svcKey);
    }
    if (touched.size > 0) this.#rebuild(touched);
    const changed = touched.size > 0 || this.#nodesChanged;
    this.#nodesChanged = false;
    return { changed, touched };
  }

  #rebuild(touched: ReadonlySet<string>): void {
    const serviceMap = new Map<ServicePortName, ServicePortInfo>();
    for (const ports of this.#servicePorts.values())
      for (const p of ports) serviceMap.set(p.name, p);
    const endpointsMap = new Map(this.#endpointsMap);
    for (const key of touched) {
      for (const k of endpointsMap.keys()) if (k.startsWith(`${key}:`)) endpointsMap.delete(k);
      const i = key.indexOf('/');
      const eps = endpointsFromSlices(
        key.slice(0, i),
        key.slice(i + 1),
        this.#slices.get(key)?.values() ?? [],
      );
      for (const [k, v] of eps) endpointsMap.set(k, v);
    }
    this.#serviceMap = serviceMap;
    this.#endpointsMap = endpointsMap;
  }

  #onEvent(e: WatchEvent): void {
    const o = e.object;
    if (o.kind === 'Node') {
      // Only what the rules read of a node (kube-proxy's node handlers): not its heartbeats.
      const nodes = this.#cluster.list('Node').map(nodeInfo);
      if (JSON.stringify(nodes) === JSON.stringify(this.#nodes)) return;
      this.#nodes = nodes;
      this.#nodesChanged = true;
      this.#hooks.onChange();
      return;
    }
    if (o.kind !== 'Service' && o.kind !== 'EndpointSlice' && o.kind !== 'Pod') return;
    const key = `${o.kind}/${objectKey(o)}`;
    const previous = this.#seen.get(key);
    const current = e.type === 'DELETED' ? undefined : o;
    if (current) this.#seen.set(key, current);
    else this.#seen.delete(key);
    if (o.kind === 'Pod') {
      this.#indexPod(o, e.type === 'DELETED');
      this.#hooks.onPod?.(e.type, o, previous as Pod | undefined);
      return;
    }
    const pending =
      o.kind === 'Service'
        ? this.#serviceChanges.update(
            previous as Service | undefined,
            current as Service | undefined,
          )
        : this.#sliceChanges.update(
            previous as EndpointSlice | undefined,
            current as EndpointSlice | undefined,
          );
    if (pending) this.#hooks.onChange();
  }

  #indexPod(p: Pod, deleted: boolean): void {
    const ip = p.status?.podIP;
    // A pod on the host network has its node's address, which is not that pod's alone.
    if (!ip || p.spec.hostNetwork) return;
    const name = `${p.metadata.namespace}/${p.metadata.name}`;
    if (deleted) {
      if (this.#podsByIP.get(ip)?.name === name) this.#podsByIP.delete(ip);
    } else this.#podsByIP.set(ip, { name, node: p.spec.nodeName ?? '' });
  }
}
