import type { Node, Pod, PodStatus, WatchEvent } from '@l4lab/protocol';
import type { TimerHandle } from '../clock.ts';
import { isPodReady } from '../podStatus.ts';
import type { Controller, ControllerContext } from './types.ts';

/**
 * How long pods stay on a node that stopped answering before they are evicted. Kubernetes waits
 * 5 minutes (the `node.kubernetes.io/unreachable` toleration's tolerationSeconds: 300); l4lab
 * shortens it for demos (`--pod-eviction-timeout`).
 */
export const DEFAULT_POD_EVICTION_TIMEOUT_MS = 10_000;

export function isNodeReady(node: Node): boolean {
  return node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The node lifecycle controller: when a node's Ready condition is no longer True, its pods are
 * marked NotReady at once (so they leave the Services' endpoints), and after the eviction timeout
 * they are deleted, so their ReplicaSets recreate them on Ready nodes. A node that comes back in
 * time keeps its pods.
 */
export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  readonly #ctx: ControllerContext;
  readonly #timeoutMs: number;
  readonly #evictions = new Map<string, TimerHandle>();

  constructor(ctx: ControllerContext, podEvictionTimeoutMs = DEFAULT_POD_EVICTION_TIMEOUT_MS) {
    this.#ctx = ctx;
    this.#timeoutMs = podEvictionTimeoutMs;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Node') return [o.metadata.name];
    // A pod reported Ready on a node that is not (a late status write): mark it again.
    if (o.kind === 'Pod' && event.type !== 'DELETED' && o.spec.nodeName && isPodReady(o)) {
      const node = this.#ctx.store.get('Node', undefined, o.spec.nodeName);
      if (node && !isNodeReady(node)) return [o.spec.nodeName];
    }
    return [];
  }

  reconcile(nodeName: string): void {
    const node = this.#ctx.store.get('Node', undefined, nodeName);
    if (!node || isNodeReady(node)) {
      this.#evictions.get(nodeName)?.cancel();
      this.#evictions.delete(nodeName);
      return;
    }
    for (const pod of this.#podsOn(nodeName)) {
      if (isPodReady(pod)) this.#markNotReady(pod);
    }
    if (this.#evictions.has(nodeName)) return;
    const since = Date.parse(
      node.status.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime ?? '',
    );
    const elapsed = Number.isNaN(since) ? 0 : this.#ctx.clock.now() - since;
    const timer = this.#ctx.clock.setTimeout(
      () => this.#evict(nodeName),
      Math.max(0, this.#timeoutMs - elapsed),
    );
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

  #evict(nodeName: string): void {
    this.#evictions.delete(nodeName);
    const node = this.#ctx.store.get('Node', undefined, nodeName);
    if (!node || isNodeReady(node)) return;
    // The node's kubelet is gone, so nothing would confirm a graceful stop: delete at once.
    for (const pod of this.#podsOn(nodeName)) {
      this.#ctx.deletePod(pod.metadata.namespace ?? 'default', pod.metadata.name, 0);
    }
  }
}
