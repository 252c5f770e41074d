import type { Pod, ReplicaSet, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';
import { adoptPod, createOwnedPod, readySince, releasePod, waitingFor } from './podOwnership.ts';
import { isPodActive, isPodReady } from '../podStatus.ts';
import { selectorMatches } from '../selectors.ts';

const COMPONENT = { component: 'replicaset-controller' };

/**
 * The ReplicaSet controller, for the Deployment's ReplicaSets and for those users write: claims
 * the active pods of its namespace that its selector matches (its own, and orphans, which it
 * adopts, as the docs' pod-rs example shows), releases its pods whose labels no longer match, and
 * keeps `replicas` of them, creating pods named `<replicaset>-<5 random chars>` from the template
 * or deleting the least useful ones.
 */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    const ns = o.metadata.namespace ?? 'default';
    if (o.kind === 'ReplicaSet') return [`${ns}/${o.metadata.name}`];
    if (o.kind === 'ServiceAccount') return waitingFor(this.#ctx.store, 'ReplicaSet', event);
    if (o.kind !== 'Pod') return [];
    const owner = o.metadata.ownerReferences?.find((r) => r.controller);
    if (owner) return owner.kind === 'ReplicaSet' ? [`${ns}/${owner.name}`] : [];
    // An orphan: every ReplicaSet that may adopt it (getPodReplicaSets).
    if (event.type === 'DELETED') return [];
    return this.#ctx.store
      .list('ReplicaSet', ns)
      .filter((rs) => selectorMatches(rs.spec.selector, o.metadata.labels))
      .map((rs) => `${ns}/${rs.metadata.name}`);
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const rs = store.get('ReplicaSet', ns, name);
    if (!rs) return;
    const active = this.#claimPods(rs);
    const diff = rs.spec.replicas - active.length;
    // The API server refusing one (a missing ServiceAccount): no more this time (slowStartBatch).
    let refused: string | undefined;
    for (let i = 0; i < diff && refused === undefined; i++) refused = this.#createPod(rs);
    if (diff < 0) {
      for (const p of podsToDelete(active, -diff)) {
        this.#ctx.deletePod(ns, p.metadata.name);
        this.#ctx.events.record(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${p.metadata.name}`,
          COMPONENT,
        );
      }
    }
    this.#updateStatus(key, rs, refused);
  }

  /**
   * PodControllerRefManager.ClaimPods over the namespace's active pods: ours that still match,
   * orphans that match (adopted: they get our controller reference), and ours that no longer
   * match let go. Pods of another controller are never touched.
   */
  #claimPods(rs: ReplicaSet): Pod[] {
    const { store } = this.#ctx;
    const uid = rs.metadata.uid;
    const claimed: Pod[] = [];
    for (const p of store.list('Pod', rs.metadata.namespace)) {
      if (!isPodActive(p)) continue;
      const owner = p.metadata.ownerReferences?.find((r) => r.controller);
      if (owner && owner.uid !== uid) continue;
      const matches = selectorMatches(rs.spec.selector, p.metadata.labels);
      if (owner && !matches) releasePod(this.#ctx.store, p);
      else if (matches) claimed.push(owner ? p : adoptPod(this.#ctx.store, rs, p));
    }
    return claimed;
  }

  /**
   * The status from the pods; `refused`: why the API server refused a pod this time, kept as the
   * ReplicaFailure condition (`FailedCreate`) until a sync creates what it needs.
   */
  #updateStatus(key: string, rs: ReplicaSet, refused: string | undefined): void {
    const { store } = this.#ctx;
    const uid = rs.metadata.uid;
    const pods = store
      .list('Pod', rs.metadata.namespace)
      .filter(
        (p) =>
          isPodActive(p) && p.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid),
      );
    const minReady = (rs.spec.minReadySeconds ?? 0) * 1000;
    const now = this.#ctx.clock.now();
    let nextCheck = Infinity;
    const isAvailable = (p: Pod) => {
      if (!isPodReady(p)) return false;
      const since = readySince(p);
      if (minReady === 0 || since === undefined || now - since >= minReady) return true;
      nextCheck = Math.min(nextCheck, since + minReady - now);
      return false;
    };
    const templateLabels = rs.spec.template.metadata?.labels ?? {};
    const status = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) =>
        Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
      ).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter(isAvailable).length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    const failure = rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    const conditions =
      refused === undefined
        ? undefined
        : [
            failure ?? {
              type: 'ReplicaFailure' as const,
              status: 'True' as const,
              lastTransitionTime: this.#ctx.nowIso(),
              reason: 'FailedCreate',
              message: refused,
            },
          ];
    if (conditions) Object.assign(status, { conditions });
    // minReadySeconds: look again when the next ready pod has been ready long enough.
    if (nextCheck !== Infinity) {
      this.#ctx.clock.setTimeout(() => this.#ctx.enqueue(this.name, key), nextCheck);
    }
    const fresh = store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    if (fresh && JSON.stringify(fresh.status) !== JSON.stringify(status)) {
      store.put({ ...fresh, status });
    }
  }

  /** Makes one pod; why the API server refused it, if it did. */
  #createPod(rs: ReplicaSet): string | undefined {
    const template = structuredClone(rs.spec.template);
    const made = createOwnedPod(this.#ctx, rs, COMPONENT.component, {
      prefix: `${rs.metadata.name}-`,
      labels: template.metadata?.labels ?? {},
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      spec: template.spec,
    });
    return typeof made === 'string' ? undefined : made.refused;
  }
}

/** A pod's phase as ActivePods orders it: Pending, then Unknown, then Running. */
const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * getPodsToDelete (controller.ActivePods): the least useful first: not yet on a node, then
 * Pending before Unknown before Running, not ready before ready, more restarts, then the newest.
 */
export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  const restarts = (p: Pod) =>
    (p.status?.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);
  const sorted = [...pods].sort(
    (a, b) =>
      Number(!!a.spec.nodeName) - Number(!!b.spec.nodeName) ||
      (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) -
        (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0) ||
      Number(isPodReady(a)) - Number(isPodReady(b)) ||
      restarts(b) - restarts(a) ||
      (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
  );
  return sorted.slice(0, count);
}
