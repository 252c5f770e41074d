// The arithmetic of a Deployment rollout (pkg/controller/deployment/util and rolling.go), as pure
// functions over ReplicaSet specs and statuses, so the controller stays a thin loop around them.
import type { Deployment, ReplicaSet } from '@l4lab/protocol';

/**
 * intstr.GetScaledValueFromIntOrPercent: a number as is, `"25%"` of `total` rounded up (maxSurge)
 * or down (maxUnavailable).
 */
export function scaledValue(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number.isInteger(Number(value)) ? Number(value) : 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * deploymentutil.ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and both zero
 * would block the rollout, so maxUnavailable becomes 1.
 */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = scaledValue(ru?.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

/** deploymentutil.MaxUnavailable: what the Available condition allows to be missing. */
export function maxUnavailable(d: Deployment): number {
  if (d.spec.strategy?.type === 'Recreate' || (d.spec.replicas ?? 1) === 0) return 0;
  return resolveFenceposts(d).maxUnavailable;
}

const specReplicas = (rss: readonly ReplicaSet[]) => rss.reduce((n, rs) => n + rs.spec.replicas, 0);
const available = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;

/** Oldest first, then by name (controller.ReplicaSetsByCreationTimestamp). */
export function byCreation(rss: readonly ReplicaSet[]): ReplicaSet[] {
  return [...rss].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

/**
 * deploymentutil.NewRSNewReplicas for RollingUpdate: scale the new ReplicaSet up as far as
 * `replicas + maxSurge` pods in total allows, never beyond `replicas`.
 */
export function newReplicaSetReplicas(
  d: Deployment,
  all: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): number {
  const replicas = d.spec.replicas ?? 1;
  const current = newRS?.spec.replicas ?? 0;
  if (current >= replicas) return replicas;
  const { maxSurge } = resolveFenceposts(d);
  const total = specReplicas(all);
  const maxTotal = replicas + maxSurge;
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, replicas - current);
}

/**
 * rolling.go reconcileOldReplicaSets: how far each old ReplicaSet may shrink now without the
 * available pods falling below `replicas - maxUnavailable`. Unhealthy old pods go first
 * (cleanupUnhealthyReplicas), then available ones, oldest ReplicaSet first. Returns name -> replicas.
 */
export function oldReplicaSetScaleDown(
  d: Deployment,
  oldRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  if (specReplicas(oldRSs) === 0) return out;
  const all = newRS ? [...oldRSs, newRS] : [...oldRSs];
  const replicas = d.spec.replicas ?? 1;
  const minAvailable = replicas - resolveFenceposts(d).maxUnavailable;
  const newUnavailable = newRS ? newRS.spec.replicas - available(newRS) : 0;
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;
  const sorted = byCreation(oldRSs);
  const target = new Map(sorted.map((rs) => [rs.metadata.name, rs.spec.replicas]));
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = rs.spec.replicas - available(rs);
    if (unhealthy <= 0) continue;
    const n = Math.min(maxScaledDown - cleaned, unhealthy);
    target.set(rs.metadata.name, rs.spec.replicas - n);
    cleaned += n;
  }
  const availableNow = all.reduce((n, rs) => n + available(rs), 0);
  let budget = availableNow - minAvailable;
  for (const rs of sorted) {
    if (budget <= 0) break;
    const current = target.get(rs.metadata.name) ?? 0;
    if (current === 0) continue;
    const n = Math.min(current, budget);
    target.set(rs.metadata.name, current - n);
    budget -= n;
  }
  for (const rs of sorted) {
    const t = target.get(rs.metadata.name)!;
    if (t !== rs.spec.replicas) out.set(rs.metadata.name, t);
  }
  return out;
}
