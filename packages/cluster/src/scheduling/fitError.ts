// The scheduler's word on a pod no node takes (framework.FitError and DefaultPreemption's
// PostFilter), e.g. `0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's
// node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for
// incoming pod, 2 Preemption is not helpful for scheduling.`

/** One node's filter outcome: the failing plugin's reasons, and whether preemption could help. */
export interface FilterStatus {
  reasons: string[];
  /** UnschedulableAndUnresolvable: removing pods from the node would not make it fit. */
  unresolvable: boolean;
}

export interface Diagnosis {
  /** Every node, feasible or not (the `N` of `0/N`), by name. */
  nodeNames: string[];
  /** The status of each node a filter rejected. */
  statuses: Map<string, FilterStatus>;
  /** The status of the nodes a PreFilter left out (never filtered). */
  absent?: FilterStatus;
  /** A PreFilter refused the pod outright: its message replaces the per-node reasons. */
  preFilterMessage?: string;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** Go's sort.Strings: byte order, not locale order. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `<count> <reason>` per reason, sorted as strings (so `10 ...` sorts before `2 ...`, as in Go). */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts]
    .map(([r, n]) => `${n} ${r}`)
    .sort(byteOrder)
    .join(', ');
}

function statusOf(d: Diagnosis, node: string): FilterStatus | undefined {
  return d.statuses.get(node) ?? d.absent;
}

/**
 * DefaultPreemption found nothing to evict: nodes rejected as unresolvable are "not helpful";
 * on the others no pod has a lower priority than this one (l4lab's pods all have priority 0).
 */
function preemptionMessage(d: Diagnosis): string {
  const reasons = d.nodeNames.map((n) =>
    d.preFilterMessage || statusOf(d, n)?.unresolvable !== false
      ? PREEMPTION_NOT_HELPFUL
      : NO_VICTIMS,
  );
  return `preemption: 0/${d.nodeNames.length} nodes are available: ${histogram(reasons)}.`;
}

export function fitErrorMessage(d: Diagnosis): string {
  if (d.nodeNames.length === 0) return NO_NODES_AVAILABLE;
  let msg = `0/${d.nodeNames.length} nodes are available:`;
  if (d.preFilterMessage) {
    msg += ` ${d.preFilterMessage}.`;
  } else {
    const reasons = d.nodeNames.flatMap((n) => statusOf(d, n)?.reasons ?? []);
    if (reasons.length > 0) msg += ` ${histogram(reasons)}.`;
  }
  return `${msg} ${preemptionMessage(d)}`;
}
