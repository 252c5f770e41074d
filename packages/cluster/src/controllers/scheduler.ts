import type { Node, Pod, PodCondition, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { splitKey } from './types.ts';
import { isPodActive } from '../podStatus.ts';
import { bestNodes, findNodesThatFit } from '../scheduling/framework.ts';
import type { NodeInfo } from '../scheduling/nodeInfo.ts';
import { takeSnapshot } from '../scheduling/nodeInfo.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** The API server's condition on a pod created with scheduling gates (applySchedulingGatedCondition). */
export const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

const SOURCE = { component: DEFAULT_SCHEDULER_NAME };

const keyOf = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;

function isPending(p: Pod): boolean {
  return !p.spec.nodeName && !p.metadata.deletionTimestamp;
}

/**
 * kube-scheduler: a pending pod goes through the default profile's filters (taints, node
 * selector and affinity, resource requests against allocatable, pod affinity and anti-affinity,
 * scheduling/framework.ts) and scores (preferred terms); among the best nodes it keeps l4lab's
 * spreading: the fewest pods of the same owner (the default topology spread of a ReplicaSet's
 * pods), then the fewest pods in all, then at random. A pod no node takes stays Pending with
 * PodScheduled False / Unschedulable and a FailedScheduling event worded as kube-scheduler's, and
 * is tried again whenever a node or a bound pod changes (a deletion frees resources, a label
 * added to a node may match). Pods with scheduling gates wait, SchedulingGated, until the gates go.
 */
export class Scheduler implements Controller {
  readonly name = 'scheduler';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Node') return this.#pendingKeys();
    if (o.kind !== 'Pod') return [];
    if (!o.spec.nodeName) return event.type === 'DELETED' ? [] : [keyOf(o)];
    // A bound pod that came, changed (labels, phase) or went changes what fits where.
    return this.#pendingKeys();
  }

  /** The pending pods in the order kube-scheduler's queue takes them (PrioritySort): the highest
   * priority first, then the oldest. */
  #pendingKeys(): string[] {
    return this.#ctx.store
      .list('Pod')
      .filter(isPending)
      .sort(
        (a, b) =>
          (b.spec.priority ?? 0) - (a.spec.priority ?? 0) ||
          (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      )
      .map(keyOf);
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const pod = this.#ctx.store.get('Pod', ns, name);
    if (!pod || !isPending(pod)) return;
    // A pod for another scheduler (spec.schedulerName) is not ours: it waits for that one.
    if ((pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME) return;
    if ((pod.spec.schedulingGates ?? []).length > 0) {
      this.#setScheduledCondition(pod, 'SchedulingGated', SCHEDULING_GATED_MESSAGE);
      return;
    }
    const snapshot = takeSnapshot(this.#ctx.store);
    const fit = findNodesThatFit(pod, snapshot);
    if ('message' in fit) {
      if (this.#setScheduledCondition(pod, 'Unschedulable', fit.message)) {
        this.#ctx.events.record(pod, 'Warning', 'FailedScheduling', fit.message, SOURCE);
      }
      return;
    }
    const node = this.#spread(pod, bestNodes(pod, fit.feasible, snapshot));
    this.#bind(pod, node);
  }

  /** The tie-break among equally scored nodes: l4lab's spreading of an owner's pods. */
  #spread(pod: Pod, nodes: NodeInfo[]): Node {
    const owner = pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
    const score = (n: NodeInfo) => {
      const active = n.pods.filter(isPodActive);
      const siblings = owner
        ? active.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === owner)).length
        : 0;
      return siblings * 1_000_000 + active.length;
    };
    const best = Math.min(...nodes.map(score));
    const candidates = nodes.filter((n) => score(n) === best);
    return candidates[Math.floor(this.#ctx.random() * candidates.length)]!.node;
  }

  #bind(pod: Pod, node: Node): void {
    const bound = this.#ctx.store.put({
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
      SOURCE,
    );
  }

  /** PodScheduled False with this reason and message; false when the pod already says so. */
  #setScheduledCondition(pod: Pod, reason: string, message: string): boolean {
    const conditions = pod.status?.conditions ?? [];
    const current = conditions.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === reason && current.message === message)
      return false;
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastTransitionTime:
        current?.status === 'False' && current.lastTransitionTime
          ? current.lastTransitionTime
          : this.#ctx.nowIso(),
      reason,
      message,
    };
    this.#ctx.store.put<Pod>({
      ...pod,
      status: {
        ...pod.status,
        phase: 'Pending',
        conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), condition],
      },
    });
    return true;
  }
}
