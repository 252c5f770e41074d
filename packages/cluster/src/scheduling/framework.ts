// One scheduling cycle, as kube-scheduler's default profile runs it: PreFilter, then the Filter
// plugins in their order (NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts,
// NodeResourcesFit, PodTopologySpread, InterPodAffinity; the first that rejects a node gives its
// reason), then the Score plugins that can tell l4lab's nodes apart (NodeAffinity x2,
// TaintToleration x3, PodTopologySpread x2, InterPodAffinity x2).
import type { Pod } from '@l4lab/protocol';
import { type Diagnosis, type FilterStatus, fitErrorMessage } from './fitError.ts';
import type { NodeInfo, Snapshot } from './nodeInfo.ts';
import {
  nodeNamesFromAffinity,
  podMatchesNodeAffinity,
  preferredNodeAffinityScore,
} from './nodeAffinity.ts';
import {
  type AffinityState,
  interPodAffinityFilter,
  interPodAffinityPreFilter,
  interPodAffinityScores,
} from './podAffinity.ts';
import { hostPortsOf, hostPortsTaken, REASON_NODE_PORTS } from './nodePorts.ts';
import { insufficientResources, podRequests, type Resources } from './resources.ts';
import {
  type SpreadState,
  topologySpreadFilter,
  topologySpreadPreFilter,
  topologySpreadScores,
} from './topologySpread.ts';
import {
  TAINT_UNSCHEDULABLE,
  intolerablePreferNoSchedule,
  tolerated,
  untoleratedTaint,
} from './taints.ts';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
/** NodeAffinity's PreFilter when the terms name nodes that leave none. */
const REASON_AFFINITY_CONFLICT = 'pod affinity terms conflict';

interface Cycle {
  pod: Pod;
  request: Resources;
  hostPorts: ReturnType<typeof hostPortsOf>;
  affinity: AffinityState;
  spread: SpreadState | undefined;
  snapshot: Snapshot;
}

const unresolvable = (reason: string): FilterStatus => ({ reasons: [reason], unresolvable: true });

function filterNode(c: Cycle, node: NodeInfo): FilterStatus | undefined {
  const { pod } = c;
  const cordoned = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' as const };
  if (node.node.spec.unschedulable && !tolerated(pod.spec.tolerations, cordoned))
    return unresolvable(REASON_UNSCHEDULABLE);
  const taint = untoleratedTaint(node.taints, pod.spec.tolerations);
  if (taint)
    return unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  if (!podMatchesNodeAffinity(pod, node.node)) return unresolvable(REASON_NODE_AFFINITY);
  if (hostPortsTaken(c.hostPorts, node.pods))
    return { reasons: [REASON_NODE_PORTS], unresolvable: false };
  const short = insufficientResources(
    c.request,
    node.allocatable,
    node.requested,
    node.pods.length,
  );
  if (short.length > 0) {
    return { reasons: short.map((s) => s.reason), unresolvable: short.some((s) => s.unresolvable) };
  }
  const spread = topologySpreadFilter(c.spread, pod, node);
  if (spread) return { reasons: [spread.reason], unresolvable: spread.unresolvable };
  const affinity = interPodAffinityFilter(c.affinity, node, c.snapshot);
  return affinity && { reasons: [affinity.reason], unresolvable: affinity.unresolvable };
}

export type FitResult = { feasible: NodeInfo[] } | { message: string };

/** The nodes that pass every filter, or the FitError message when none does. */
export function findNodesThatFit(pod: Pod, snapshot: Snapshot): FitResult {
  const all = snapshot.nodes;
  const diagnosis: Diagnosis = { nodeNames: all.map((n) => n.name), statuses: new Map() };
  const named = nodeNamesFromAffinity(pod);
  if (named === 'conflict') {
    return {
      message: fitErrorMessage({ ...diagnosis, preFilterMessage: REASON_AFFINITY_CONFLICT }),
    };
  }
  let candidates = all;
  if (named) {
    candidates = all.filter((n) => named.has(n.name));
    diagnosis.absent = unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]");
  }
  const cycle: Cycle = {
    pod,
    request: podRequests(pod),
    hostPorts: hostPortsOf(pod),
    affinity: interPodAffinityPreFilter(pod, snapshot),
    spread: topologySpreadPreFilter(pod, snapshot),
    snapshot,
  };
  const feasible: NodeInfo[] = [];
  for (const node of candidates) {
    const status = filterNode(cycle, node);
    if (status) diagnosis.statuses.set(node.name, status);
    else feasible.push(node);
  }
  return feasible.length > 0 ? { feasible } : { message: fitErrorMessage(diagnosis) };
}

const MAX_NODE_SCORE = 100;

/** DefaultNormalizeScore: scaled so the highest is 100 (reversed: the lowest is 100). */
function normalize(scores: number[], reverse = false): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_NODE_SCORE : 0));
  return scores.map((s) => {
    const v = Math.trunc((MAX_NODE_SCORE * s) / max);
    return reverse ? MAX_NODE_SCORE - v : v;
  });
}

/** InterPodAffinity's NormalizeScore: min to 0, max to 100. */
function normalizeMinMax(scores: number[]): number[] {
  const min = Math.min(...scores);
  const spread = Math.max(...scores) - min;
  return scores.map((s) => (spread > 0 ? Math.trunc((MAX_NODE_SCORE * (s - min)) / spread) : 0));
}

/** The feasible nodes with the highest weighted score (the caller breaks ties). */
export function bestNodes(pod: Pod, feasible: NodeInfo[], snapshot: Snapshot): NodeInfo[] {
  const nodeAffinity = normalize(feasible.map((n) => preferredNodeAffinityScore(pod, n.node)));
  const taints = normalize(
    feasible.map((n) => intolerablePreferNoSchedule(n.taints, pod.spec.tolerations)),
    true,
  );
  const podAffinity = normalizeMinMax(interPodAffinityScores(pod, feasible, snapshot));
  const spread = topologySpreadScores(pod, feasible, snapshot);
  const totals = feasible.map(
    (_, i) => 2 * nodeAffinity[i]! + 3 * taints[i]! + 2 * spread[i]! + 2 * podAffinity[i]!,
  );
  const top = Math.max(...totals);
  return feasible.filter((_, i) => totals[i] === top);
}
