import type { Node, Pod, PodStatus, Taint, WatchEvent } from '@l4lab/protocol';
import { isPodReady } from '../podStatus.ts';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../scheduling/taints.ts';
import type { Controller, ControllerContext } from './types.ts';

const COMPONENT = { component: 'node-controller' };

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

/** The taints the node lifecycle controller owns (a not-ready or unreachable node's). */
function isLostNodeTaint(t: Taint): boolean {
  return (
    (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE) &&
    (t.effect === 'NoExecute' || t.effect === 'NoSchedule')
  );
}

/**
 * The node lifecycle controller: when a node's Ready condition is no longer True, it taints the
 * node, as kube-controller-manager does (`node.kubernetes.io/unreachable` for a node that stopped
 * answering, `not-ready` for one that says it is not; NoSchedule so nothing new lands there, and
 * NoExecute, whose `timeAdded` is when the node was lost), and marks its pods NotReady at once,
 * so they leave the Services' endpoints. The taint eviction controller then evicts each pod as
 * its tolerations say (every pod tolerates these taints for the eviction timeout,
 * DefaultTolerationSeconds; a DaemonSet's for ever). A node Ready again loses the taints.
 */
export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  readonly #ctx: ControllerContext;

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
    if (!node) return;
    this.#taint(node);
    if (isNodeReady(node)) return;
    for (const pod of this.#ctx.store.list('Pod')) {
      if (pod.spec.nodeName !== nodeName || !isPodReady(pod)) continue;
      this.#markNotReady(pod);
      this.#ctx.events.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready', COMPONENT);
    }
  }

  /** The node's taints as its Ready condition says: the lost node's two, or none of them. */
  #taint(node: Node): void {
    const ready = node.status.conditions.find((c) => c.type === 'Ready');
    const own = (node.spec.taints ?? []).filter(isLostNodeTaint);
    const others = (node.spec.taints ?? []).filter((t) => !isLostNodeTaint(t));
    let wanted: Taint[] = [];
    if (ready?.status !== 'True') {
      const key = ready?.status === 'False' ? TAINT_NOT_READY : TAINT_UNREACHABLE;
      const kept = own.find((t) => t.key === key && t.effect === 'NoExecute');
      const since = Date.parse(ready?.lastTransitionTime ?? '');
      const timeAdded =
        kept?.timeAdded ??
        new Date(Number.isNaN(since) ? this.#ctx.clock.now() : since).toISOString();
      wanted = [
        { key, effect: 'NoExecute', timeAdded },
        { key, effect: 'NoSchedule' },
      ];
    }
    const same = (a: Taint[], b: Taint[]) =>
      JSON.stringify(a.map((t) => [t.key, t.effect]).sort()) ===
      JSON.stringify(b.map((t) => [t.key, t.effect]).sort());
    if (same(own, wanted)) return;
    const { taints: _old, ...spec } = node.spec;
    const taints = [...others, ...wanted];
    this.#ctx.store.put<Node>({ ...node, spec: { ...spec, ...(taints.length ? { taints } : {}) } });
    if (wanted.length > 0 && own.length === 0) {
      const name = node.metadata.name;
      this.#ctx.events.record(
        node,
        'Normal',
        'NodeNotReady',
        `Node ${name} status is now: NodeNotReady`,
        COMPONENT,
      );
    }
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
