// A Deployment's status as the deployment controller computes it (sync.go calculateStatus and
// progress.go syncRolloutStatus): counts summed over its ReplicaSets, Available and Progressing.
import type { Deployment, DeploymentCondition, ReplicaSet } from '@l4lab/protocol';
import { maxUnavailable } from './rollout.ts';

type Status = NonNullable<Deployment['status']>;

const sum = (rss: readonly ReplicaSet[], f: (rs: ReplicaSet) => number | undefined) =>
  rss.reduce((n, rs) => n + (f(rs) ?? 0), 0);

/** deploymentutil.DeploymentComplete. */
export function deploymentComplete(d: Deployment, s: Status): boolean {
  const replicas = d.spec.replicas ?? 1;
  return (
    s.updatedReplicas === replicas &&
    s.replicas === replicas &&
    s.availableReplicas === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1)
  );
}

function setCondition(
  conditions: DeploymentCondition[],
  next: DeploymentCondition,
  now: string,
): DeploymentCondition[] {
  const current = conditions.find((c) => c.type === next.type);
  // ReplicaSetUpdated is re-set on every step of progress, so its lastUpdateTime moves.
  const refresh = next.reason === 'ReplicaSetUpdated';
  if (
    current &&
    current.status === next.status &&
    current.reason === next.reason &&
    current.message === next.message &&
    !refresh
  ) {
    return conditions;
  }
  const condition: DeploymentCondition = {
    ...next,
    lastUpdateTime: now,
    lastTransitionTime:
      current && current.status === next.status ? (current.lastTransitionTime ?? now) : now,
  };
  return [...conditions.filter((c) => c.type !== next.type), condition];
}

export interface StatusInput {
  deployment: Deployment;
  all: readonly ReplicaSet[];
  newRS: ReplicaSet | undefined;
  /** The new ReplicaSet was created by this sync. */
  createdNewRS: boolean;
  now: string;
  /** ms since the Progressing condition was last updated (for progressDeadlineSeconds). */
  sinceProgress: number | undefined;
}

/** The status to store; conditions keep their times when nothing changed. */
export function computeDeploymentStatus(i: StatusInput): Status {
  const d = i.deployment;
  const replicas = d.spec.replicas ?? 1;
  const previous = d.status ?? {};
  const availableReplicas = sum(i.all, (rs) => rs.status?.availableReplicas);
  const counts = {
    observedGeneration: d.metadata.generation ?? 1,
    replicas: sum(i.all, (rs) => rs.status?.replicas),
    updatedReplicas: i.newRS?.status?.replicas ?? 0,
    readyReplicas: sum(i.all, (rs) => rs.status?.readyReplicas),
    availableReplicas,
    unavailableReplicas: Math.max(0, sum(i.all, (rs) => rs.spec.replicas) - availableReplicas),
  };
  let conditions = previous.conditions ?? [];
  const minimum = availableReplicas >= replicas - maxUnavailable(d);
  conditions = setCondition(
    conditions,
    minimum
      ? {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        }
      : {
          type: 'Available',
          status: 'False',
          reason: 'MinimumReplicasUnavailable',
          message: 'Deployment does not have minimum availability.',
        },
    i.now,
  );
  const rsName = i.newRS?.metadata.name ?? '';
  const progressing = progressingCondition(i, { ...previous, ...counts }, previous, rsName);
  if (progressing) conditions = setCondition(conditions, progressing, i.now);
  // getReplicaFailures: the new ReplicaSet's failure to create pods first, else an old one's.
  const failures = [...(i.newRS ? [i.newRS] : []), ...i.all].flatMap(
    (rs) => rs.status?.conditions?.filter((c) => c.type === 'ReplicaFailure') ?? [],
  );
  const failure = failures[0];
  conditions = failure
    ? setCondition(
        conditions,
        {
          type: 'ReplicaFailure',
          status: failure.status,
          ...(failure.reason ? { reason: failure.reason } : {}),
          ...(failure.message ? { message: failure.message } : {}),
        },
        i.now,
      )
    : conditions.filter((c) => c.type !== 'ReplicaFailure');
  const order = ['Available', 'Progressing', 'ReplicaFailure'];
  conditions = [...conditions].sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
  return { ...counts, conditions };
}

function progressingCondition(
  i: StatusInput,
  next: Status,
  previous: Status,
  rsName: string,
): DeploymentCondition | undefined {
  const current = previous.conditions?.find((c) => c.type === 'Progressing');
  const t = (reason: string, message: string): DeploymentCondition => ({
    type: 'Progressing',
    status: 'True',
    reason,
    message,
  });
  if (i.createdNewRS) return t('NewReplicaSetCreated', `Created new replica set "${rsName}"`);
  if (deploymentComplete(i.deployment, next)) {
    return t('NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`);
  }
  const moved =
    next.updatedReplicas !== previous.updatedReplicas ||
    next.replicas !== previous.replicas ||
    next.readyReplicas !== previous.readyReplicas ||
    next.availableReplicas !== previous.availableReplicas;
  if (!current) return t('FoundNewReplicaSet', `Found new replica set "${rsName}"`);
  if (moved) return t('ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`);
  const deadline = (i.deployment.spec.progressDeadlineSeconds ?? 600) * 1000;
  if (
    current.reason !== 'NewReplicaSetAvailable' &&
    i.sinceProgress !== undefined &&
    i.sinceProgress >= deadline
  ) {
    return {
      type: 'Progressing',
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${rsName}" has timed out progressing.`,
    };
  }
  return undefined;
}
