import type { WatchEvent } from '@l4lab/protocol';
import { TAINT_OUT_OF_SERVICE } from '../scheduling/taints.ts';
import { isNodeReady } from './nodeLifecycleController.ts';
import type { Controller, ControllerContext } from './types.ts';

/**
 * The pod garbage collector's terminating-pod sweep (kube-controller-manager's podgc, with
 * NodeOutOfServiceVolumeDetach, GA in 1.28): a pod stuck Terminating on a node that is not Ready
 * (its kubelet will never confirm the stop) is deleted for good once someone says the node is
 * down for good, with `kubectl taint nodes NODE node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`.
 * Without that taint it stays Terminating until the node is back or a forced delete
 * (`kubectl delete pod NAME --force --grace-period=0`), as in Kubernetes.
 */
export class PodGCController implements Controller {
  readonly name = 'podgc';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Node') return [o.metadata.name];
    if (o.kind === 'Pod' && event.type !== 'DELETED' && o.metadata.deletionTimestamp)
      return o.spec.nodeName ? [o.spec.nodeName] : [];
    return [];
  }

  reconcile(nodeName: string): void {
    const node = this.#ctx.store.get('Node', undefined, nodeName);
    if (!node || isNodeReady(node)) return;
    const outOfService = (node.spec.taints ?? []).some(
      (t) => t.key === TAINT_OUT_OF_SERVICE && t.effect === 'NoExecute',
    );
    if (!outOfService) return;
    for (const pod of this.#ctx.store.list('Pod')) {
      if (pod.spec.nodeName !== nodeName || !pod.metadata.deletionTimestamp) continue;
      this.#ctx.deletePod(pod.metadata.namespace ?? 'default', pod.metadata.name, 0);
    }
  }
}
