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
  c = {
    cluster: eligibleEndpoints(all),
    local(node) {
      let l = byNode.get(node);
      if (!l) byNode.set(node, (l = eligibleEndpoints(all.filter((e) => e.nodeName === node))));
      return l;
    },
  };
  categorized.set(all, c);
  return c;
}
