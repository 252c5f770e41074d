import { applyDefaults } from '@l4lab/manifests';
import type { Pod, ReplicaSet, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, splitKey } from './types.ts';
import { randomSuffix } from '../names.ts';
import { podQOSClass } from '../podQOS.ts';
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
    for (let i = 0; i < diff; i++) this.#createPod(rs);
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
    this.#updateStatus(key, rs);
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
      if (owner && !matches) this.#release(p);
      else if (matches) claimed.push(owner ? p : this.#adopt(rs, p));
    }
    return claimed;
  }

  #adopt(rs: ReplicaSet, p: Pod): Pod {
    const refs = [...(p.metadata.ownerReferences ?? []), controllerRef(rs)];
    return this.#ctx.store.put<Pod>({ ...p, metadata: { ...p.metadata, ownerReferences: refs } });
  }

  #release(p: Pod): void {
    const { ownerReferences, ...meta } = p.metadata;
    const kept = (ownerReferences ?? []).filter((r) => !r.controller);
    this.#ctx.store.put<Pod>({
      ...p,
      metadata: kept.length ? { ...meta, ownerReferences: kept } : meta,
    });
  }

  #updateStatus(key: string, rs: ReplicaSet): void {
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
    // minReadySeconds: look again when the next ready pod has been ready long enough.
    if (nextCheck !== Infinity) {
      this.#ctx.clock.setTimeout(() => this.#ctx.enqueue(this.name, key), nextCheck);
    }
    const fresh = store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    if (fresh && JSON.stringify(fresh.status) !== JSON.stringify(status)) {
      store.put({ ...fresh, status });
    }
  }

  #createPod(rs: ReplicaSet): void {
    const { store } = this.#ctx;
    let name: string;
    do name = `${rs.metadata.name}-${randomSuffix(5, this.#ctx.random)}`;
    while (store.get('Pod', rs.metadata.namespace, name));
    const template = structuredClone(rs.spec.template);
    // The controller creates its pods through the API server, which defaults them as Pods: a
    // limit without a request is also the request, enableServiceLinks is true.
    const pod = applyDefaults<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        uid: this.#ctx.newUid(),
        creationTimestamp: this.#ctx.nowIso(),
        labels: template.metadata?.labels ?? {},
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [controllerRef(rs)],
      },
      spec: template.spec,
    });
    store.put<Pod>({
      ...pod,
      status: { phase: 'Pending', conditions: [], qosClass: podQOSClass(pod) },
    });
    this.#ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, COMPONENT);
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

/** When the pod's Ready condition last became True (ms), if the kubelet said. */
function readySince(p: Pod): number | undefined {
  const c = (p.status?.conditions ?? []).find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}
