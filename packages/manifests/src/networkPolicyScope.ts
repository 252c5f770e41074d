// Which pods a NetworkPolicy isolates, and in which directions: the part of its semantics the
// dashboard shows as well as the data planes enforce.
import type { NetworkPolicy, Pod } from '@l4lab/protocol';
import { selectorMatches } from './validateMeta.ts';

/** The policy's directions: its policyTypes, or as the API server defaults them. */
export function policyTypesOf(p: NetworkPolicy): { ingress: boolean; egress: boolean } {
  const types = p.spec.policyTypes?.length
    ? p.spec.policyTypes
    : (p.spec.egress?.length ?? 0) > 0
      ? ['Ingress', 'Egress']
      : ['Ingress'];
  return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
}

/** The pods a policy applies to: its own namespace's, by its pod selector (`{}` is all of them). */
export function policySelects(p: NetworkPolicy, pod: Pod): boolean {
  return (
    (pod.metadata.namespace ?? 'default') === p.metadata.namespace &&
    !pod.spec.hostNetwork &&
    selectorMatches(p.spec.podSelector ?? {}, pod.metadata.labels)
  );
}

/** The policies isolating a pod, per direction (their names; empty lists: not isolated). */
export function podIsolation(
  policies: Iterable<NetworkPolicy>,
  pod: Pod,
): { ingress: NetworkPolicy[]; egress: NetworkPolicy[] } {
  const ingress: NetworkPolicy[] = [];
  const egress: NetworkPolicy[] = [];
  for (const p of policies) {
    if (!policySelects(p, pod)) continue;
    const t = policyTypesOf(p);
    if (t.ingress) ingress.push(p);
    if (t.egress) egress.push(p);
  }
  return { ingress, egress };
}
