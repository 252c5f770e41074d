// Builders and probes shared by the scheduler's tests (not exported from the package).
import type {
  KubeObject,
  Node,
  NodeSelectorTerm,
  Pod,
  PodAffinityTerm,
  Taint,
} from '@l4lab/protocol';
import type { Cluster } from '../cluster.ts';

export function makePod(name: string, mutate?: (p: Pod) => void): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  mutate?.(p);
  return p;
}

export function apply(cluster: Cluster, ...objects: KubeObject[]): void {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
}

export const pod = (c: Cluster, name: string, ns = 'default') => c.store.get('Pod', ns, name)!;
export const nodeOf = (c: Cluster, name: string) => pod(c, name).spec.nodeName;
export const scheduled = (c: Cluster, name: string) =>
  pod(c, name).status?.conditions?.find((x) => x.type === 'PodScheduled');
export const failures = (c: Cluster, name: string) =>
  c.events.about(pod(c, name)).filter((e) => e.reason === 'FailedScheduling');

export function editNode(c: Cluster, name: string, mutate: (n: Node) => void): void {
  const n = structuredClone(c.store.get('Node', undefined, name)!);
  mutate(n);
  c.store.put(n);
}

export const taint = (t: Taint) => (n: Node) => (n.spec.taints = [...(n.spec.taints ?? []), t]);

/** Required node affinity of one term. */
export const requireNode = (term: NodeSelectorTerm) => (p: Pod) =>
  (p.spec.affinity = {
    ...p.spec.affinity,
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } },
  });

export const requesting = (requests: Record<string, string | number>) => (p: Pod) =>
  (p.spec.containers[0]!.resources = { requests });

export const NOT_HELPFUL = (n: number) =>
  `preemption: 0/3 nodes are available: ${n} Preemption is not helpful for scheduling.`;
export const NO_VICTIMS =
  'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';

/** A pod labelled app=<app> with required or preferred pod (anti-)affinity to app=<target>. */
export function withPodAffinity(
  kind: 'podAffinity' | 'podAntiAffinity',
  target: string,
  topologyKey: string,
  mutateTerm?: (t: PodAffinityTerm) => void,
) {
  return (p: Pod) => {
    const term: PodAffinityTerm = { labelSelector: { matchLabels: { app: target } }, topologyKey };
    mutateTerm?.(term);
    p.spec.affinity = {
      ...p.spec.affinity,
      [kind]: { requiredDuringSchedulingIgnoredDuringExecution: [term] },
    };
  };
}

export const onNode = (node: string) => (p: Pod) =>
  (p.spec.nodeSelector = { 'kubernetes.io/hostname': node });
