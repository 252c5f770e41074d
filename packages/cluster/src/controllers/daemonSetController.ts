import type { DaemonSet, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';

/** What `kubectl describe daemonset` shows: the lab stores DaemonSets but runs no daemon pods. */
export const DAEMON_SETS_NOT_RUN =
  "l4lab's lab does not run DaemonSets: no daemon pods are created on its nodes (desired 0); " +
  'the DaemonSet is validated, stored and served only';

/**
 * The daemon set controller's status, for a lab that runs no daemon pods: each generation of a
 * DaemonSet is observed with 0 pods desired, scheduled and ready, and a Warning Event
 * (`NotSupported`) says why, so `kubectl get ds` shows 0 and `kubectl describe ds` the reason.
 */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind !== 'DaemonSet' || event.type === 'DELETED') return [];
    return [`${o.metadata.namespace}/${o.metadata.name}`];
  }

  reconcile(key: string): void {
    const { store, events } = this.#ctx;
    const [ns, name] = splitKey(key);
    const ds = store.get('DaemonSet', ns, name);
    if (!ds) return;
    const generation = ds.metadata.generation ?? 1;
    if (ds.status?.observedGeneration === generation) return;
    const stored = store.put<DaemonSet>({
      ...ds,
      status: {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
        observedGeneration: generation,
      },
    });
    events.record(stored, 'Warning', 'NotSupported', DAEMON_SETS_NOT_RUN, {
      component: 'daemonset-controller',
    });
  }
}
