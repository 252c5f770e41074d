import type { Pod, ReplicaSet, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, ownedBy, splitKey } from './types.ts';
import { randomSuffix } from '../names.ts';
import { isPodActive, isPodReady } from '../podStatus.ts';

/** The ReplicaSet controller: keeps `replicas` active pods named `<replicaset>-<5 random chars>`. */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'ReplicaSet') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'Pod') {
      return (o.metadata.ownerReferences ?? [])
        .filter((r) => r.kind === 'ReplicaSet')
        .map((r) => `${o.metadata.namespace}/${r.name}`);
    }
    return [];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const rs = store.get('ReplicaSet', ns, name);
    if (!rs) return;
    const active = store.list('Pod', ns).filter((p) => ownedBy(p, rs) && isPodActive(p));
    const diff = rs.spec.replicas - active.length;
    for (let i = 0; i < diff; i++) this.#createPod(rs);
    if (diff < 0) {
      // Like the real controller: unscheduled first, then not ready, then the newest.
      const rank = (p: Pod) => (p.spec.nodeName ? 0 : 2) + (isPodReady(p) ? 0 : 1);
      const victims = [...active].sort(
        (a, b) =>
          rank(b) - rank(a) ||
          (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
      );
      for (const p of victims.slice(0, -diff)) this.#ctx.deletePod(ns, p.metadata.name);
    }
    const after = store.list('Pod', ns).filter((p) => ownedBy(p, rs) && isPodActive(p));
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
    const status = {
      replicas: after.length,
      fullyLabeledReplicas: after.length,
      readyReplicas: after.filter(isPodReady).length,
      availableReplicas: after.filter(isAvailable).length,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    // minReadySeconds: look again when the next ready pod has been ready long enough.
    if (nextCheck !== Infinity) {
      this.#ctx.clock.setTimeout(() => this.#ctx.enqueue(this.name, key), nextCheck);
    }
    const fresh = store.get('ReplicaSet', ns, name);
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
    store.put<Pod>({
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
      status: { phase: 'Pending', conditions: [] },
    });
    this.#ctx.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, {
      component: 'replicaset-controller',
    });
  }
}

/** When the pod's Ready condition last became True (ms), if the kubelet said. */
function readySince(p: Pod): number | undefined {
  const c = (p.status?.conditions ?? []).find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}
