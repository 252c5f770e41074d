import type { Pod, Taint, WatchEvent } from '@l4lab/protocol';
import type { TimerHandle } from '../clock.ts';
import { toleratesTaint } from '../scheduling/taints.ts';
import type { Controller, ControllerContext } from './types.ts';

const COMPONENT = { component: 'taint-eviction-controller' };

/**
 * What a pod's tolerations make of its node's NoExecute taints: evicted now (one is not
 * tolerated), after the shortest `tolerationSeconds` (all are tolerated, some for a while), or
 * never (undefined). As Kubernetes' taint eviction controller decides it.
 */
export function evictionDelayMs(pod: Pod, taints: readonly Taint[]): number | undefined {
  let delay: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = (pod.spec.tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return 0;
    const bounded = matching.filter((t) => t.tolerationSeconds !== undefined);
    // A toleration without tolerationSeconds tolerates the taint for ever.
    if (bounded.length < matching.length) continue;
    const seconds = Math.max(0, Math.min(...bounded.map((t) => t.tolerationSeconds!)));
    delay = Math.min(delay ?? Infinity, seconds * 1000);
  }
  return delay;
}

/**
 * The taint eviction controller: a pod on a node with a NoExecute taint it does not tolerate is
 * deleted (gracefully), at once or when its toleration's seconds run out; removing the taint in
 * time cancels it. The node lifecycle controller's taints of a lost node (`unreachable`,
 * `not-ready`) are NoExecute taints like any other: every pod tolerates them for the eviction
 * timeout (DefaultTolerationSeconds), a DaemonSet's for ever.
 */
export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction';
  readonly #ctx: ControllerContext;
  /** Pending evictions by pod uid. */
  readonly #timers = new Map<string, TimerHandle>();
  /** When each of them is due (ms since the epoch). */
  readonly #due = new Map<string, number>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Node') return [o.metadata.name];
    if (o.kind === 'Pod' && o.spec.nodeName) {
      if (event.type === 'DELETED') this.#cancel(o.metadata.uid ?? '');
      else return [o.spec.nodeName];
    }
    return [];
  }

  reconcile(nodeName: string): void {
    const node = this.#ctx.store.get('Node', undefined, nodeName);
    const taints = node?.spec.taints ?? [];
    for (const pod of this.#ctx.store.list('Pod')) {
      if (pod.spec.nodeName !== nodeName || pod.metadata.deletionTimestamp) continue;
      const uid = pod.metadata.uid ?? '';
      const delay = evictionDelayMs(pod, taints);
      if (delay === undefined) {
        this.#cancel(uid);
      } else if (delay === 0) {
        this.#cancel(uid);
        this.#evict(pod);
      } else {
        const now = this.#ctx.clock.now();
        const due = this.#due.get(uid) ?? now + delay;
        this.#due.set(uid, due);
        if (due <= now) {
          this.#cancel(uid);
          this.#evict(pod);
        } else if (!this.#timers.has(uid)) {
          // Tolerated for a while: look again when the toleration's seconds have run out. A timer
          // may fire a little early (Node rounds its timers to the millisecond): it then sets
          // another for what is left, so the eviction is never lost.
          this.#timers.set(
            uid,
            this.#ctx.clock.setTimeout(() => {
              this.#timers.delete(uid);
              this.#ctx.enqueue(this.name, nodeName);
            }, due - now),
          );
        }
      }
    }
  }

  #cancel(uid: string): void {
    this.#timers.get(uid)?.cancel();
    this.#timers.delete(uid);
    this.#due.delete(uid);
  }

  #evict(pod: Pod): void {
    const ns = pod.metadata.namespace ?? 'default';
    this.#ctx.events.record(
      pod,
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${ns}/${pod.metadata.name}`,
      COMPONENT,
    );
    this.#ctx.deletePod(ns, pod.metadata.name);
  }
}
