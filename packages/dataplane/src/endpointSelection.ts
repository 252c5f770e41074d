import type { EndpointInfo } from './types.ts';

/**
 * kube-proxy's choice of usable endpoints: the Ready ones; when none is ready, the ones still
 * Serving while Terminating; sorted by "IP:port" as pkg/proxy/endpointslicecache.go does.
 */
export function eligibleEndpoints(all: EndpointInfo[]): EndpointInfo[] {
  const ready = all.filter((e) => e.ready);
  const chosen = ready.length > 0 ? ready : all.filter((e) => e.serving && e.terminating);
  return chosen.sort(compareEndpoint);
}

function compareEndpoint(a: EndpointInfo, b: EndpointInfo): number {
  const x = `${a.ip}:${a.port}`;
  const y = `${b.ip}:${b.port}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

export interface CategorizedEndpoints {
  /** Eligible endpoints cluster-wide. */
  cluster: EndpointInfo[];
  /** Eligible endpoints on one node (computed once per node). */
  local(node: string): EndpointInfo[];
  /** Some endpoint carries a topology hint (else `topology()` always answers every endpoint). */
  hinted: boolean;
  /** The Cluster-policy endpoints kube-proxy on `node` (in `zone`) uses, hints considered. */
  topology(node: string, zone: string | undefined): Topology;
}

/**
 * kube-proxy's topologyModeFromHints on one node: PreferSameNode when every ready endpoint has a
 * node hint and one is for this node; else PreferSameZone when every ready endpoint has a zone
 * hint and one is for this node's zone; else none (every endpoint), and `why` says so.
 */
export type Topology =
  | { mode: 'PreferSameNode' | 'PreferSameZone'; eligible: EndpointInfo[] }
  | { mode: ''; eligible: EndpointInfo[]; why: 'no-hints' | 'no-zone-label' | 'none-for-zone' };

function topologyOf(
  all: EndpointInfo[],
  cluster: EndpointInfo[],
  node: string,
  zone: string | undefined,
): Topology {
  const ready = all.filter((e) => e.ready);
  const allNode = ready.length > 0 && ready.every((e) => e.nodeHints?.length);
  if (allNode && ready.some((e) => e.nodeHints!.includes(node)))
    return {
      mode: 'PreferSameNode',
      eligible: cluster.filter((e) => e.nodeHints!.includes(node)),
    };
  const allZone = ready.length > 0 && ready.every((e) => e.zoneHints?.length);
  if (!allZone) return { mode: '', eligible: cluster, why: 'no-hints' };
  if (!zone) return { mode: '', eligible: cluster, why: 'no-zone-label' };
  if (!ready.some((e) => e.zoneHints!.includes(zone)))
    return { mode: '', eligible: cluster, why: 'none-for-zone' };
  return { mode: 'PreferSameZone', eligible: cluster.filter((e) => e.zoneHints!.includes(zone)) };
}

const categorized = new WeakMap<readonly EndpointInfo[], CategorizedEndpoints>();

/**
 * kube-proxy's CategorizeEndpoints, memoized per endpoints list: the lists are replaced (never
 * mutated) at each sync, so a connection costs a lookup, not a filter and a sort.
 */
export function categorizeEndpoints(all: EndpointInfo[]): CategorizedEndpoints {
  let c = categorized.get(all);
  if (c) return c;
  const byNode = new Map<string, EndpointInfo[]>();
  const byTopology = new Map<string, Topology>();
  const cluster = eligibleEndpoints(all);
  c = {
    cluster,
    hinted: all.some((e) => e.zoneHints?.length || e.nodeHints?.length),
    local(node) {
      let l = byNode.get(node);
      if (!l) byNode.set(node, (l = eligibleEndpoints(all.filter((e) => e.nodeName === node))));
      return l;
    },
    topology(node, zone) {
      const key = `${node}|${zone ?? ''}`;
      let t = byTopology.get(key);
      if (!t) byTopology.set(key, (t = topologyOf(all, cluster, node, zone)));
      return t;
    },
  };
  categorized.set(all, c);
  return c;
}
