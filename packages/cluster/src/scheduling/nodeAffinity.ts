// nodeSelector and node affinity (component-helpers' nodeaffinity package and the NodeAffinity
// plugin): terms are ORed, the requirements of a term ANDed, an empty term matches no node.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '@l4lab/protocol';

const INTEGER = /^[+-]?\d+$/;

/** A label requirement; a malformed one (In without values, Gt on a word) matches nothing. */
function requirementMatches(r: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return values.length > 0 && has && values.includes(value!);
    case 'NotIn':
      return values.length > 0 && !(has && values.includes(value!));
    case 'Exists':
      return values.length === 0 && has;
    case 'DoesNotExist':
      return values.length === 0 && !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !INTEGER.test(values[0]!) || !has || !INTEGER.test(value!))
        return false;
      const [label, bound] = [Number(value), Number(values[0])];
      return r.operator === 'Gt' ? label > bound : label < bound;
    }
    default:
      return false;
  }
}

/** matchFields: only `metadata.name`, as the API allows. */
function fieldMatches(r: NodeSelectorRequirement, node: Node): boolean {
  if (r.key !== 'metadata.name' || (r.operator !== 'In' && r.operator !== 'NotIn')) return false;
  return requirementMatches(r, { 'metadata.name': node.metadata.name });
}

export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => fieldMatches(r, node))
  );
}

/** The NodeAffinity filter: the pod's nodeSelector, then its required node affinity. */
export function podMatchesNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[k] !== v) return false;
  }
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => nodeSelectorTermMatches(t, node));
}

/**
 * NodeAffinity's PreFilter: when every required term names nodes (`matchFields` metadata.name
 * In), only those nodes are worth filtering; `conflict` when the terms leave none.
 */
export function nodeNamesFromAffinity(pod: Pod): Set<string> | 'conflict' | undefined {
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return undefined;
  let names: Set<string> | undefined;
  for (const term of required.nodeSelectorTerms ?? []) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const values = new Set(r.values ?? []);
      // Requirements of one term are ANDed: the term names the intersection.
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    // A term that names no node leaves every node possible (terms are ORed).
    if (!termNames) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names?.size === 0 ? 'conflict' : names;
}

/** NodeAffinity's score: the summed weights of the preferred terms the node matches. */
export function preferredNodeAffinityScore(pod: Pod, node: Node): number {
  const preferred =
    pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  let score = 0;
  for (const p of preferred) {
    if (p.weight && nodeSelectorTermMatches(p.preference, node)) score += p.weight;
  }
  return score;
}
