import type { ConnectionEvent, EndpointCounters, PortMapping } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import { buildNodes, type GraphNode } from './graphNodes.ts';
import { buildServices, type GraphFrontend, type GraphService } from './graphServices.ts';
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
  /** True when the graph shows a past moment (rewind). */
  past: boolean;
}

export interface GraphInput {
  cluster: ClusterMirror;
  /** Cumulative counters now and about RATE_WINDOW_MS ago (undefined: use events for rates). */
  counters: ReadonlyMap<string, EndpointCounters> | undefined;
  countersBefore: { t: number; counters: ReadonlyMap<string, EndpointCounters> } | undefined;
  recent: readonly ConnectionEvent[];
  mappings: readonly PortMapping[];
  mapped: boolean;
  showSystem: boolean;
  /** The moment shown (now, or the rewind cursor). */
  now: number;
  past: boolean;
  defaultMode: string;
}

export const SYSTEM_NAMESPACE = 'kube-system';

export function buildGraphModel(input: GraphInput): GraphModel {
  const visible = (ns: string) => input.showSystem || ns !== SYSTEM_NAMESPACE;
  const { services, frontends, staticEdges } = buildServices(input, visible);
  const nodes = buildNodes(input.cluster, visible);
  const traffic = buildTraffic(input, visible, services, frontends, nodes, staticEdges);
  return {
    clients: traffic.clients,
    frontends,
    services,
    nodes,
    edges: traffic.edges,
    past: input.past,
  };
}
