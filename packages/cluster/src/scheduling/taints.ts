// Taints and tolerations (k8s.io/api/core/v1's ToleratesTaint and the TaintToleration plugin).
import type { Node, Taint, TaintEffect, Toleration } from '@l4lab/protocol';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

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
