// Inter-pod affinity and anti-affinity (the InterPodAffinity plugin): which pods a term selects,
// the counts its PreFilter takes per topology domain (a node label's key and value), its Filter
// and its Score. Pods already on nodes count with their own terms too (existing anti-affinity).
import type { LabelSelector, Pod, PodAffinityTerm } from '@l4lab/protocol';
import { selectorMatches } from '../selectors.ts';
import type { NodeInfo, Snapshot } from './nodeInfo.ts';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY =
  "node(s) didn't satisfy existing pods anti-affinity rules";

/** A term read against the pod that wrote it (its namespace, its labels for matchLabelKeys). */
interface Term {
  selector: LabelSelector | undefined;
  namespaces: Set<string>;
  namespaceSelector: LabelSelector | undefined;
  topologyKey: string;
  weight: number;
}

const namespaceOf = (p: Pod) => p.metadata.namespace ?? 'default';

/**
 * The term as the API server stores it: matchLabelKeys / mismatchLabelKeys become In / NotIn
 * requirements on the owner's own label values; no namespaces and no namespaceSelector mean the
 * owner's namespace.
 */
function resolveTerm(owner: Pod, t: PodAffinityTerm, weight = 1): Term {
  const labels = owner.metadata.labels ?? {};
  let selector = t.labelSelector;
  const extra = [
    ...(t.matchLabelKeys ?? []).map((key) => ({ key, operator: 'In' })),
    ...(t.mismatchLabelKeys ?? []).map((key) => ({ key, operator: 'NotIn' })),
  ].filter((r) => Object.hasOwn(labels, r.key));
  if (selector && extra.length > 0) {
    const more = extra.map((r) => ({ ...r, values: [labels[r.key]!] }));
    selector = { ...selector, matchExpressions: [...(selector.matchExpressions ?? []), ...more] };
  }
  const own = !t.namespaces?.length && !t.namespaceSelector;
  return {
    selector,
    namespaces: new Set(own ? [namespaceOf(owner)] : (t.namespaces ?? [])),
    namespaceSelector: t.namespaceSelector,
    topologyKey: t.topologyKey,
    weight,
  };
}

/** The term selects this pod: its namespace is one of the term's, and its labels match. */
function termMatches(term: Term, pod: Pod, snapshot: Snapshot): boolean {
  const ns = namespaceOf(pod);
  const inNamespace =
    term.namespaces.has(ns) ||
    (term.namespaceSelector !== undefined &&
      selectorMatches(term.namespaceSelector, snapshot.namespaceLabels.get(ns)));
  // A term without a labelSelector selects no pod (metav1's nil selector is labels.Nothing()).
  return (
    inNamespace &&
    term.selector !== undefined &&
    selectorMatches(term.selector, pod.metadata.labels)
  );
}

function allTermsMatch(terms: Term[], pod: Pod, snapshot: Snapshot): boolean {
  return terms.length > 0 && terms.every((t) => termMatches(t, pod, snapshot));
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;

function bump(counts: Map<string, number>, node: NodeInfo, key: string, by = 1): void {
  const value = node.labels[key];
  if (value === undefined) return;
  counts.set(pair(key, value), (counts.get(pair(key, value)) ?? 0) + by);
}

function requiredTerms(p: Pod, kind: 'podAffinity' | 'podAntiAffinity'): Term[] {
  const terms = p.spec.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms.map((t) => resolveTerm(p, t));
}

function preferredTerms(p: Pod, kind: 'podAffinity' | 'podAntiAffinity'): Term[] {
  const terms = p.spec.affinity?.[kind]?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return terms.map((w) => resolveTerm(p, w.podAffinityTerm, w.weight));
}

export interface AffinityState {
  pod: Pod;
  affinity: Term[];
  antiAffinity: Term[];
  /** Existing pods matching all the pod's affinity terms, per topology domain. */
  affinityCounts: Map<string, number>;
  /** Existing pods matching one of the pod's anti-affinity terms, per topology domain. */
  antiAffinityCounts: Map<string, number>;
  /** Existing pods whose own anti-affinity terms select the pod, per topology domain. */
  existingAntiAffinityCounts: Map<string, number>;
}

/** InterPodAffinity's PreFilter: the counts the Filter reads, over every pod on every node. */
export function interPodAffinityPreFilter(pod: Pod, snapshot: Snapshot): AffinityState {
  const state: AffinityState = {
    pod,
    affinity: requiredTerms(pod, 'podAffinity'),
    antiAffinity: requiredTerms(pod, 'podAntiAffinity'),
    affinityCounts: new Map(),
    antiAffinityCounts: new Map(),
    existingAntiAffinityCounts: new Map(),
  };
  for (const node of snapshot.nodes) {
    for (const existing of node.pods) {
      if (allTermsMatch(state.affinity, existing, snapshot)) {
        for (const t of state.affinity) bump(state.affinityCounts, node, t.topologyKey);
      }
      for (const t of state.antiAffinity) {
        if (termMatches(t, existing, snapshot)) bump(state.antiAffinityCounts, node, t.topologyKey);
      }
      for (const t of requiredTerms(existing, 'podAntiAffinity')) {
        if (termMatches(t, pod, snapshot))
          bump(state.existingAntiAffinityCounts, node, t.topologyKey);
      }
    }
  }
  return state;
}

/**
 * satisfyPodAffinity: every term's domain on this node holds a matching pod, and the node has
 * every term's topology label. The first pod of a group that selects itself may go anywhere
 * when no pod matches yet, or it would stay Pending forever.
 */
function satisfiesAffinity(state: AffinityState, node: NodeInfo, snapshot: Snapshot): boolean {
  let podsExist = true;
  for (const t of state.affinity) {
    const value = node.labels[t.topologyKey];
    if (value === undefined) return false;
    if ((state.affinityCounts.get(pair(t.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return state.affinityCounts.size === 0 && allTermsMatch(state.affinity, state.pod, snapshot);
}

function satisfiesAntiAffinity(state: AffinityState, node: NodeInfo): boolean {
  return state.antiAffinity.every((t) => {
    const value = node.labels[t.topologyKey];
    return (
      value === undefined || (state.antiAffinityCounts.get(pair(t.topologyKey, value)) ?? 0) <= 0
    );
  });
}

function satisfiesExistingAntiAffinity(state: AffinityState, node: NodeInfo): boolean {
  return Object.entries(node.labels).every(
    ([k, v]) => (state.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) <= 0,
  );
}

/** InterPodAffinity's Filter: the reason the node fails, and whether preemption could help. */
export function interPodAffinityFilter(
  state: AffinityState,
  node: NodeInfo,
  snapshot: Snapshot,
): { reason: string; unresolvable: boolean } | undefined {
  if (!satisfiesAffinity(state, node, snapshot))
    return { reason: REASON_AFFINITY, unresolvable: true };
  if (!satisfiesAntiAffinity(state, node))
    return { reason: REASON_ANTI_AFFINITY, unresolvable: false };
  if (!satisfiesExistingAntiAffinity(state, node))
    return { reason: REASON_EXISTING_ANTI_AFFINITY, unresolvable: false };
  return undefined;
}

/** kube-scheduler's hardPodAffinityWeight: an existing pod's required affinity, as a preference. */
const HARD_POD_AFFINITY_WEIGHT = 1;

/**
 * InterPodAffinity's Score before normalizing: per topology domain, the weights of the preferred
 * terms (the pod's and, symmetrically, the existing pods') that select a pod there; affinity adds,
 * anti-affinity subtracts. A node scores the sum over the domains it is in.
 */
export function interPodAffinityScores(
  pod: Pod,
  candidates: NodeInfo[],
  snapshot: Snapshot,
): number[] {
  const preferred = preferredTerms(pod, 'podAffinity');
  const preferredAnti = preferredTerms(pod, 'podAntiAffinity');
  const domains = new Map<string, number>();
  for (const node of snapshot.nodes) {
    for (const existing of node.pods) {
      const add = (terms: Term[], target: Pod, sign: number) => {
        for (const t of terms) {
          if (termMatches(t, target, snapshot)) bump(domains, node, t.topologyKey, sign * t.weight);
        }
      };
      add(preferred, existing, 1);
      add(preferredAnti, existing, -1);
      const hard = requiredTerms(existing, 'podAffinity').map((t) => ({
        ...t,
        weight: HARD_POD_AFFINITY_WEIGHT,
      }));
      add(hard, pod, 1);
      add(preferredTerms(existing, 'podAffinity'), pod, 1);
      add(preferredTerms(existing, 'podAntiAffinity'), pod, -1);
    }
  }
  return candidates.map((node) =>
    Object.entries(node.labels).reduce((sum, [k, v]) => sum + (domains.get(pair(k, v)) ?? 0), 0),
  );
}
