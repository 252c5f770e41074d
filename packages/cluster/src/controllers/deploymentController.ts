import type { Deployment, ReplicaSet, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, ownedBy, splitKey } from './types.ts';
import { podTemplateHash } from '../names.ts';
import { computeDeploymentStatus, deploymentComplete } from './deploymentStatus.ts';
import {
  byCreation,
  newReplicaSetReplicas,
  oldReplicaSetScaleDown,
  resolveFenceposts,
} from './rollout.ts';

const REVISION = 'deployment.kubernetes.io/revision';
/** The Deployment's annotations a new ReplicaSet does not copy (annotationsToSkip). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/**
 * SetNewReplicaSetAnnotations: the Deployment's own annotations (`kubernetes.io/change-cause`,
 * which `kubectl rollout history` shows), its revision, and the replica counts it was made for.
 */
function newReplicaSetAnnotations(d: Deployment, revision: number): Record<string, string> {
  const replicas = d.spec.replicas ?? 1;
  const surge = d.spec.strategy?.type === 'Recreate' ? 0 : resolveFenceposts(d).maxSurge;
  return {
    ...Object.fromEntries(
      Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)),
    ),
    [REVISION]: String(revision),
    'deployment.kubernetes.io/desired-replicas': String(replicas),
    'deployment.kubernetes.io/max-replicas': String(replicas + surge),
  };
}

/**
 * The Deployment controller: one ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`).
 * A template change rolls out like Kubernetes does: RollingUpdate scales the new ReplicaSet up within
 * `replicas + maxSurge` and the old ones down while `replicas - maxUnavailable` pods stay available,
 * one step per readiness change reported by the kubelet; Recreate scales the old ones to zero and
 * creates the new one once their pods are gone.
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly #ctx: ControllerContext;
  /** Pending progress-deadline checks, per deployment key. */
  readonly #deadlines = new Map<string, { cancel(): void }>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Deployment') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'ReplicaSet' || o.kind === 'Pod') {
      return this.#ownerDeployments(
        o.metadata.namespace ?? 'default',
        o.metadata.ownerReferences ?? [],
      );
    }
    return [];
  }

  #ownerDeployments(ns: string, refs: { kind: string; name: string }[]): string[] {
    const out: string[] = [];
    for (const r of refs) {
      if (r.kind === 'Deployment') out.push(`${ns}/${r.name}`);
      if (r.kind === 'ReplicaSet') {
        const rs = this.#ctx.store.get('ReplicaSet', ns, r.name);
        for (const rr of rs?.metadata.ownerReferences ?? []) {
          if (rr.kind === 'Deployment') out.push(`${ns}/${rr.name}`);
        }
      }
    }
    return out;
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const d = store.get('Deployment', ns, name);
    if (!d || d.metadata.deletionTimestamp) {
      this.#deadlines.get(key)?.cancel();
      this.#deadlines.delete(key);
      return;
    }
    const hash = podTemplateHash(d.spec.template);
    const owned = () => store.list('ReplicaSet', ns).filter((rs) => ownedBy(rs, d));
    let newRS = owned().find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    let created = false;
    if (!d.spec.paused) {
      const olds = owned().filter((rs) => rs !== newRS);
      if (d.spec.strategy?.type === 'Recreate') {
        for (const rs of olds) this.#scale(rs, 0);
        const oldPods = store
          .list('Pod', ns)
          .some(
            (p) =>
              olds.some((rs) => ownedBy(p, rs)) &&
              p.status?.phase !== 'Failed' &&
              p.status?.phase !== 'Succeeded',
          );
        if (!oldPods) {
          if (!newRS)
            [newRS, created] = [this.#createReplicaSet(d, hash, d.spec.replicas ?? 1), true];
          else newRS = this.#scale(newRS, d.spec.replicas ?? 1);
        }
      } else {
        const target = newReplicaSetReplicas(d, owned(), newRS);
        if (!newRS) [newRS, created] = [this.#createReplicaSet(d, hash, target), true];
        else newRS = this.#scale(newRS, target);
        const oldNow = owned().filter((rs) => rs.metadata.name !== newRS?.metadata.name);
        for (const [rsName, replicas] of oldReplicaSetScaleDown(d, oldNow, newRS)) {
          const rs = store.get('ReplicaSet', ns, rsName);
          if (rs) this.#scale(rs, replicas);
        }
      }
      if (newRS && !created) newRS = this.#ensureNewestRevision(d, newRS);
    }
    this.#updateStatus(key, d, newRS, created);
  }

  #scale(rs: ReplicaSet, replicas: number): ReplicaSet {
    if (rs.spec.replicas === replicas) return rs;
    const scaled = this.#ctx.store.put({
      ...rs,
      metadata: { ...rs.metadata, generation: (rs.metadata.generation ?? 1) + 1 },
      spec: { ...rs.spec, replicas },
    });
    const owner = rs.metadata.ownerReferences?.find((r) => r.controller);
    const d = owner && this.#ctx.store.get('Deployment', rs.metadata.namespace, owner.name);
    if (d) {
      const how = replicas > rs.spec.replicas ? 'up' : 'down';
      this.#ctx.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${how} replica set ${rs.metadata.name} from ${rs.spec.replicas} to ${replicas}`,
        { component: 'deployment-controller' },
      );
    }
    return scaled;
  }

  /** A rollback to an older template makes that ReplicaSet the newest revision again. */
  #ensureNewestRevision(d: Deployment, rs: ReplicaSet): ReplicaSet {
    const own = Number(rs.metadata.annotations?.[REVISION] ?? 0);
    const others = this.#ctx.store
      .list('ReplicaSet', d.metadata.namespace)
      .filter((o) => ownedBy(o, d) && o.metadata.name !== rs.metadata.name);
    const othersMax = Math.max(
      0,
      ...others.map((o) => Number(o.metadata.annotations?.[REVISION] ?? 0)),
    );
    if (own > othersMax) return rs;
    return this.#ctx.store.put({
      ...rs,
      metadata: {
        ...rs.metadata,
        annotations: { ...rs.metadata.annotations, [REVISION]: String(othersMax + 1) },
      },
    });
  }

  #createReplicaSet(d: Deployment, hash: string, replicas: number): ReplicaSet {
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    const rs = this.#ctx.store.put<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: this.#ctx.newUid(),
        generation: 1,
        creationTimestamp: this.#ctx.nowIso(),
        labels,
        annotations: newReplicaSetAnnotations(d, this.#revision(d) + 1),
        ownerReferences: [controllerRef(d)],
      },
      spec: {
        replicas,
        ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        selector: {
          ...d.spec.selector,
          matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash },
        },
        template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
      },
      status: { replicas: 0 },
    });
    if (replicas > 0) {
      this.#ctx.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
        { component: 'deployment-controller' },
      );
    }
    return rs;
  }

  #revision(d: Deployment): number {
    let max = 0;
    for (const rs of this.#ctx.store.list('ReplicaSet', d.metadata.namespace)) {
      if (ownedBy(rs, d)) max = Math.max(max, Number(rs.metadata.annotations?.[REVISION] ?? 0));
    }
    return max;
  }

  /**
   * SetDeploymentRevision: the Deployment carries its newest ReplicaSet's revision, what
   * `kubectl rollout history` and `kubectl rollout undo` read.
   */
  #syncRevision(d: Deployment, newRS: ReplicaSet | undefined): void {
    const { store } = this.#ctx;
    const rs = newRS && store.get('ReplicaSet', d.metadata.namespace, newRS.metadata.name);
    const revision = rs?.metadata.annotations?.[REVISION];
    const fresh = store.get('Deployment', d.metadata.namespace, d.metadata.name);
    if (!revision || !fresh || fresh.metadata.annotations?.[REVISION] === revision) return;
    store.put({
      ...fresh,
      metadata: {
        ...fresh.metadata,
        annotations: { ...fresh.metadata.annotations, [REVISION]: revision },
      },
    });
  }

  #updateStatus(key: string, d: Deployment, newRS: ReplicaSet | undefined, created: boolean): void {
    const { store, clock } = this.#ctx;
    this.#syncRevision(d, newRS);
    const all = store.list('ReplicaSet', d.metadata.namespace).filter((rs) => ownedBy(rs, d));
    this.#cleanupHistory(d, all, newRS);
    const progress = d.status?.conditions?.find((c) => c.type === 'Progressing');
    const since = progress?.lastUpdateTime ? Date.parse(progress.lastUpdateTime) : undefined;
    const status = computeDeploymentStatus({
      deployment: d,
      all: store.list('ReplicaSet', d.metadata.namespace).filter((rs) => ownedBy(rs, d)),
      newRS: newRS && store.get('ReplicaSet', d.metadata.namespace, newRS.metadata.name),
      createdNewRS: created,
      now: this.#ctx.nowIso(),
      sinceProgress: since === undefined ? undefined : clock.now() - since,
    });
    const fresh = store.get('Deployment', d.metadata.namespace, d.metadata.name);
    if (fresh && JSON.stringify(status) !== JSON.stringify(fresh.status)) {
      store.put({ ...fresh, status });
    }
    this.#scheduleDeadline(key, d, status);
  }

  /** Re-checks the rollout when progressDeadlineSeconds pass without progress. */
  #scheduleDeadline(key: string, d: Deployment, status: NonNullable<Deployment['status']>): void {
    this.#deadlines.get(key)?.cancel();
    this.#deadlines.delete(key);
    const progress = status.conditions?.find((c) => c.type === 'Progressing');
    if (!progress || progress.status !== 'True' || deploymentComplete(d, status)) return;
    const since = Date.parse(progress.lastUpdateTime ?? '');
    const deadline = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const wait = Math.max(0, since + deadline - this.#ctx.clock.now());
    this.#deadlines.set(
      key,
      this.#ctx.clock.setTimeout(() => {
        this.#deadlines.delete(key);
        this.#ctx.enqueue(this.name, key);
      }, wait),
    );
  }

  /** revisionHistoryLimit: old ReplicaSets scaled to zero beyond the limit are deleted, oldest first. */
  #cleanupHistory(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = byCreation(
      all.filter(
        (rs) =>
          rs.metadata.name !== newRS?.metadata.name &&
          rs.spec.replicas === 0 &&
          (rs.status?.replicas ?? 0) === 0,
      ),
    );
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.#ctx.deleteObject(rs);
  }
}
