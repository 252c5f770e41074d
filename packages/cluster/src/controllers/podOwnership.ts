// What the workload controllers share about their pods: making one from their template,
// adopting an orphan their selector matches, letting go of one that no longer matches
// (PodControllerRefManager), when a pod became Ready, and a controller's timed look again at a key.
import { applyDefaults } from '@l4lab/manifests';
import type { KubeObject, Pod, PodSpec, WatchEvent } from '@l4lab/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import { randomSuffix } from '../names.ts';
import { podQOSClass } from '../podQOS.ts';
import { admitPriority, priorityRefusal } from '../priorityAdmission.ts';
import { podServiceAccount, serviceAccountRefusal } from '../serviceAccountAdmission.ts';
import { addDefaultTolerations } from '../scheduling/taints.ts';
import type { ObjectStore } from '../store.ts';
import type { ControllerContext } from './types.ts';
import { controllerRef } from './types.ts';

/**
 * A pod of `owner`, `<prefix><5 random chars>` (or `name`, a StatefulSet's), Pending, with a
 * `SuccessfulCreate` event by `component` (`Created pod: <name>`, or `event`). The controller
 * creates it through the API server, which defaults it as a Pod (a limit without a request is also
 * the request, enableServiceLinks is true). Returns its name; or, when the API server refuses it
 * (its ServiceAccount does not exist), a `FailedCreate` Warning (`Error creating: <why>`, or
 * `failedEvent`) and `{ refused: why }`.
 */
export function createOwnedPod(
  ctx: ControllerContext,
  owner: KubeObject,
  component: string,
  pod: {
    prefix: string;
    name?: string;
    event?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    spec: PodSpec;
    failedEvent?: (why: string) => string;
  },
): string | { refused: string } {
  const ns = owner.metadata.namespace ?? 'default';
  const refused =
    serviceAccountRefusal(ctx.store, ns, pod.name ?? pod.prefix, pod.spec) ??
    priorityRefusal(pod.name ?? pod.prefix, pod.spec);
  if (refused !== undefined) {
    const message = pod.failedEvent?.(refused) ?? `Error creating: ${refused}`;
    ctx.events.record(owner, 'Warning', 'FailedCreate', message, { component });
    return { refused };
  }
  let name = pod.name ?? '';
  if (!pod.name) {
    do name = `${pod.prefix}${randomSuffix(5, ctx.random)}`;
    while (ctx.store.get('Pod', ns, name));
  }
  const annotations =
    pod.annotations && Object.keys(pod.annotations).length ? pod.annotations : undefined;
  const made = applyDefaults<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: pod.prefix,
      namespace: ns,
      uid: ctx.newUid(),
      creationTimestamp: ctx.nowIso(),
      labels: pod.labels,
      ...(annotations ? { annotations } : {}),
      ownerReferences: [controllerRef(owner)],
      ...(pod.finalizers ? { finalizers: pod.finalizers } : {}),
    },
    spec: pod.spec,
  });
  addDefaultTolerations(made.spec, ctx.defaultTolerationSeconds);
  admitPriority(made.spec);
  ctx.store.put<Pod>({
    ...made,
    status: { phase: 'Pending', conditions: [], qosClass: podQOSClass(made) },
  });
  ctx.events.record(owner, 'Normal', 'SuccessfulCreate', pod.event ?? `Created pod: ${name}`, {
    component,
  });
  return name;
}

/**
 * A ServiceAccount just made: the keys of the workloads of `kind` in its namespace whose pods run
 * as it (their creates were refused until now: they try again).
 */
export function waitingFor(
  store: ObjectStore,
  kind: 'ReplicaSet' | 'DaemonSet' | 'StatefulSet' | 'Job',
  event: WatchEvent,
): string[] {
  const sa = event.object;
  if (event.type !== 'ADDED' || sa.kind !== 'ServiceAccount') return [];
  const ns = sa.metadata.namespace ?? 'default';
  return store
    .list(kind, ns)
    .filter((o) => podServiceAccount(o.spec.template.spec) === sa.metadata.name)
    .map((o) => `${ns}/${o.metadata.name}`);
}

/** The orphan `p` gets `owner` as its controller (stored); the stored pod is returned. */
export function adoptPod(store: ObjectStore, owner: KubeObject, p: Pod): Pod {
  const refs = [...(p.metadata.ownerReferences ?? []), controllerRef(owner)];
  return store.put<Pod>({ ...p, metadata: { ...p.metadata, ownerReferences: refs } });
}

/** `p` loses its controller reference (its other owner references stay). */
export function releasePod(store: ObjectStore, p: Pod): void {
  const { ownerReferences, ...meta } = p.metadata;
  const kept = (ownerReferences ?? []).filter((r) => !r.controller);
  store.put<Pod>({ ...p, metadata: kept.length ? { ...meta, ownerReferences: kept } : meta });
}

/** When the pod's Ready condition last became True (ms), if the kubelet said. */
export function readySince(p: Pod): number | undefined {
  const c = (p.status?.conditions ?? []).find((x) => x.type === 'Ready');
  const t = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/**
 * IsPodAvailable with a workload's minReadySeconds: `ready` and so for that long. A pod that will
 * be available soon has `key` looked at again then.
 */
export function availableAfter(
  minReadySeconds: number | undefined,
  ready: (p: Pod) => boolean,
  requeue: Requeue,
  key: string,
  now: number,
): (p: Pod) => boolean {
  const minReady = (minReadySeconds ?? 0) * 1000;
  return (p: Pod) => {
    if (!ready(p)) return false;
    if (minReady === 0) return true;
    const since = readySince(p);
    if (since === undefined || now - since >= minReady) return true;
    requeue.after(key, since + minReady - now);
    return false;
  };
}

/**
 * A controller's look again at a key after a while (minReadySeconds, a back-off, a deadline): one
 * timer per key, the earliest time asked for wins (each look asks again for what it still needs).
 */
export class Requeue {
  readonly #timers = new Map<string, { at: number; handle: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    private readonly enqueue: (key: string) => void,
  ) {}

  after(key: string, inMs: number): void {
    const at = this.clock.now() + Math.max(0, inMs);
    const existing = this.#timers.get(key);
    if (existing && existing.at <= at) return;
    existing?.handle.cancel();
    const handle = this.clock.setTimeout(
      () => {
        this.#timers.delete(key);
        this.enqueue(key);
      },
      Math.max(0, inMs),
    );
    this.#timers.set(key, { at, handle });
  }

  cancel(key: string): void {
    this.#timers.get(key)?.handle.cancel();
    this.#timers.delete(key);
  }
}
