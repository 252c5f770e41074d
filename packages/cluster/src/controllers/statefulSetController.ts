// The stateful set controller (pkg/controller/statefulset): pods with a stable identity,
// `<statefulset>-<ordinal>`, each with its own hostname under the governing Service (so a headless
// Service gives every pod a DNS name), made in order and removed in reverse order, rolled to a new
// template from the highest ordinal down, with the status `kubectl get sts` and `kubectl rollout
// status sts` read.
import type { ControllerRevision, Pod, PodSpec, StatefulSet, WatchEvent } from '@l4lab/protocol';
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
import { goTemplate, revisionTemplate, templateHash } from './revisionHistory.ts';
import { isPodReady, isPodTerminating } from '../podStatus.ts';
import { selectorMatches } from '../selectors.ts';

const COMPONENT = 'statefulset-controller';
/** The pod label naming the revision a pod was made from (the revision's name, for a StatefulSet). */
export const POD_REVISION_LABEL = 'controller-revision-hash';
/** A StatefulSet's revisions carry their hash here (history.ControllerRevisionHashLabel). */
export const REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** When a pod's name is held by a pod not the StatefulSet's, it tries again this much later. */
const CREATE_RETRY_MS = 5000;

/** getParentNameAndOrdinal: `web-2` is ordinal 2 of `web`. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-(\d+)$/.exec(podName);
  if (!m) return undefined;
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) ? { parent: m[1]!, ordinal } : undefined;
}

/** isMemberOf: the pod's name is the StatefulSet's name and an ordinal. */
function isMemberOf(sts: StatefulSet, p: Pod): boolean {
  return parentAndOrdinal(p.metadata.name)?.parent === sts.metadata.name;
}

const ordinalOf = (p: Pod) => parentAndOrdinal(p.metadata.name)?.ordinal ?? -1;
const isRunningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const ended = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

/**
 * The stateful set controller. For its StatefulSet it:
 *   - claims the pods its selector matches whose name is `<statefulset>-<ordinal>` (orphans
 *     adopted, its pods that no longer match let go);
 *   - keeps a ControllerRevision per template (`<statefulset>-<hash>`): the update revision is
 *     the template in force, the current one what `status.currentRevision` names;
 *   - for each ordinal in [start, start+replicas), in order: a failed or ended pod is deleted
 *     (and made again once gone); a missing one is made, with hostname `<name>`, subdomain the
 *     governing Service, and a volume per claim template naming `<claim>-<pod>`. OrderedReady
 *     waits for each pod to be Running and Ready (and available, minReadySeconds) before the
 *     next; Parallel makes them all at once;
 *   - deletes the pods past the replicas, highest ordinal first, one at a time once all others
 *     are healthy (OrderedReady) or all at once (Parallel);
 *   - RollingUpdate: from the highest ordinal down to the partition, deletes one pod not of the
 *     update revision and waits for its successor to be Running and Ready; OnDelete waits for
 *     a user to delete them. A pod below the partition is made from the current revision.
 * The lab provisions no PersistentVolumeClaim: the claim templates' names are in each pod's
 * volumes, and a Warning says no claim was made.
 */
export class StatefulSetController implements Controller {
  readonly name = COMPONENT;
  readonly #ctx: ControllerContext;
  readonly #requeue: Requeue;
  /** StatefulSets told that their claims are not provisioned (uid). */
  readonly #claimsWarned = new Set<string>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#requeue = new Requeue(ctx.clock, (key) => ctx.enqueue(this.name, key));
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'StatefulSet') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'ServiceAccount') return waitingFor(this.#ctx.store, 'StatefulSet', event);
    if (o.kind !== 'Pod' && o.kind !== 'ControllerRevision') return [];
    const ns = o.metadata.namespace ?? 'default';
    const owner = o.metadata.ownerReferences?.find((r) => r.controller);
    if (owner) return owner.kind === 'StatefulSet' ? [`${ns}/${owner.name}`] : [];
    const sets = this.#ctx.store.list('StatefulSet', ns);
    if (o.kind === 'ControllerRevision')
      return sets
        .filter((s) => selectorMatches(s.spec.selector, o.metadata.labels))
        .map((s) => `${ns}/${s.metadata.name}`);
    // A pod named as a member: one to adopt, or, gone, a name the StatefulSet may use again.
    return sets
      .filter(
        (s) =>
          isMemberOf(s, o) &&
          (event.type === 'DELETED' || selectorMatches(s.spec.selector, o.metadata.labels)),
      )
      .map((s) => `${ns}/${s.metadata.name}`);
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const sts = this.#ctx.store.get('StatefulSet', ns, name);
    if (!sts) {
      this.#requeue.cancel(key);
      return;
    }
    if (sts.metadata.deletionTimestamp) return;
    this.#adoptOrphanRevisions(sts);
    const revisions = this.#revisions(sts);
    const update = this.#updateRevision(sts, revisions);
    const current =
      revisions.find((r) => r.metadata.name === sts.status?.currentRevision) ?? update;
    this.#warnClaims(sts);
    this.#update(key, sts, current, update);
    const pods = this.#claimPods(sts);
    this.#updateStatus(key, sts, pods, current, update);
    this.#truncateHistory(sts, pods, current, update);
  }

  /**
   * adoptOrphanRevisions: a revision its selector matches that no controller owns (left by a
   * `kubectl delete sts --cascade=orphan`) is its own again, so the pods it left keep running.
   */
  #adoptOrphanRevisions(sts: StatefulSet): void {
    for (const r of this.#ctx.store.list('ControllerRevision', sts.metadata.namespace)) {
      if (r.metadata.ownerReferences?.some((o) => o.controller)) continue;
      if (!selectorMatches(sts.spec.selector, r.metadata.labels)) continue;
      const refs = [...(r.metadata.ownerReferences ?? []), controllerRef(sts)];
      this.#ctx.store.put<ControllerRevision>({
        ...r,
        metadata: { ...r.metadata, ownerReferences: refs },
      });
    }
  }

  /** The StatefulSet's revisions, oldest first. */
  #revisions(sts: StatefulSet): ControllerRevision[] {
    return this.#ctx.store
      .list('ControllerRevision', sts.metadata.namespace)
      .filter((r) => ownedBy(r, sts))
      .sort((a, b) => a.revision - b.revision);
  }

  /**
   * getStatefulSetRevisions' update revision: the template's revision, made with the revision
   * after the highest, or, a template of before, given that number again (a rollback).
   */
  #updateRevision(sts: StatefulSet, revisions: ControllerRevision[]): ControllerRevision {
    const { store } = this.#ctx;
    const ns = sts.metadata.namespace ?? 'default';
    const hash = templateHash(sts.spec.template);
    const max = revisions.reduce((m, r) => Math.max(m, r.revision), 0);
    const equal = revisions.filter((r) => r.metadata.labels?.[REVISION_HASH_LABEL] === hash);
    const last = equal[equal.length - 1];
    if (last) {
      if (last.revision === max) return last;
      return store.put<ControllerRevision>({ ...last, revision: max + 1 });
    }
    // A revision of that name that is not this StatefulSet's: Kubernetes counts a collision and
    // hashes again; the lab adds a number instead.
    let name = `${sts.metadata.name}-${hash}`;
    for (let n = max + 1; store.get('ControllerRevision', ns, name); n++)
      name = `${sts.metadata.name}-${hash}-${n}`;
    return store.put<ControllerRevision>({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name,
        namespace: ns,
        uid: this.#ctx.newUid(),
        creationTimestamp: this.#ctx.nowIso(),
        labels: { ...(sts.spec.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
        ...(sts.metadata.annotations ? { annotations: { ...sts.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(sts)],
      },
      data: { spec: { template: goTemplate(sts.spec.template) } },
      revision: max + 1,
    });
  }

  /** The pods this StatefulSet owns (claimed as the ReplicaSet's are, its members only). */
  #claimPods(sts: StatefulSet): Pod[] {
    const uid = sts.metadata.uid;
    const pods: Pod[] = [];
    for (let p of this.#ctx.store.list('Pod', sts.metadata.namespace)) {
      const owner = p.metadata.ownerReferences?.find((r) => r.controller);
      if (owner && owner.uid !== uid) continue;
      const matches = selectorMatches(sts.spec.selector, p.metadata.labels) && isMemberOf(sts, p);
      if (owner && !matches) {
        releasePod(this.#ctx.store, p);
        continue;
      }
      if (!matches) continue;
      if (!owner) {
        if (isPodTerminating(p)) continue;
        p = adoptPod(this.#ctx.store, sts, p);
      }
      // updateIdentity: an adopted pod gets the identity labels the set's own pods have.
      const identity = {
        [POD_NAME_LABEL]: p.metadata.name,
        [POD_INDEX_LABEL]: String(ordinalOf(p)),
      };
      const labels = p.metadata.labels ?? {};
      if (!isPodTerminating(p) && Object.entries(identity).some(([k, v]) => labels[k] !== v))
        p = this.#ctx.store.put<Pod>({
          ...p,
          metadata: { ...p.metadata, labels: { ...labels, ...identity } },
        });
      pods.push(p);
    }
    return pods;
  }

  /** updateStatefulSet: replicas made, condemned removed, then one step of the rolling update. */
  #update(key: string, sts: StatefulSet, current: ControllerRevision, update: ControllerRevision) {
    const pods = this.#claimPods(sts);
    const start = sts.spec.ordinals?.start ?? 0;
    const count = sts.spec.replicas ?? 1;
    const monotonic = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const available = this.#available(key, sts);
    const replicas: (Pod | undefined)[] = new Array<Pod | undefined>(count).fill(undefined);
    const condemned: Pod[] = [];
    for (const p of pods) {
      const i = ordinalOf(p) - start;
      if (i >= 0 && i < count) replicas[i] = p;
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    // The first pod not Running and Ready, by ordinal (replicas first): the one a scale-down
    // may take though it is unhealthy.
    const firstUnhealthy = [...replicas, ...[...condemned].reverse()].find(
      (p) => p && (!isRunningAndReady(p) || isPodTerminating(p)),
    );

    for (let i = 0; i < count; i++) {
      let pod = replicas[i];
      if (pod && ended(pod) && !isPodTerminating(pod)) {
        const failed = pod.status?.phase === 'Failed';
        this.#ctx.events.record(
          sts,
          failed ? 'Warning' : 'Normal',
          failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
          `StatefulSet ${sts.metadata.namespace}/${sts.metadata.name} is recreating ${failed ? 'failed' : 'terminated'} Pod ${pod.metadata.name}`,
          { component: COMPONENT },
        );
        this.#deletePod(sts, pod);
        pod = this.#ctx.store.get('Pod', sts.metadata.namespace, pod.metadata.name);
        replicas[i] = pod;
      }
      if (!pod) {
        if (!this.#createPod(sts, start + i, current, update)) {
          // The name is another's (a pod let go, another controller's): look again later, and
          // at once when that pod goes (keysFor).
          this.#requeue.after(key, CREATE_RETRY_MS);
          if (monotonic) return;
          continue;
        }
        if (monotonic) return;
        continue;
      }
      if (isPodTerminating(pod) && monotonic) return;
      if (!isRunningAndReady(pod) && monotonic) return;
      if (!available(pod) && monotonic) return;
    }

    for (const pod of condemned) {
      if (isPodTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !available(pod)))
        return;
      this.#deletePod(sts, pod);
      if (monotonic) return;
    }

    if ((sts.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return;
    const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let i = count - 1; i >= partition; i--) {
      const pod = replicas[i];
      if (!pod) return;
      if (pod.metadata.labels?.[POD_REVISION_LABEL] !== update.metadata.name) {
        if (!isPodTerminating(pod)) this.#deletePod(sts, pod);
        return;
      }
      if (!isRunningAndReady(pod) || isPodTerminating(pod)) return;
    }
  }

  /** IsPodAvailable with the StatefulSet's minReadySeconds (and a look again when one will be). */
  #available(key: string, sts: StatefulSet): (p: Pod) => boolean {
    const now = this.#ctx.clock.now();
    return availableAfter(sts.spec.minReadySeconds, isRunningAndReady, this.#requeue, key, now);
  }

  /**
   * newVersionedStatefulSetPod: below the partition, while a rolling update is under way, the
   * current revision's template; else the update revision's. Returns false when the name is
   * held by a pod that is not this StatefulSet's.
   */
  #createPod(
    sts: StatefulSet,
    ordinal: number,
    current: ControllerRevision,
    update: ControllerRevision,
  ): boolean {
    const ns = sts.metadata.namespace ?? 'default';
    const name = `${sts.metadata.name}-${ordinal}`;
    if (this.#ctx.store.get('Pod', ns, name)) {
      this.#ctx.events.record(
        sts,
        'Warning',
        'FailedCreate',
        `create Pod ${name} in StatefulSet ${sts.metadata.name} failed error: pods "${name}" already exists`,
        { component: COMPONENT },
      );
      return false;
    }
    const strategy = sts.spec.updateStrategy;
    const start = sts.spec.ordinals?.start ?? 0;
    const fromCurrent = strategy?.rollingUpdate
      ? ordinal < start + (strategy.rollingUpdate.partition ?? 0)
      : (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
        ordinal < start + (sts.status?.currentReplicas ?? 0);
    const revision = fromCurrent ? current : update;
    const template = fromCurrent ? revisionTemplate(current) : structuredClone(sts.spec.template);
    const spec: PodSpec = { ...template.spec, hostname: name };
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    // updateStorage: a volume per claim template, replacing the template's own of that name.
    const claims = (sts.spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name ?? '');
    if (claims.length > 0) {
      const own = (spec.volumes ?? []).filter((v) => !claims.includes(v.name));
      spec.volumes = [
        ...own,
        ...claims.map((claim) => ({
          name: claim,
          persistentVolumeClaim: { claimName: `${claim}-${name}` },
        })),
      ];
    }
    const made = createOwnedPod(this.#ctx, sts, COMPONENT, {
      prefix: `${sts.metadata.name}-`,
      name,
      event: `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`,
      failedEvent: (why) =>
        `create Pod ${name} in StatefulSet ${sts.metadata.name} failed error: ${why}`,
      labels: {
        ...(template.metadata?.labels ?? {}),
        [POD_REVISION_LABEL]: revision.metadata.name,
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
      },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      spec,
    });
    return typeof made === 'string';
  }

  #deletePod(sts: StatefulSet, p: Pod): void {
    this.#ctx.deletePod(p.metadata.namespace ?? 'default', p.metadata.name);
    this.#ctx.events.record(
      sts,
      'Normal',
      'SuccessfulDelete',
      `delete Pod ${p.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
      { component: COMPONENT },
    );
  }

  /** The claims are not made: said once per StatefulSet, not pretended. */
  #warnClaims(sts: StatefulSet): void {
    const claims = (sts.spec.volumeClaimTemplates ?? []).map((c) => c.metadata?.name ?? '');
    const uid = sts.metadata.uid ?? '';
    if (claims.length === 0 || this.#claimsWarned.has(uid)) return;
    this.#claimsWarned.add(uid);
    this.#ctx.events.record(
      sts,
      'Warning',
      'ClaimsNotProvisioned',
      `l4lab provisions no PersistentVolumeClaims: each pod names its claim (${claims.map((c) => `${c}-${sts.metadata.name}-N`).join(', ')}) but none is made, and nothing a pod writes outlives it`,
      { component: COMPONENT },
    );
  }

  /** computeReplicaStatus, then completeRollingUpdate. */
  #updateStatus(
    key: string,
    sts: StatefulSet,
    pods: Pod[],
    current: ControllerRevision,
    update: ControllerRevision,
  ): void {
    const available = this.#available(key, sts);
    let replicas = 0;
    let ready = 0;
    let availableCount = 0;
    let currentCount = 0;
    let updated = 0;
    for (const p of pods) {
      replicas++;
      if (isRunningAndReady(p)) {
        ready++;
        if (available(p)) availableCount++;
      }
      if (!isPodTerminating(p)) {
        const revision = p.metadata.labels?.[POD_REVISION_LABEL];
        if (revision === current.metadata.name) currentCount++;
        if (revision === update.metadata.name) updated++;
      }
    }
    let currentRevision = current.metadata.name;
    if (
      (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      updated === replicas &&
      ready === replicas
    ) {
      currentCount = updated;
      currentRevision = update.metadata.name;
    }
    // omitempty, as the API server writes it: a zero count is left out (availableReplicas is not).
    const status: NonNullable<StatefulSet['status']> = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas,
      ...(ready ? { readyReplicas: ready } : {}),
      ...(currentCount ? { currentReplicas: currentCount } : {}),
      ...(updated ? { updatedReplicas: updated } : {}),
      currentRevision,
      updateRevision: update.metadata.name,
      collisionCount: 0,
      availableReplicas: availableCount,
    };
    const fresh = this.#ctx.store.get('StatefulSet', ...splitKey(key));
    if (fresh && JSON.stringify(fresh.status) !== JSON.stringify(status))
      this.#ctx.store.put<StatefulSet>({ ...fresh, status });
  }

  /** truncateHistory: past revisionHistoryLimit, the oldest revisions no pod runs go. */
  #truncateHistory(
    sts: StatefulSet,
    pods: Pod[],
    current: ControllerRevision,
    update: ControllerRevision,
  ): void {
    const live = new Set([current.metadata.name, update.metadata.name]);
    for (const p of pods) live.add(p.metadata.labels?.[POD_REVISION_LABEL] ?? '');
    const history = this.#revisions(sts).filter((r) => !live.has(r.metadata.name));
    const excess = history.length - (sts.spec.revisionHistoryLimit ?? 10);
    for (const r of history.slice(0, Math.max(0, excess))) this.#ctx.deleteObject(r);
  }
}
