// The PodTopologySpread plugin: a pod's `topologySpreadConstraints` over the domains of a node
// label (a zone, a node). Its Filter keeps, for each DoNotSchedule constraint, the nodes where
// the matching pods would be at most `maxSkew` above the emptiest domain; its Score prefers, for
// ScheduleAnyway constraints, the domains with the fewest matching pods. Without constraints it
// does nothing here: l4lab's own spreading of an owner's pods stands for the default ones.
import type { LabelSelector, Pod, TopologySpreadConstraint } from '@l4lab/protocol';
import { selectorMatches } from '../selectors.ts';
import { podMatchesNodeAffinity } from './nodeAffinity.ts';
import type { NodeInfo, Snapshot } from './nodeInfo.ts';
import { untoleratedTaint } from './taints.ts';

export const REASON_SPREAD = "node(s) didn't match pod topology spread constraints";
export const REASON_SPREAD_LABEL =
  "node(s) didn't match pod topology spread constraints (missing required label)";

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';

interface Constraint {
  c: TopologySpreadConstraint;
  /** labelSelector with matchLabelKeys made In requirements on the pod's own values. */
  selector: LabelSelector | undefined;
}

const namespaceOf = (p: Pod) => p.metadata.namespace ?? 'default';

function constraintsOf(pod: Pod, action: TopologySpreadConstraint['whenUnsatisfiable']) {
  const labels = pod.metadata.labels ?? {};
  return (pod.spec.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c): Constraint => {
      const keys = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k));
      const selector =
        c.labelSelector && keys.length > 0
          ? {
              ...c.labelSelector,
              matchExpressions: [
                ...(c.labelSelector.matchExpressions ?? []),
                ...keys.map((key) => ({ key, operator: 'In', values: [labels[key]!] })),
              ],
            }
          : c.labelSelector;
      return { c, selector };
    });
}

/** A nil selector matches nothing (labels.Nothing()), as in the scheduler. */
const matches = (selector: LabelSelector | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && selectorMatches(selector, labels ?? {});

/** countPodsMatchSelector: the node's pods of the namespace, not terminating, that match. */
function countOn(node: NodeInfo, selector: LabelSelector | undefined, ns: string): number {
  let n = 0;
  for (const p of node.pods) {
    if (namespaceOf(p) !== ns || p.metadata.deletionTimestamp) continue;
    if (matches(selector, p.metadata.labels)) n++;
  }
  return n;
}

/** MatchNodeInclusionPolicies: node affinity honoured (the default), taints ignored (the default). */
function included(pod: Pod, node: NodeInfo, c: TopologySpreadConstraint): boolean {
  if ((c.nodeAffinityPolicy ?? 'Honor') === 'Honor' && !podMatchesNodeAffinity(pod, node.node))
    return false;
  if (c.nodeTaintsPolicy === 'Honor' && untoleratedTaint(node.taints, pod.spec.tolerations))
    return false;
  return true;
}

const hasKeys = (node: NodeInfo, cs: Constraint[]) =>
  cs.every(({ c }) => Object.hasOwn(node.labels, c.topologyKey));

/** Matching pods per domain (label value) of each constraint, over the nodes that count. */
function countsByDomain(pod: Pod, cs: Constraint[], nodes: NodeInfo[]): Map<string, number>[] {
  const counts = cs.map(() => new Map<string, number>());
  for (const node of nodes) {
    if (!hasKeys(node, cs)) continue;
    cs.forEach(({ c, selector }, i) => {
      if (!included(pod, node, c)) return;
      const value = node.labels[c.topologyKey]!;
      const m = counts[i]!;
      m.set(value, (m.get(value) ?? 0) + countOn(node, selector, namespaceOf(pod)));
    });
  }
  return counts;
}

export interface SpreadState {
  constraints: Constraint[];
  counts: Map<string, number>[];
}

/** PreFilter: the DoNotSchedule constraints and their counts (undefined: nothing to filter). */
export function topologySpreadPreFilter(pod: Pod, snapshot: Snapshot): SpreadState | undefined {
  const constraints = constraintsOf(pod, 'DoNotSchedule');
  if (constraints.length === 0) return undefined;
  return { constraints, counts: countsByDomain(pod, constraints, snapshot.nodes) };
}

/** Filter: the reason this node fails a constraint, and whether another node state could help. */
export function topologySpreadFilter(
  state: SpreadState | undefined,
  pod: Pod,
  node: NodeInfo,
): { reason: string; unresolvable: boolean } | undefined {
  if (!state) return undefined;
  for (const [i, { c, selector }] of state.constraints.entries()) {
    const value = node.labels[c.topologyKey];
    if (value === undefined) return { reason: REASON_SPREAD_LABEL, unresolvable: true };
    const counts = state.counts[i]!;
    const self = matches(selector, pod.metadata.labels) ? 1 : 0;
    // Fewer domains than minDomains: the emptiest is taken as 0.
    const min =
      c.minDomains !== undefined && counts.size < c.minDomains
        ? 0
        : Math.min(...(counts.size > 0 ? counts.values() : [0]));
    const skew = (counts.get(value) ?? 0) + self - min;
    if (skew > c.maxSkew) return { reason: REASON_SPREAD, unresolvable: false };
  }
  return undefined;
}

/**
 * Score: for each ScheduleAnyway constraint, the matching pods in the node's domain, weighted by
 * log(domains + 2), plus maxSkew - 1; normalized so the fewest score 100. Nodes missing a key
 * score 0. All 0 when the pod has no such constraint.
 */
export function topologySpreadScores(pod: Pod, feasible: NodeInfo[], snapshot: Snapshot): number[] {
  const cs = constraintsOf(pod, 'ScheduleAnyway');
  if (cs.length === 0) return feasible.map(() => 0);
  const counts = countsByDomain(pod, cs, snapshot.nodes);
  const scored = feasible.filter((n) => hasKeys(n, cs));
  const weights = cs.map(({ c }) => {
    const size =
      c.topologyKey === LABEL_HOSTNAME
        ? scored.length
        : new Set(scored.map((n) => n.labels[c.topologyKey])).size;
    return Math.log(size + 2);
  });
  const raw = feasible.map((node) => {
    if (!hasKeys(node, cs)) return undefined;
    let score = 0;
    cs.forEach(({ c, selector }, i) => {
      const cnt =
        c.topologyKey === LABEL_HOSTNAME
          ? countOn(node, selector, namespaceOf(pod))
          : (counts[i]!.get(node.labels[c.topologyKey]!) ?? 0);
      score += cnt * weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  const known = raw.filter((s): s is number => s !== undefined);
  const max = Math.max(0, ...known);
  const min = Math.min(...known);
  return raw.map((s) =>
    s === undefined ? 0 : max === 0 ? 100 : Math.trunc((100 * (max + min - s)) / max),
  );
}
