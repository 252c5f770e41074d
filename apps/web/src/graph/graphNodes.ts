import { podIsolation } from '@l4lab/manifests';
import { podStatusText, type Pod } from '@l4lab/protocol';
import { podHealth, podRestarts, type PodHealth } from '../format/kube.ts';
import type { ClusterMirror } from '../store/clusterMirror.ts';

export interface GraphPod {
  id: string;
  namespace: string;
  name: string;
  /** The controller that made it (`my-nginx-58bbb84dfd`, a ReplicaSet), or '' for a bare pod. */
  owner: string;
  ip: string;
  node: string;
  health: PodHealth;
  status: string;
  restarts: number;
  /** Its image is not run: a stand-in serves its ports (the kubelet's status message says so). */
  standIn: boolean;
  /** Connections per second it received lately (filled in by the traffic part). */
  rate: number;
  /** Connections it received in all (counters; 0 when rewound). */
  connections: number;
  /** Requests per second the generators got answered by it (keep-alive: more than connections). */
  requestRate: number;
  /** Connections to it open now (counters). */
  open: number;
  /** The NetworkPolicies isolating it, per direction (names); absent when none does. */
  isolation?: { ingress: string[]; egress: string[] };
}

export interface GraphNode {
  name: string;
  ip: string;
  ready: boolean;
  /** Cordoned (`spec.unschedulable`): kubectl's SchedulingDisabled. */
  cordoned?: boolean;
  /** Its zone, shown when a Service routes by topology (see `buildGraphModel`). */
  zone?: string;
  pods: GraphPod[];
}

/** The node's right-hand text: its address, and its zone when zones matter. */
export const nodeAddress = (n: GraphNode) => (n.zone ? `${n.zone} · ${n.ip}` : n.ip);

export const UNSCHEDULED = '(unscheduled)';

export function podId(p: Pod): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}

/** Nodes in name order, each with its pods in creation order (new pods join at the end). */
export function buildNodes(
  cluster: ClusterMirror,
  visible: (ns: string) => boolean,
  /** Only these pods (every node is still drawn); all when omitted. */
  keep?: (p: Pod) => boolean,
  /** Say each node's zone (`topology.kubernetes.io/zone`). */
  zones = false,
): GraphNode[] {
  const nodes = new Map<string, GraphNode>();
  const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
  for (const n of [...cluster.nodes.values()].sort((a, b) =>
    byName(a.metadata.name, b.metadata.name),
  )) {
    const ip = n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
    const ready = n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const zone = zones ? n.metadata.labels?.['topology.kubernetes.io/zone'] : undefined;
    nodes.set(n.metadata.name, {
      name: n.metadata.name,
      ip,
      ready: ready ?? false,
      ...(n.spec?.unschedulable ? { cordoned: true } : {}),
      ...(zone ? { zone } : {}),
      pods: [],
    });
  }
  const pods = [...cluster.pods.values()].filter(
    (p) => visible(p.metadata.namespace ?? 'default') && (!keep || keep(p)),
  );
  // Creation order keeps everyone in place when a pod comes or goes (a new one slides in last).
  pods.sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  const policies = [...cluster.networkPolicies.values()];
  for (const pod of pods) {
    const isolation = policies.length ? podIsolation(policies, pod) : undefined;
    const nodeName = pod.spec.nodeName ?? UNSCHEDULED;
    let node = nodes.get(nodeName);
    if (!node) {
      node = { name: nodeName, ip: '', ready: false, pods: [] };
      nodes.set(nodeName, node);
    }
    node.pods.push({
      id: podId(pod),
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      owner: pod.metadata.ownerReferences?.find((o) => o.controller !== false)?.name ?? '',
      ip: pod.status?.podIP ?? '',
      node: nodeName,
      health: podHealth(pod),
      status: podStatusText(pod),
      restarts: podRestarts(pod),
      standIn: /(^|; )stand-in for /.test(pod.status?.message ?? ''),
      rate: 0,
      connections: 0,
      requestRate: 0,
      open: 0,
      ...(isolation && isolation.ingress.length + isolation.egress.length > 0
        ? {
            isolation: {
              ingress: isolation.ingress.map((p) => p.metadata.name),
              egress: isolation.egress.map((p) => p.metadata.name),
            },
          }
        : {}),
    });
  }
  return [...nodes.values()];
}
