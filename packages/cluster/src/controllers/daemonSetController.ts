// The daemon set controller (pkg/controller/daemon): one pod of a DaemonSet on every node that
// should run it, rolled to a new template node by node, with the status `kubectl get ds` and
// `kubectl rollout status ds` read.
import type {
  ControllerRevision,
  DaemonSet,
  Node,
  Pod,
  Taint,
  Toleration,
  WatchEvent,
} from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, ownedBy, splitKey } from './types.ts';
import {
  adoptPod,
  availableAfter,
  createOwnedPod,
  releasePod,
  Requeue,
  waitingFor,
} from './podOwnership.ts';
import { goTemplate, templateHash } from './revisionHistory.ts';
import { isPodReady, isPodTerminating } from '../podStatus.ts';
import { selectorMatches } from '../selectors.ts';
import { podMatchesNodeAffinity } from '../scheduling/nodeAffinity.ts';
import {
  effectiveTaints,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  tolerated,
} from '../scheduling/taints.ts';
import { scaledValue } from './rollout.ts';

const COMPONENT = { component: 'daemonset-controller' };
export const REVISION_HASH_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** failedPodsBackoff: a node whose daemon pod failed gets the next one after 1 s, doubling to 15 min. */
const FAILED_BACKOFF_MS = 1000;
const FAILED_BACKOFF_MAX_MS = 15 * 60 * 1000;

/**
 * AddOrUpdateDaemonPodTolerations: a daemon pod stays on a node that is not ready or unreachable,
 * and goes on one under pressure or cordoned (and, on the host network, one whose network is not
 * ready yet).
 */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' },
    { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: TAINT_UNSCHEDULABLE, operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork)
    t.push({
      key: 'node.kubernetes.io/network-unavailable',
      operator: 'Exists',
      effect: 'NoSchedule',
    });
  return t;
}

/** A toleration with the same key and effect is replaced, as the controller's helper does. */
function withTolerations(own: readonly Toleration[] | undefined, add: Toleration[]): Toleration[] {
  const kept = (own ?? []).filter(
    (o) => !add.some((a) => a.key === o.key && a.effect === o.effect),
  );
  return [...kept, ...add];
}

/** The node's taints as the controller sees them: a cordoned node has the unschedulable one. */
function nodeTaints(node: Node): Taint[] {
  const taints = effectiveTaints(node);
  if (node.spec.unschedulable && !taints.some((t) => t.key === TAINT_UNSCHEDULABLE))
    taints.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return taints;
}

/**
 * NodeShouldRunDaemonPod: whether a new daemon pod goes on the node (its nodeSelector and required
 * node affinity match, every NoSchedule and NoExecute taint tolerated), and whether one there may
 * stay (its NoExecute taints tolerated).
 */
export function nodeShouldRunDaemonPod(
  node: Node,
  ds: DaemonSet,
): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec = ds.spec.template.spec;
  // A template bound to one node by name runs there alone.
  if (spec.nodeName && spec.nodeName !== node.metadata.name)
    return { shouldRun: false, shouldContinueRunning: false };
  const probe = { spec } as Pod;
  if (!podMatchesNodeAffinity(probe, node))
    return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = withTolerations(spec.tolerations, daemonPodTolerations(!!spec.hostNetwork));
  const taints = nodeTaints(node);
  const untolerated = (effects: string[]) =>
    taints.some((t) => effects.includes(t.effect) && !tolerated(tolerations, t));
  return {
    shouldRun: !untolerated(['NoSchedule', 'NoExecute']),
    shouldContinueRunning: !untolerated(['NoExecute']),
  };
}

/** GetTargetNodeName: the pod's node, or, not yet scheduled, the one its node affinity names. */
export function daemonPodNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  for (const term of terms)
    for (const f of term.matchFields ?? [])
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1)
        return f.values[0];
  return undefined;
}

/**
 * The daemon set controller: claims the pods of its namespace that its selector matches (orphans
 * adopted, its pods that no longer match let go), then, node by node (manage):
 *   - a node that should run the pod and has none gets one, `<daemonset>-<5 random chars>`, with
 *     node affinity for that node alone (the scheduler binds it, as since Kubernetes 1.12) and
 *     the daemon tolerations;
 *   - a failed pod is deleted and another made, after a back-off per node (1 s doubling to 15
 *     min) so a pod the kubelet keeps rejecting does not spin;
 *   - more than one pod on a node: all but the oldest go; a node it may not stay on: they all go.
 * RollingUpdate (maxUnavailable, default 1; maxSurge 0) deletes old-template pods while fewer
 * than maxUnavailable nodes lack an available pod (an unavailable old pod goes at once); the
 * manage step then puts the new one on the node, once the old one is gone. With maxSurge (and
 * maxUnavailable 0), the new pod comes first, beside the old one, on up to maxSurge nodes at
 * once; the old one goes when the new one is available. OnDelete waits for a
 * user to delete them. Pods are the template's `controller-revision-hash` (a hash of the template)
 * and `pod-template-generation` (the DaemonSet's generation).
 */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  readonly #ctx: ControllerContext;
  /** Per `namespace/name|node`: the back-off after a failed pod. */
  readonly #backoff = new Map<string, { delay: number; until: number }>();
  readonly #requeue: Requeue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#requeue = new Requeue(ctx.clock, (key) => ctx.enqueue(this.name, key));
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'DaemonSet') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'Node') return this.#all();
    if (o.kind === 'ServiceAccount') return waitingFor(this.#ctx.store, 'DaemonSet', event);
    if (o.kind !== 'Pod' && o.kind !== 'ControllerRevision') return [];
    const ns = o.metadata.namespace ?? 'default';
    const owner = o.metadata.ownerReferences?.find((r) => r.controller);
    if (o.kind === 'ControllerRevision')
      return owner?.kind === 'DaemonSet' ? [`${ns}/${owner.name}`] : [];
    if (owner) return owner.kind === 'DaemonSet' ? [`${ns}/${owner.name}`] : [];
    if (event.type === 'DELETED') return [];
    return this.#ctx.store
      .list('DaemonSet', ns)
      .filter((ds) => selectorMatches(ds.spec.selector, o.metadata.labels))
      .map((ds) => `${ns}/${ds.metadata.name}`);
  }

  #all(): string[] {
    return this.#ctx.store
      .list('DaemonSet')
      .map((ds) => `${ds.metadata.namespace}/${ds.metadata.name}`);
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const ds = this.#ctx.store.get('DaemonSet', ns, name);
    if (!ds) {
      for (const k of [...this.#backoff.keys()])
        if (k.startsWith(`${key}|`)) this.#backoff.delete(k);
      this.#requeue.cancel(key);
      return;
    }
    const hash = templateHash(ds.spec.template);
    const current = this.#constructHistory(ds, hash);
    const nodes = this.#ctx.store.list('Node');
    let byNode = this.#podsByNode(ds);
    this.#manage(key, ds, nodes, byNode, hash);
    byNode = this.#podsByNode(ds);
    if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      this.#rollingUpdate(ds, nodes, byNode, hash);
      byNode = this.#podsByNode(ds);
    }
    this.#updateStatus(key, ds, nodes, byNode, hash);
    this.#cleanupHistory(ds, current, byNode);
  }

  /**
   * constructHistory: the ControllerRevision of the current template (`<daemonset>-<hash>`, made
   * with the revision after the highest, or, a template of before, given that number again, as
   * `rollout undo` makes it the newest), one per template (a duplicate's lower revision goes).
   */
  #constructHistory(ds: DaemonSet, hash: string): ControllerRevision {
    const { store } = this.#ctx;
    const ns = ds.metadata.namespace ?? 'default';
    const owned = store.list('ControllerRevision', ns).filter((r) => ownedBy(r, ds));
    const max = owned.reduce((m, r) => Math.max(m, r.revision), 0);
    const same = owned
      .filter((r) => r.metadata.labels?.[REVISION_HASH_LABEL] === hash)
      .sort((a, b) => b.revision - a.revision);
    for (const dup of same.slice(1)) this.#ctx.deleteObject(dup);
    let current = same[0];
    if (!current) {
      const name = `${ds.metadata.name}-${hash}`;
      // A revision of that name that is not this DaemonSet's: Kubernetes counts a collision and
      // hashes again; the lab names it after the next revision number instead.
      const taken = store.get('ControllerRevision', ns, name);
      current = store.put<ControllerRevision>({
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name: taken ? `${name}-${max + 1}` : name,
          namespace: ns,
          uid: this.#ctx.newUid(),
          creationTimestamp: this.#ctx.nowIso(),
          labels: { ...(ds.spec.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
          ...(ds.metadata.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
          ownerReferences: [controllerRef(ds)],
        },
        data: { spec: { template: goTemplate(ds.spec.template) } },
        revision: max + 1,
      });
    } else if (current.revision < max) {
      current = store.put<ControllerRevision>({ ...current, revision: max + 1 });
    }
    return current;
  }

  /**
   * cleanupHistory: past revisionHistoryLimit (default 10), the oldest revisions go, but not the
   * current one nor one a pod still runs.
   */
  #cleanupHistory(ds: DaemonSet, current: ControllerRevision, byNode: Map<string, Pod[]>): void {
    const ns = ds.metadata.namespace ?? 'default';
    const old = this.#ctx.store
      .list('ControllerRevision', ns)
      .filter((r) => ownedBy(r, ds) && r.metadata.uid !== current.metadata.uid)
      .sort((a, b) => a.revision - b.revision);
    let toKill = old.length - (ds.spec.revisionHistoryLimit ?? 10);
    if (toKill <= 0) return;
    const live = new Set<string>();
    for (const pods of byNode.values())
      for (const p of pods) {
        const h = p.metadata.labels?.[REVISION_HASH_LABEL];
        if (h) live.add(h);
      }
    for (const r of old) {
      if (toKill <= 0) break;
      if (live.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? '')) continue;
      this.#ctx.deleteObject(r);
      toKill--;
    }
  }

  /** The DaemonSet's pods (claimed: adopted and released as the ReplicaSet's are) by node. */
  #podsByNode(ds: DaemonSet): Map<string, Pod[]> {
    const { store } = this.#ctx;
    const uid = ds.metadata.uid;
    const byNode = new Map<string, Pod[]>();
    for (let p of store.list('Pod', ds.metadata.namespace)) {
      const owner = p.metadata.ownerReferences?.find((r) => r.controller);
      if (owner && owner.uid !== uid) continue;
      const matches = selectorMatches(ds.spec.selector, p.metadata.labels);
      if (owner && !matches) {
        releasePod(this.#ctx.store, p);
        continue;
      }
      if (!matches) continue;
      // An orphan in a terminal phase or going is not adopted (ClaimPods skips it).
      if (!owner) {
        if (isPodTerminating(p)) continue;
        p = adoptPod(this.#ctx.store, ds, p);
      }
      const node = daemonPodNode(p);
      if (!node) continue;
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(p);
    }
    for (const list of byNode.values()) list.sort(byAge);
    return byNode;
  }

  /** podsShouldBeOnNode for every node, then the creations and deletions it asks for. */
  #manage(key: string, ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string) {
    const now = this.#ctx.clock.now();
    let retryIn = Infinity;
    const toDelete: Pod[] = [];
    const toCreate: string[] = [];
    for (const node of nodes) {
      const nodeName = node.metadata.name;
      const pods = byNode.get(nodeName) ?? [];
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      if (shouldRun && pods.length === 0) {
        toCreate.push(nodeName);
      } else if (shouldContinueRunning) {
        const running: Pod[] = [];
        for (const p of pods) {
          if (isPodTerminating(p)) continue;
          if (p.status?.phase !== 'Failed') {
            running.push(p);
            continue;
          }
          // A failed daemon pod is killed and made again, after the node's back-off.
          const b = this.#backoff.get(`${key}|${nodeName}`);
          if (b && now < b.until) {
            retryIn = Math.min(retryIn, b.until - now);
            continue;
          }
          const delay = b ? Math.min(b.delay * 2, FAILED_BACKOFF_MAX_MS) : FAILED_BACKOFF_MS;
          this.#backoff.set(`${key}|${nodeName}`, { delay, until: now + delay });
          this.#ctx.events.record(
            ds,
            'Warning',
            'FailedDaemonPod',
            `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${nodeName}, will try to kill it`,
            COMPONENT,
          );
          toDelete.push(p);
        }
        // The oldest stays (sorted by age); any other is one too many. Surging, the oldest of
        // the template and the oldest of before may both stay (the rolling update's two).
        if (!allowsSurge(ds, nodes)) toDelete.push(...running.slice(1));
        else {
          const updated = running.filter((p) => isPodUpdated(p, hash, ds));
          const old = running.filter((p) => !isPodUpdated(p, hash, ds));
          toDelete.push(...updated.slice(1), ...old.slice(1));
          // An old pod that is not Ready goes, once the node has a new one (podsShouldBeOnNode).
          if (updated.length > 0 && old[0] && !isPodReady(old[0])) toDelete.push(old[0]);
        }
      } else {
        toDelete.push(...pods.filter((p) => !isPodTerminating(p)));
      }
    }
    // The API server refusing one (a missing ServiceAccount): no more this time (slowStartBatch).
    for (const nodeName of toCreate) if (!this.#createPod(ds, nodeName, hash)) break;
    for (const p of toDelete) this.#deletePod(ds, p);
    if (retryIn !== Infinity) this.#requeue.after(key, retryIn);
  }

  /**
   * rollingUpdate. With maxSurge 0: old pods go while the unavailable stay under maxUnavailable.
   * With maxSurge (maxUnavailable 0): a new pod is made beside the old one on up to maxSurge
   * nodes at once (at once where the old one is not available), and the old one goes when the
   * new one is available: the node is never without an available pod.
   */
  #rollingUpdate(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): void {
    const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).length;
    const surge = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0, desired, true);
    if (surge > 0) return this.#surge(ds, surge, nodes, byNode, hash);
    const maxUnavailable = Math.max(
      1,
      scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true),
    );
    const available = this.#available(ds);
    let numUnavailable = 0;
    const allowed: Pod[] = [];
    const candidates: Pod[] = [];
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name);
      // A node that wants the pod and has none is one unavailable (updatedDesiredNodeCounts).
      if (!pods) {
        if (nodeShouldRunDaemonPod(node, ds).shouldRun) numUnavailable++;
        continue;
      }
      const live = pods.filter((p) => !isPodTerminating(p));
      const updated = live.filter((p) => isPodUpdated(p, hash, ds));
      const old = live.filter((p) => !isPodUpdated(p, hash, ds));
      if (updated.length > 1 || old.length > 1 || (updated.length === 0) === (old.length === 0)) {
        numUnavailable++; // the manage step creates or deletes there first
      } else if (updated.length === 1) {
        if (!available(updated[0]!)) numUnavailable++;
      } else if (!available(old[0]!)) {
        allowed.push(old[0]!); // an old pod not available: replaced at once
      } else {
        candidates.push(old[0]!);
      }
    }
    const room = Math.max(0, Math.min(maxUnavailable - numUnavailable, candidates.length));
    for (const p of [...allowed, ...candidates.slice(0, room)]) this.#deletePod(ds, p);
  }

  /** The surging rolling update (the daemon set controller's update.go, maxSurge > 0). */
  #surge(
    ds: DaemonSet,
    maxSurge: number,
    nodes: Node[],
    byNode: Map<string, Pod[]>,
    hash: string,
  ): void {
    const available = this.#available(ds);
    const oldToDelete: Pod[] = [];
    const allowedNew: string[] = [];
    const candidates: string[] = [];
    let numSurge = 0;
    const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
    for (const [nodeName, pods] of byNode) {
      const live = pods.filter((p) => !isPodTerminating(p));
      const node = nodeByName.get(nodeName);
      if (!node || !nodeShouldRunDaemonPod(node, ds).shouldRun) {
        // A node that should run no new pod: an old one there is not replaced, only let go when
        // it is not available (it may stay, as a NoSchedule taint allows: the manage step's).
        for (const p of live) if (!isPodUpdated(p, hash, ds) && !available(p)) oldToDelete.push(p);
        continue;
      }
      const updated = live.filter((p) => isPodUpdated(p, hash, ds));
      const old = live.filter((p) => !isPodUpdated(p, hash, ds));
      if (updated.length > 1 || old.length > 1) {
        numSurge++; // the manage step cleans this node up first
        continue;
      }
      const [newPod] = updated;
      const [oldPod] = old;
      if (!oldPod) continue; // up to date, or the manage step makes its pod
      if (!newPod) {
        if (available(oldPod)) candidates.push(nodeName);
        else allowedNew.push(nodeName); // an old pod not available: replaced at once
      } else if (!available(newPod)) {
        numSurge++; // surged here, waiting for the new pod
      } else {
        oldToDelete.push(oldPod);
      }
    }
    const room = Math.max(0, Math.min(maxSurge - numSurge, candidates.length));
    for (const nodeName of [...allowedNew, ...candidates.slice(0, room)])
      if (!this.#createPod(ds, nodeName, hash)) break;
    for (const p of oldToDelete) this.#deletePod(ds, p);
  }

  /** IsPodAvailable with the DaemonSet's minReadySeconds (and a look again when one will be). */
  #available(ds: DaemonSet): (p: Pod) => boolean {
    const key = `${ds.metadata.namespace}/${ds.metadata.name}`;
    const now = this.#ctx.clock.now();
    return availableAfter(ds.spec.minReadySeconds, isPodReady, this.#requeue, key, now);
  }

  #updateStatus(
    key: string,
    ds: DaemonSet,
    nodes: Node[],
    byNode: Map<string, Pod[]>,
    hash: string,
  ): void {
    const available = this.#available(ds);
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let availableCount = 0;
    let updated = 0;
    for (const node of nodes) {
      const pods = byNode.get(node.metadata.name) ?? [];
      if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
        if (pods.length > 0) misscheduled++;
        continue;
      }
      desired++;
      const pod = pods[0];
      if (!pod) continue;
      current++;
      if (isPodReady(pod)) {
        ready++;
        if (available(pod)) availableCount++;
      }
      if (isPodUpdated(pod, hash, ds)) updated++;
    }
    const status: NonNullable<DaemonSet['status']> = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: updated,
      numberAvailable: availableCount,
    };
    // omitempty: no numberUnavailable when every desired pod is available.
    if (desired - availableCount > 0) status.numberUnavailable = desired - availableCount;
    const fresh = this.#ctx.store.get('DaemonSet', ...splitKey(key));
    if (fresh && JSON.stringify(fresh.status) !== JSON.stringify(status))
      this.#ctx.store.put<DaemonSet>({ ...fresh, status });
  }

  /** Makes the node's pod; false when the API server refused it. */
  #createPod(ds: DaemonSet, nodeName: string, hash: string): boolean {
    const template = structuredClone(ds.spec.template);
    const spec = template.spec;
    // ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms name this node alone.
    const nodeAffinity = spec.affinity?.nodeAffinity ?? {};
    spec.affinity = {
      ...spec.affinity,
      nodeAffinity: {
        ...nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] },
          ],
        },
      },
    };
    spec.tolerations = withTolerations(spec.tolerations, daemonPodTolerations(!!spec.hostNetwork));
    const made = createOwnedPod(this.#ctx, ds, COMPONENT.component, {
      prefix: `${ds.metadata.name}-`,
      labels: {
        ...(template.metadata?.labels ?? {}),
        [REVISION_HASH_LABEL]: hash,
        [TEMPLATE_GENERATION_LABEL]: String(ds.metadata.generation ?? 1),
      },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      spec,
    });
    return typeof made === 'string';
  }

  #deletePod(ds: DaemonSet, p: Pod): void {
    this.#ctx.deletePod(p.metadata.namespace ?? 'default', p.metadata.name);
    this.#ctx.events.record(
      ds,
      'Normal',
      'SuccessfulDelete',
      `Deleted pod: ${p.metadata.name}`,
      COMPONENT,
    );
  }
}

/** IsPodUpdated: the pod is of the current template (its hash, or the DaemonSet's generation). */
function isPodUpdated(p: Pod, hash: string, ds: DaemonSet): boolean {
  const labels = p.metadata.labels ?? {};
  return (
    labels[REVISION_HASH_LABEL] === hash ||
    labels[TEMPLATE_GENERATION_LABEL] === String(ds.metadata.generation ?? 1)
  );
}

/** Oldest first; a running pod before a pending one of the same age. */
function byAge(a: Pod, b: Pod): number {
  return (
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
    Number(a.status?.phase !== 'Running') - Number(b.status?.phase !== 'Running') ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}

/** A RollingUpdate with maxSurge above 0 (util.AllowsSurge): a node may run an old and a new pod. */
function allowsSurge(ds: DaemonSet, nodes: Node[]): boolean {
  const ru = ds.spec.updateStrategy;
  if ((ru?.type ?? 'RollingUpdate') !== 'RollingUpdate') return false;
  const desired = nodes.filter((n) => nodeShouldRunDaemonPod(n, ds).shouldRun).length;
  return scaledValue(ru?.rollingUpdate?.maxSurge ?? 0, Math.max(desired, 1), true) > 0;
}
