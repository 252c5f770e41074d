// The scheduler's view of one node (the framework's NodeInfo): the node, the taints it shows,
// the pods bound to it and what they request. Pods that ended (Succeeded, Failed) hold nothing,
// as the scheduler's informer does not see them; terminating pods still do until they are gone.
import type { Node, Pod, Taint } from '@l4lab/protocol';
import type { ObjectStore } from '../store.ts';
import { addResources, nodeAllocatable, podRequests, type Resources } from './resources.ts';
import { effectiveTaints } from './taints.ts';

export interface NodeInfo {
  node: Node;
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  pods: Pod[];
  requested: Resources;
  allocatable: Resources;
}

export interface Snapshot {
  nodes: NodeInfo[];
  /** Namespace labels by name, for affinity terms' namespaceSelector. */
  namespaceLabels: Map<string, Record<string, string>>;
}

function holdsResources(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export function takeSnapshot(store: ObjectStore): Snapshot {
  const byNode = new Map<string, Pod[]>();
  for (const p of store.list('Pod')) {
    const n = p.spec.nodeName;
    if (!n || !holdsResources(p)) continue;
    byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const nodes = store.list('Node').map((node): NodeInfo => {
    const pods = byNode.get(node.metadata.name) ?? [];
    const requested: Resources = new Map();
    for (const p of pods) addResources(requested, podRequests(p));
    return {
      node,
      name: node.metadata.name,
      labels: node.metadata.labels ?? {},
      taints: effectiveTaints(node),
      pods,
      requested,
      allocatable: nodeAllocatable(node),
    };
  });
  const namespaceLabels = new Map(
    store.list('Namespace').map((ns) => [ns.metadata.name, ns.metadata.labels ?? {}]),
  );
  return { nodes, namespaceLabels };
}
