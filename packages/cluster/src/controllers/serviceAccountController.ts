import type { ServiceAccount, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';

/** The ServiceAccount every namespace has, and every pod runs as unless it names another. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

/**
 * kube-controller-manager's serviceaccount controller (pkg/controller/serviceaccount): each
 * active namespace has a `default` ServiceAccount; deleted, it comes back. A namespace on its way
 * out (Terminating) gets none. Like Kubernetes since 1.24, no token Secret is made for it (and
 * l4lab mints no tokens at all).
 */
export class ServiceAccountController implements Controller {
  readonly name = 'serviceaccount';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Namespace') return event.type === 'DELETED' ? [] : [o.metadata.name];
    if (o.kind === 'ServiceAccount' && event.type === 'DELETED')
      return o.metadata.name === DEFAULT_SERVICE_ACCOUNT ? [o.metadata.namespace ?? 'default'] : [];
    return [];
  }

  reconcile(namespace: string): void {
    const { store } = this.#ctx;
    const ns = store.get('Namespace', undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (store.get('ServiceAccount', namespace, DEFAULT_SERVICE_ACCOUNT)) return;
    store.put<ServiceAccount>({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: DEFAULT_SERVICE_ACCOUNT,
        namespace,
        uid: this.#ctx.newUid(),
        creationTimestamp: this.#ctx.nowIso(),
      },
    });
  }
}
