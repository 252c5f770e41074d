import type { Node, Pod, PodStatus, Taint, WatchEvent } from '@l4lab/protocol';
import type { TimerHandle } from '../clock.ts';
import { isPodReady } from '../podStatus.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../scheduling/taints.ts';
import { evictionDelayMs } from './taintEvictionController.ts';
import type { Controller, ControllerContext } from './types.ts';

/**
 * How long pods stay on a node that stopped answering before they are evicted: the
 * tolerationSeconds every new pod gets. Kubernetes waits 5 minutes (the API server's
 * `--default-unreachable-toleration-seconds` 300); l4lab shortens it for demos
 * (`--pod-eviction-timeout`).
 */
export const DEFAULT_POD_EVICTION_TIMEOUT_MS = 10_000;

export function isNodeReady(node: Node): boolean {
  return node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The node lifecycle controller: when a node's Ready condition is no longer True, its pods are
 * marked NotReady at once (so they leave the Services' endpoints), and each is evicted as its
 * tolerations of the node's NoExecute taint say (`node.kubernetes.io/unreachable` for a node
 * that stopped answering, `not-ready` for one that says it is not): after their
 * `tolerationSeconds` (every pod has them, DefaultTolerationSeconds: the eviction timeout),
 * never for a DaemonSet's pods (they tolerate it for ever), at once for a pod that does not
 * tolerate it. Their ReplicaSets recreate them on Ready nodes. A node that comes back in time
 * keeps its pods.
 */
export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  readonly #ctx: ControllerContext;
  readonly #evictions = new Map<string, TimerHandle>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Node') return [o.metadata.name];
    if (o.kind !== 'Pod' || event.type === 'DELETED' || !o.spec.nodeName) return [];
    // A pod reported Ready on a node that is not (a late status write), or one new there.
    const node = this.#ctx.store.get('Node', undefined, o.spec.nodeName);
    return node && !isNodeReady(node) ? [o.spec.nodeName] : [];
  }

  reconcile(nodeName: string): void {
    const node = this.#ctx.store.get('Node', undefined, nodeName);
    this.#evictions.get(nodeName)?.cancel();
    this.#evictions.delete(nodeName);
    if (!node || isNodeReady(node)) return;
    for (const pod of this.#podsOn(nodeName)) {
      if (isPodReady(pod)) this.#markNotReady(pod);
    }
    const ready = node.status.conditions.find((c) => c.type === 'Ready');
    const since = Date.parse(ready?.lastTransitionTime ?? '');
    const now = this.#ctx.clock.now();
    const tainted = Number.isNaN(since) ? now : since;
    const taint: Taint = {
      key: ready?.status === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE,
      effect: 'NoExecute',
    };
    let next: number | undefined;
    for (const pod of this.#podsOn(nodeName)) {
      if (pod.metadata.deletionTimestamp) continue;
      const delay = evictionDelayMs(pod, [taint]);
      if (delay === undefined) continue; // tolerated for ever
      const due = tainted + delay;
      // The node's kubelet is gone, so nothing would confirm a graceful stop: delete at once.
      if (due <= now)
        this.#ctx.deletePod(pod.metadata.namespace ?? 'default', pod.metadata.name, 0);
      else next = Math.min(next ?? Infinity, due);
    }
    if (next === undefined) return;
    const timer = this.#ctx.clock.setTimeout(() => {
      this.#evictions.delete(nodeName);
      this.#ctx.enqueue(this.name, nodeName);
    }, next - now);
    this.#evictions.set(nodeName, timer);
  }

  #podsOn(nodeName: string): Pod[] {
    return this.#ctx.store.list('Pod').filter((p) => p.spec.nodeName === nodeName);
  }

  #markNotReady(pod: Pod): void {
    const now = this.#ctx.nowIso();
    const status: PodStatus = {
      ...(pod.status ?? { phase: 'Pending' }),
      conditions: (pod.status?.conditions ?? []).map((c) =>
        c.type === 'Ready' || c.type === 'ContainersReady'
          ? { ...c, status: 'False', lastTransitionTime: now }
          : c,
      ),
      containerStatuses: (pod.status?.containerStatuses ?? []).map((c) => ({ ...c, ready: false })),
    };
    this.#ctx.store.put<Pod>({ ...pod, status });
  }
}
