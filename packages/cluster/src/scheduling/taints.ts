// Taints and tolerations (k8s.io/api/core/v1's ToleratesTaint and the TaintToleration plugin).
import type { Node, Pod, Taint, TaintEffect, Toleration } from '@l4lab/protocol';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
/** A node said to be down for good: its Terminating pods are deleted (pod GC). */
export const TAINT_OUT_OF_SERVICE = 'node.kubernetes.io/out-of-service';

/** Toleration.ToleratesTaint: an empty key with Exists tolerates every taint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export function tolerated(tolerations: Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/**
 * The node's taints as the scheduler sees them: its own, and the one the node lifecycle
 * controller puts on a node whose Ready condition is not True (TaintNodesByCondition:
 * `not-ready` when False, `unreachable` when Unknown), so pods stay off a stopped node.
 */
export function effectiveTaints(node: Node): Taint[] {
  const taints = [...(node.spec.taints ?? [])];
  const ready = node.status.conditions.find((c) => c.type === 'Ready')?.status;
  if (ready !== 'True') {
    const key = ready === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) {
      taints.push({ key, effect: 'NoSchedule' });
    }
  }
  return taints;
}

const DO_NOT_SCHEDULE: ReadonlySet<TaintEffect> = new Set(['NoSchedule', 'NoExecute']);

/** FindMatchingUntoleratedTaint: the first NoSchedule or NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(
  taints: Taint[],
  tolerations: Toleration[] | undefined,
): Taint | undefined {
  return taints.find((t) => DO_NOT_SCHEDULE.has(t.effect) && !tolerated(tolerations, t));
}

/** The TaintToleration score's count: PreferNoSchedule taints the pod does not tolerate. */
export function intolerablePreferNoSchedule(
  taints: Taint[],
  tolerations: Toleration[] | undefined,
): number {
  // Only tolerations with no effect or PreferNoSchedule count here (getAllTolerationPreferNoSchedule).
  const soft = (tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return taints.filter((t) => t.effect === 'PreferNoSchedule' && !tolerated(soft, t)).length;
}

/**
 * The DefaultTolerationSeconds admission plugin, on a new pod: unless it already tolerates them,
 * it tolerates the NoExecute taints of a node gone not-ready or unreachable for `seconds` (the
 * API server's 300 by default; l4lab's `--pod-eviction-timeout`, 10), after which it is evicted.
 */
export function addDefaultTolerations(spec: Pod['spec'], seconds: number): void {
  const add = [TAINT_NOT_READY, TAINT_UNREACHABLE]
    .filter((key) => !toleratesNodeTaint(spec, key))
    .map((key): Toleration => ({
      key,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: seconds,
    }));
  if (add.length > 0) spec.tolerations = [...(spec.tolerations ?? []), ...add];
}

/**
 * An update of a pod (`kubectl apply` of its file again) keeps what the admission plugin added:
 * its tolerations of a not-ready or unreachable node, unless the new spec tolerates those itself.
 */
export function keepDefaultTolerations(next: Pod['spec'], stored: Pod['spec']): void {
  const kept = (stored.tolerations ?? []).filter(
    (t) =>
      (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE) &&
      t.operator === 'Exists' &&
      t.effect === 'NoExecute' &&
      !toleratesNodeTaint(next, t.key),
  );
  if (kept.length > 0) next.tolerations = [...(next.tolerations ?? []), ...kept];
}

/** Whether the spec already tolerates this NoExecute node taint (the plugin's own test). */
function toleratesNodeTaint(spec: Pod['spec'], key: string): boolean {
  return (spec.tolerations ?? []).some(
    (t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect),
  );
}
