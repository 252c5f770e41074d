// The eviction subresource's admission (pkg/registry/core/pod/storage/eviction.go): a pod is
// evicted if its PodDisruptionBudget allows one more disruption, which the eviction then takes.
import type { Pod, PodDisruptionBudget } from '@l4lab/protocol';
import { isPodReady } from './podStatus.ts';
import { podsOfBudget } from './controllers/disruptionController.ts';

export type EvictionDecision =
  /** Evict; `budget`: the PDB with the disruption taken, to store first. */
  | { ok: true; budget?: PodDisruptionBudget }
  | {
      ok: false;
      code: 429 | 500;
      reason: 'TooManyRequests' | 'InternalError';
      message: string;
      causes?: { reason?: string; message: string }[];
      /** The budget is not counted yet: the client may try again after this long. */
      retryAfterSeconds?: number;
    };

const VIOLATES = "Cannot evict pod as it would violate the pod's disruption budget.";

/**
 * Whether `pod` may be evicted now, against the budgets of its namespace. A pod that is not
 * running yet or has ended, or is already going, is evicted whatever the budget says; an unhealthy
 * pod (not Ready) is evicted without taking a disruption while its budget is met (or always, with
 * `unhealthyPodEvictionPolicy: AlwaysAllow`); otherwise the budget must allow a disruption.
 */
export function decideEviction(
  pod: Pod,
  budgets: readonly PodDisruptionBudget[],
  nowIso: string,
): EvictionDecision {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') return { ok: true };
  if (pod.metadata.deletionTimestamp) return { ok: true };
  const mine = budgets.filter((b) => podsOfBudget(b, [pod]).length > 0);
  if (mine.length === 0) return { ok: true };
  if (mine.length > 1)
    return {
      ok: false,
      code: 500,
      reason: 'InternalError',
      // errors.NewInternalError
      message:
        'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      causes: [
        {
          message:
            'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
        },
      ],
    };
  const pdb = mine[0]!;
  const status = pdb.status;
  if (!isPodReady(pod)) {
    if (pdb.spec.unhealthyPodEvictionPolicy === 'AlwaysAllow') return { ok: true };
    if (status && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0)
      return { ok: true };
  }
  const refused = (cause: string, retryAfterSeconds?: number): EvictionDecision => ({
    ok: false,
    code: 429,
    reason: 'TooManyRequests',
    message: VIOLATES,
    causes: [{ reason: 'DisruptionBudget', message: cause }],
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });
  if (!status || (status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1))
    return refused(
      `The disruption budget ${pdb.metadata.name} is still being processed by the server.`,
      10,
    );
  if (status.disruptionsAllowed <= 0)
    return refused(
      `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
    );
  return {
    ok: true,
    budget: {
      ...pdb,
      status: {
        ...status,
        disruptionsAllowed: status.disruptionsAllowed - 1,
        disruptedPods: { ...status.disruptedPods, [pod.metadata.name]: nowIso },
      },
    },
  };
}
