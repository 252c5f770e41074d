// The disruption controller (pkg/controller/disruption): each PodDisruptionBudget's status, from
// the pods it selects and their controllers' scale, which the eviction API (`kubectl drain`) reads
// to allow an eviction or refuse it.
import type {
  KubeObject,
  LabelSelector,
  Pod,
  PodDisruptionBudget,
  WatchEvent,
} from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';
import { isPodReady, isPodTerminating } from '../podStatus.ts';
import { selectorMatches } from '../selectors.ts';
import { scaledValue } from './rollout.ts';
import { Requeue } from './podOwnership.ts';
import { qualifiedPlural, resourceTypeOfKind } from '@l4lab/protocol';

const COMPONENT = { component: 'controllermanager' };
/** An evicted pod not seen deleted after this long counts again (DeletionTimeout). */
export const DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;

/** `%v` of a *metav1.LabelSelector, as the UnmanagedPods event prints it. */
function goSelector(s: LabelSelector | undefined): string {
  if (!s) return 'nil';
  const labels = Object.entries(s.matchLabels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${v},`)
    .join('');
  const expressions = (s.matchExpressions ?? [])
    .map(
      (e) =>
        `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`,
    )
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}

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
    if (pods.length === 0) this.#say(pdb, 'Normal', 'NoPods', 'No matching pods found');
    const expected = this.#expected(pdb, pods);
    if (typeof expected === 'string') {
      this.#failSafe(pdb, expected);
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
      const scale = this.#scale(pdb, pods);
      if (typeof scale === 'string') return scale;
      const max = scaledValue(maxUnavailable, scale, true);
      return { expectedPods: scale, desiredHealthy: Math.max(0, scale - max) };
    }
    if (minAvailable !== undefined) {
      if (typeof minAvailable === 'number')
        return { expectedPods: pods.length, desiredHealthy: minAvailable };
      const scale = this.#scale(pdb, pods);
      if (typeof scale === 'string') return scale;
      return { expectedPods: scale, desiredHealthy: scaledValue(minAvailable, scale, true) };
    }
    // Neither bound: nothing is expected, so no disruption is allowed.
    return { expectedPods: 0, desiredHealthy: 0 };
  }

  /**
   * getExpectedScale: the replicas of each controller of the pods, counted once. A pod without a
   * controller is left out (and said: `UnmanagedPods`); one whose controller is gone, or has no
   * scale (a DaemonSet, a Job), fails the count, in Kubernetes' words.
   */
  #scale(pdb: PodDisruptionBudget, pods: Pod[]): number | string {
    const { store } = this.#ctx;
    const counted = new Map<string, number>();
    let unmanaged = false;
    for (const p of pods) {
      const ns = p.metadata.namespace ?? 'default';
      const ref = p.metadata.ownerReferences?.find((r) => r.controller);
      if (!ref) {
        unmanaged = true;
        continue;
      }
      let owner: KubeObject | undefined;
      if (ref.kind === 'ReplicaSet') {
        const rs = store.get('ReplicaSet', ns, ref.name);
        const deployRef = rs?.metadata.ownerReferences?.find((r) => r.controller);
        owner = deployRef?.kind === 'Deployment' ? store.get('Deployment', ns, deployRef.name) : rs;
      } else if (ref.kind === 'StatefulSet') {
        owner = store.get('StatefulSet', ns, ref.name);
      } else if (ref.kind === 'Deployment') {
        owner = store.get('Deployment', ns, ref.name);
      } else {
        const type = resourceTypeOfKind(ref.kind);
        const resource = type ? qualifiedPlural(type) : ref.kind.toLowerCase();
        return `${resource} does not implement the scale subresource`;
      }
      if (
        !owner ||
        (owner.kind !== 'Deployment' && owner.kind !== 'ReplicaSet' && owner.kind !== 'StatefulSet')
      )
        return `found no controllers for pod "${p.metadata.name}"`;
      counted.set(owner.metadata.uid ?? owner.metadata.name, owner.spec.replicas ?? 1);
    }
    if (unmanaged)
      this.#say(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goSelector(pdb.spec.selector)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    return [...counted.values()].reduce((a, b) => a + b, 0);
  }

  /** An event about the budget, once for as long as it is kept (each sync would say it again). */
  #say(pdb: PodDisruptionBudget, type: 'Normal' | 'Warning', reason: string, message: string) {
    const said = this.#ctx.events
      .about(pdb)
      .some((e) => e.reason === reason && e.message === message);
    if (!said) this.#ctx.events.record(pdb, type, reason, message, COMPONENT);
  }

  /**
   * failSafe: nothing may be disrupted while the budget cannot be computed; the rest of its
   * status (its observedGeneration too) stays as it was.
   */
  #failSafe(pdb: PodDisruptionBudget, why: string): void {
    this.#say(
      pdb,
      'Warning',
      'CalculateExpectedPodCountFailed',
      `Failed to calculate the number of expected pods: ${why}`,
    );
    const old = pdb.status;
    const observed = old?.observedGeneration;
    const had = old?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const status: NonNullable<PodDisruptionBudget['status']> = {
      ...(observed !== undefined ? { observedGeneration: observed } : {}),
      ...(old?.disruptedPods ? { disruptedPods: old.disruptedPods } : {}),
      disruptionsAllowed: 0,
      currentHealthy: old?.currentHealthy ?? 0,
      desiredHealthy: old?.desiredHealthy ?? 0,
      expectedPods: old?.expectedPods ?? 0,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'False',
          reason: 'SyncFailed',
          message: why,
          ...(observed !== undefined ? { observedGeneration: observed } : {}),
          lastTransitionTime: had?.status === 'False' ? had.lastTransitionTime : this.#ctx.nowIso(),
        },
      ],
    };
    if (JSON.stringify(pdb.status) !== JSON.stringify(status))
      this.#ctx.store.put<PodDisruptionBudget>({ ...pdb, status });
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
    // SetStatusCondition: the transition time moves only when the status does.
    const same = had && had.status === condition.status;
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
