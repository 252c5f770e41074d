import type { ConnectionEvent, EndpointCounters, PortMapping } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import {
  clusterIP,
  mappingText,
  podHealth,
  podStatus,
  serviceType,
  type PodHealth,
} from '../format/kube.ts';

// What the graph shows, as plain data (D3 draws it; nothing here touches the DOM).

export interface GraphClient {
  id: string;
  ip: string;
  /** `ns/name` when the client is a pod. */
  pod: string | undefined;
}

export interface GraphService {
  id: string;
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  /** `80/TCP`, `80:30080/TCP`, or with the host mapping `80 -> 127.0.0.1:41080`. */
  ports: string[];
}

export interface GraphPod {
  id: string;
  name: string;
  ip: string;
  health: PodHealth;
  status: string;
  connections: number;
}

export interface GraphNode {
  name: string;
  ip: string;
  pods: GraphPod[];
}

export interface GraphEdge {
  id: string;
  service: string;
  pod: string;
  ready: boolean;
}

export interface GraphModel {
  clients: GraphClient[];
  services: GraphService[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Client -> Service pairs seen in recent events. */
  clientEdges: { id: string; client: string; service: string }[];
}

export interface GraphInput {
  cluster: ClusterMirror;
  counters: ReadonlyMap<string, EndpointCounters>;
  recent: readonly ConnectionEvent[];
  mappings: readonly PortMapping[];
  mapped: boolean;
  now: number;
}

/** Clients drop out of the graph this long after their last connection. */
export const CLIENT_TTL_MS = 30_000;
export const UNSCHEDULED = '(unscheduled)';

/** `ns/name` of the pod an event's endpoint is (the endpoint's `pod` may be qualified or not). */
export function endpointPodId(e: ConnectionEvent): string | undefined {
  if (!e.endpoint) return undefined;
  return e.endpoint.pod.includes('/')
    ? e.endpoint.pod
    : `${e.endpoint.namespace}/${e.endpoint.pod}`;
}

export function serviceId(e: ConnectionEvent): string {
  return `${e.service.namespace}/${e.service.name}`;
}

function connectionsByPod(counters: ReadonlyMap<string, EndpointCounters>): Map<string, number> {
  const byPod = new Map<string, number>();
  for (const c of counters.values()) {
    if (c.endpoint) byPod.set(c.endpoint, (byPod.get(c.endpoint) ?? 0) + c.connections);
  }
  return byPod;
}

function clientsOf(recent: readonly ConnectionEvent[], now: number) {
  const clients = new Map<string, GraphClient>();
  const clientEdges = new Map<string, { id: string; client: string; service: string }>();
  for (const e of recent) {
    if (now - (e.endedAt ?? e.startedAt) > CLIENT_TTL_MS) continue;
    clients.set(e.client.ip, { id: e.client.ip, ip: e.client.ip, pod: e.client.pod });
    const id = `${e.client.ip}->${serviceId(e)}`;
    clientEdges.set(id, { id, client: e.client.ip, service: serviceId(e) });
  }
  const byIp = (a: GraphClient, b: GraphClient) =>
    a.ip.localeCompare(b.ip, undefined, { numeric: true });
  return { clients: [...clients.values()].sort(byIp), clientEdges: [...clientEdges.values()] };
}

export function buildGraphModel(input: GraphInput): GraphModel {
  const { cluster, mappings, mapped } = input;
  const byPod = connectionsByPod(input.counters);

  const services: GraphService[] = [...cluster.services.values()].map((svc) => {
    const ip = svc.spec.clusterIP;
    const ports = (svc.spec.ports ?? []).map((p) => {
      const own = `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`;
      const m = mapped ? mappingText(mappings, ip, p.port) : undefined;
      return m ?? own;
    });
    return {
      id: `${svc.metadata.namespace ?? 'default'}/${svc.metadata.name}`,
      namespace: svc.metadata.namespace ?? 'default',
      name: svc.metadata.name,
      type: serviceType(svc),
      clusterIP: clusterIP(svc),
      ports,
    };
  });
  services.sort((a, b) => a.id.localeCompare(b.id));

  const nodes = new Map<string, GraphNode>();
  for (const n of [...cluster.nodes.values()].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name, undefined, { numeric: true }),
  )) {
    const ip = n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    nodes.set(n.metadata.name, { name: n.metadata.name, ip, pods: [] });
  }
  for (const pod of cluster.pods.values()) {
    const nodeName = pod.spec.nodeName ?? UNSCHEDULED;
    let node = nodes.get(nodeName);
    if (!node) {
      node = { name: nodeName, ip: '', pods: [] };
      nodes.set(nodeName, node);
    }
    const id = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    node.pods.push({
      id,
      name: pod.metadata.name,
      ip: pod.status?.podIP ?? '',
      health: podHealth(pod),
      status: podStatus(pod),
      connections: byPod.get(id) ?? 0,
    });
  }
  for (const node of nodes.values()) node.pods.sort((a, b) => a.name.localeCompare(b.name));

  const edges = new Map<string, GraphEdge>();
  for (const slice of cluster.endpointSlices.values()) {
    const name = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!name) continue;
    const service = `${slice.metadata.namespace ?? 'default'}/${name}`;
    for (const ep of slice.endpoints) {
      if (ep.targetRef?.kind !== 'Pod') continue;
      const pod = `${ep.targetRef.namespace}/${ep.targetRef.name}`;
      const id = `${service}->${pod}`;
      const ready = ep.conditions.ready || (edges.get(id)?.ready ?? false);
      edges.set(id, { id, service, pod, ready });
    }
  }

  const { clients, clientEdges } = clientsOf(input.recent, input.now);
  return { clients, services, nodes: [...nodes.values()], edges: [...edges.values()], clientEdges };
}
