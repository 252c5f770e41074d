import type {
  ConnectionEvent,
  EndpointCounters,
  PortMapping,
  TrafficStatus,
} from '@l4lab/protocol';
import type { Pod } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import { buildNodes, podId, type GraphNode } from './graphNodes.ts';
import {
  aliasTarget,
  buildServices,
  serviceId,
  type GraphFrontend,
  type GraphService,
} from './graphServices.ts';
import { addRequests } from './graphRequests.ts';
import { buildTraffic, type GraphClient, type TrafficEdge } from './graphTraffic.ts';

// What the graph shows, as plain data (D3 draws it; nothing here touches the DOM).

export type { GraphClient, GraphFrontend, GraphNode, GraphService, TrafficEdge };
export type { GraphPod } from './graphNodes.ts';

export interface GraphModel {
  clients: GraphClient[];
  frontends: GraphFrontend[];
  services: GraphService[];
  nodes: GraphNode[];
  /** Every drawn link, typed by the lanes it joins. */
  edges: TrafficEdge[];
  /** `hopKey(LB frontend, node)` -> that node's NodePort frontend for the same Service port. */
  hops: ReadonlyMap<string, string>;
  /** True when the graph shows a past moment (rewind). */
  past: boolean;
}

export interface GraphInput {
  cluster: ClusterMirror;
  /** Cumulative counters now and about RATE_WINDOW_MS ago (undefined: use events for rates). */
  counters: ReadonlyMap<string, EndpointCounters> | undefined;
  countersBefore: { t: number; counters: ReadonlyMap<string, EndpointCounters> } | undefined;
  recent: readonly ConnectionEvent[];
  /** The traffic generators, and their answers per second per pod (see generatorRates.ts). */
  generators?: readonly TrafficStatus[] | undefined;
  requestRates?: ReadonlyMap<string, ReadonlyMap<string, number>> | undefined;
  mappings: readonly PortMapping[];
  mapped: boolean;
  showSystem: boolean;
  /**
   * A Service (`ns/name`) shown alone: its frontends, its clients, and only the pods behind it
   * (its selector's and its EndpointSlices'). Ignored when there is no such Service.
   */
  focus?: string | undefined;
  /**
   * One namespace shown alone (the workshop's spotlight on a student): its Services, its pods and
   * the connections to its Services. Undefined: every namespace.
   */
  namespace?: string | undefined;
  /** The moment shown (now, or the rewind cursor). */
  now: number;
  past: boolean;
  defaultMode: string;
  /** The kernel dataplane: a connection is known by its conntrack entry (see graphTraffic.ts). */
  kernel?: boolean | undefined;
}

export const SYSTEM_NAMESPACE = 'kube-system';

/** What the cluster keeps for itself: kube-system, and `default/kubernetes` (the API server). */
export const isSystem = (ns: string, serviceName?: string) =>
  ns === SYSTEM_NAMESPACE || (ns === 'default' && serviceName === 'kubernetes');

export function buildGraphModel(input: GraphInput): GraphModel {
  const visible = (ns: string, serviceName?: string) =>
    (input.namespace === undefined || ns === input.namespace) &&
    (input.showSystem || !isSystem(ns, serviceName));
  const focus = focusOf(input.cluster, input.focus, visible);
  const { services, frontends, staticEdges, hops } = buildServices(
    input,
    visible,
    focus && ((id) => focus.ids.has(id)),
  );
  const nodes = buildNodes(
    input.cluster,
    visible,
    focus?.backs,
    services.some((s) => s.topology),
  );
  const traffic = buildTraffic(input, visible, services, frontends, nodes, staticEdges);
  const requests = addRequests(input, services, nodes, traffic.edges);
  return {
    clients: [...traffic.clients, ...requests.clients],
    frontends,
    services,
    nodes,
    edges: requests.edges,
    hops,
    past: input.past,
  };
}

/** The focused Service, if it exists and is shown, and which pods back it. */
function focusOf(
  cluster: ClusterMirror,
  focus: string | undefined,
  visible: (ns: string, serviceName?: string) => boolean,
): { id: string; ids: ReadonlySet<string>; backs: (p: Pod) => boolean } | undefined {
  if (!focus) return undefined;
  const [ns = '', name = ''] = focus.split('/');
  const svc = [...cluster.services.values()].find(
    (s) => (s.metadata.namespace ?? 'default') === ns && s.metadata.name === name,
  );
  if (!svc || !visible(ns, name)) return undefined;
  const inSlices = new Set<string>();
  for (const slice of cluster.endpointSlices.values()) {
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== name) continue;
    if ((slice.metadata.namespace ?? 'default') !== ns) continue;
    for (const ep of slice.endpoints)
      if (ep.targetRef?.kind === 'Pod')
        inSlices.add(`${ep.targetRef.namespace ?? ns}/${ep.targetRef.name}`);
  }
  const selector = Object.entries(svc.spec.selector ?? {});
  // An ExternalName's focus takes in the Service it names: the alias is its whole point.
  const alias =
    svc.spec.type === 'ExternalName'
      ? aliasTarget(svc.spec.externalName, new Set([...cluster.services.values()].map(serviceId)))
      : undefined;
  const aliased = alias ? focusOf(cluster, alias, visible) : undefined;
  return {
    id: focus,
    ids: new Set([focus, ...(alias ? [alias] : [])]),
    backs: (p) =>
      aliased?.backs(p) === true ||
      inSlices.has(podId(p)) ||
      (selector.length > 0 &&
        (p.metadata.namespace ?? 'default') === ns &&
        selector.every(([k, v]) => p.metadata.labels?.[k] === v)) ||
      // Pods behind no Service at all are clients (seed 03's `client`): they stay in view.
      !backedByAny(cluster, p),
  };
}

/** Whether any Service selects the pod or lists it in an EndpointSlice. */
function backedByAny(cluster: ClusterMirror, p: Pod): boolean {
  const ns = p.metadata.namespace ?? 'default';
  for (const svc of cluster.services.values()) {
    if ((svc.metadata.namespace ?? 'default') !== ns) continue;
    const sel = Object.entries(svc.spec.selector ?? {});
    if (sel.length > 0 && sel.every(([k, v]) => p.metadata.labels?.[k] === v)) return true;
  }
  for (const slice of cluster.endpointSlices.values()) {
    if (
      slice.endpoints.some(
        (e) => e.targetRef?.kind === 'Pod' && e.targetRef.name === p.metadata.name,
      )
    )
      return true;
  }
  return false;
}
