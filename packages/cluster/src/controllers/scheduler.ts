import type { Pod, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';
import { isPodActive } from '../podStatus.ts';

/**
 * kube-scheduler, reduced to its spreading: a pending pod goes to the Ready node with the fewest
 * pods of the same owner (the default topology spread of a ReplicaSet's pods over nodes), then
 * the fewest pods in all; ties are broken at random.
 */
export class Scheduler implements Controller {
  readonly name = 'scheduler';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    // A node that becomes Ready may take the pods left Pending while no node could.
    if (event.object.kind === 'Node' && event.type !== 'DELETED') {
      return this.#ctx.store
        .list('Pod')
        .filter((p) => !p.spec.nodeName)
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    }
    if (event.type === 'DELETED' || event.object.kind !== 'Pod') return [];
    const pod = event.object as Pod;
    return pod.spec.nodeName ? [] : [`${pod.metadata.namespace}/${pod.metadata.name}`];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const pod = store.get('Pod', ns, name);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    const nodes = store
      .list('Node')
      .filter((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (nodes.length === 0) return; // stays Pending, like a real cluster with no schedulable node
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    const siblings = new Map(nodes.map((n) => [n.metadata.name, 0]));
    const load = new Map(nodes.map((n) => [n.metadata.name, 0]));
    for (const p of store.list('Pod')) {
      const n = p.spec.nodeName;
      if (!n || !isPodActive(p) || !load.has(n)) continue;
      load.set(n, load.get(n)! + 1);
      if (owner && p.metadata.ownerReferences?.some((r) => r.uid === owner)) {
        siblings.set(n, siblings.get(n)! + 1);
      }
    }
    const score = (name: string) => siblings.get(name)! * 1_000_000 + load.get(name)!;
    const best = Math.min(...nodes.map((n) => score(n.metadata.name)));
    const candidates = nodes.filter((n) => score(n.metadata.name) === best);
    const node = candidates[Math.floor(this.#ctx.random() * candidates.length)]!;
    const bound = store.put({
      ...pod,
      spec: { ...pod.spec, nodeName: node.metadata.name },
      status: {
        ...pod.status,
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: this.#ctx.nowIso() },
        ],
      },
    });
    this.#ctx.events.record(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.metadata.name}`,
      { component: 'default-scheduler' },
    );
  }
}
