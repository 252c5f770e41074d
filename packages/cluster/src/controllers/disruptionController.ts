// The disruption controller (pkg/controller/disruption): each PodDisruptionBudget's status, from
// the pods it selects and their controllers' scale, which the eviction API (`kubectl drain`) reads
// to allow an eviction or refuse it.
import type { KubeObject, Pod, PodDisruptionBudget, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';
import { isPodReady, isPodTerminating } from '../podStatus.ts';
import { selectorMatches } from '../selectors.ts';
import { scaledValue } from './rollout.ts';
import { Requeue } from './podOwnership.ts';

const COMPONENT = { component: 'controllermanager' };
/** An evicted pod not seen deleted after this long counts again (DeletionTimeout). */
export const DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;

/** The pods of the PDB's namespace its selector matches (a PDB without selector selects none). */
export function podsOfBudget(pdb: PodDisruptionBudget, pods: readonly Pod[]): Pod[] {
  const selector = pdb.spec.selector;
  if (!selector) return [];
  return pods.filter((p) => selectorMatches(selector, p.metadata.labels));
}

/**
 * The disruption controller. For each PodDisruptionBudget:
 *   - expectedPods: with maxUnavailable or a percentage minAvailable, the scale of the pods'
 *     controllers (a Deployment's through its ReplicaSet, a ReplicaSet's, a StatefulSet's); with
 *     an integer minAvailable, the pods it selects;
 *   - desiredHealthy: minAvailable (scaled), or expectedPods less maxUnavailable (scaled up);
 *   - currentHealthy: the selected pods Ready, not being deleted, not just evicted;
 *   - disruptionsAllowed: currentHealthy less desiredHealthy, not below 0.
 * A pod whose controller has no scale (a DaemonSet's, a bare pod) makes the budget fail safe: no
 * disruption allowed, `SyncFailed`, as Kubernetes does.
 */
export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  readonly #ctx: ControllerContext;
  readonly #requeue: Requeue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#requeue = new Requeue(ctx.clock, (key) => ctx.enqueue(this.name, key));
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    const ns = o.metadata.namespace ?? 'default';
    if (o.kind === 'PodDisruptionBudget') return [`${ns}/${o.metadata.name}`];
    const budgets = this.#ctx.store.list('PodDisruptionBudget', ns);
    if (o.kind === 'Pod')
      return budgets
        .filter((b) => podsOfBudget(b, [o]).length > 0)
        .map((b) => `${ns}/${b.metadata.name}`);
    // A scale changed: every budget of the namespace may count its pods again.
    if (o.kind === 'Deployment' || o.kind === 'ReplicaSet' || o.kind === 'StatefulSet')
      return budgets.map((b) => `${ns}/${b.metadata.name}`);
    return [];
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const pdb = this.#ctx.store.get('PodDisruptionBudget', ns, name);
    if (!pdb) {
      this.#requeue.cancel(key);
      return;
    }
    const now = this.#ctx.clock.now();
    const pods = podsOfBudget(pdb, this.#ctx.store.list('Pod', ns));
    // An evicted pod is counted out until it is seen going (or the timeout passes).
    const disrupted: Record<string, string> = {};
    let recheckIn = Infinity;
    for (const [pod, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const p = pods.find((x) => x.metadata.name === pod);
      if (!p || isPodTerminating(p)) continue;
      const left = Date.parse(at) + DISRUPTION_TIMEOUT_MS - now;
      if (left <= 0) continue;
      disrupted[pod] = at;
      recheckIn = Math.min(recheckIn, left);
    }
    if (recheckIn !== Infinity) this.#requeue.after(key, recheckIn);
    const currentHealthy = pods.filter(
      (p) => !isPodTerminating(p) && !disrupted[p.metadata.name] && isPodReady(p),
    ).length;
    const expected = this.#expected(pdb, pods);
    if (typeof expected === 'string') {
      this.#failSafe(pdb, expected, currentHealthy, disrupted);
      return;
    }
    const { expectedPods, desiredHealthy } = expected;
    const allowed = expectedPods <= 0 ? 0 : Math.max(0, currentHealthy - desiredHealthy);
    this.#write(pdb, {
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      condition:
        allowed > 0
          ? { status: 'True', reason: 'SufficientPods', message: '' }
          : { status: 'False', reason: 'InsufficientPods', message: '' },
    });
  }

  /** getExpectedPodCount; a string: why it cannot be counted. */
  #expected(
    pdb: PodDisruptionBudget,
    pods: Pod[],
  ): { expectedPods: number; desiredHealthy: number } | string {
    const { minAvailable, maxUnavailable } = pdb.spec;
    if (maxUnavailable !== undefined) {
      const scale = this.#scale(pods);
      if (typeof scale === 'string') return scale;
      const max = scaledValue(maxUnavailable, scale, true);
      return { expectedPods: scale, desiredHealthy: Math.max(0, scale - max) };
    }
    if (minAvailable !== undefined) {
      if (typeof minAvailable === 'number')
        return { expectedPods: pods.length, desiredHealthy: minAvailable };
      const scale = this.#scale(pods);
      if (typeof scale === 'string') return scale;
      return { expectedPods: scale, desiredHealthy: scaledValue(minAvailable, scale, true) };
    }
    return { expectedPods: pods.length, desiredHealthy: 0 };
  }

  /** getExpectedScale: the replicas of each controller of the pods, counted once. */
  #scale(pods: Pod[]): number | string {
    const { store } = this.#ctx;
    const counted = new Map<string, number>();
    for (const p of pods) {
      const ns = p.metadata.namespace ?? 'default';
      const ref = p.metadata.ownerReferences?.find((r) => r.controller);
      let owner: KubeObject | undefined;
      if (ref?.kind === 'ReplicaSet') {
        const rs = store.get('ReplicaSet', ns, ref.name);
        const deployRef = rs?.metadata.ownerReferences?.find((r) => r.controller);
        const deploy =
          deployRef?.kind === 'Deployment'
            ? store.get('Deployment', ns, deployRef.name)
            : undefined;
        owner = deploy ?? rs;
      } else if (ref?.kind === 'StatefulSet') {
        owner = store.get('StatefulSet', ns, ref.name);
      }
      if (
        !owner ||
        (owner.kind !== 'Deployment' && owner.kind !== 'ReplicaSet' && owner.kind !== 'StatefulSet')
      )
        return `found no controllers for pod "${p.metadata.name}"`;
      counted.set(owner.metadata.uid ?? owner.metadata.name, owner.spec.replicas ?? 1);
    }
    return [...counted.values()].reduce((a, b) => a + b, 0);
  }

  /** failSafe: nothing may be disrupted while the budget cannot be computed. */
  #failSafe(
    pdb: PodDisruptionBudget,
    why: string,
    currentHealthy: number,
    disrupted: Record<string, string>,
  ): void {
    const message = `Failed to calculate the number of expected pods: ${why}`;
    const said = this.#ctx.events
      .about(pdb)
      .some((e) => e.reason === 'CalculateExpectedPodCountFailed' && e.message === message);
    if (!said)
      this.#ctx.events.record(
        pdb,
        'Warning',
        'CalculateExpectedPodCountFailed',
        message,
        COMPONENT,
      );
    this.#write(pdb, {
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: 0,
      currentHealthy,
      desiredHealthy: pdb.status?.desiredHealthy ?? 0,
      expectedPods: pdb.status?.expectedPods ?? 0,
      condition: { status: 'False', reason: 'SyncFailed', message: why },
    });
  }

  #write(
    pdb: PodDisruptionBudget,
    next: Omit<NonNullable<PodDisruptionBudget['status']>, 'conditions' | 'observedGeneration'> & {
      condition: { status: 'True' | 'False'; reason: string; message: string };
    },
  ): void {
    const { condition, ...counts } = next;
    const generation = pdb.metadata.generation ?? 1;
    const had = pdb.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const same = had && had.status === condition.status && had.reason === condition.reason;
    const status: NonNullable<PodDisruptionBudget['status']> = {
      observedGeneration: generation,
      ...counts,
      conditions: [
        {
          type: 'DisruptionAllowed',
          ...condition,
          observedGeneration: generation,
          lastTransitionTime: same ? had.lastTransitionTime : this.#ctx.nowIso(),
        },
      ],
    };
    if (JSON.stringify(pdb.status) !== JSON.stringify(status))
      this.#ctx.store.put<PodDisruptionBudget>({ ...pdb, status });
  }
}
