// The job controller (pkg/controller/job) and the TTL-after-finished controller: a Job's pods run
// to completion, `parallelism` at a time, until `completions` succeed (each index once, Indexed),
// the failures pass `backoffLimit` or the Job outlives `activeDeadlineSeconds`; then the Job is
// Complete or Failed, and, with `ttlSecondsAfterFinished`, deleted that long after.
import type { Job, JobCondition, Pod, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, splitKey } from './types.ts';
import { createOwnedPod, Requeue, waitingFor } from './podOwnership.ts';
import { isPodReady, isPodTerminating } from '../podStatus.ts';
import { selectorMatches } from '../selectors.ts';

const COMPONENT = { component: 'job-controller' };
/** On each pod until the controller has counted its end (job tracking with finalizers). */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** An Indexed Job's pod's index: annotation and label. */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff: 10 s, doubling, at most 6 min. */
const FAILURE_BACKOFF_MS = 10_000;
const FAILURE_BACKOFF_MAX_MS = 6 * 60_000;

type Status = NonNullable<Job['status']>;

const isFinished = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const hasCondition = (s: Status, type: JobCondition['type']) =>
  (s.conditions ?? []).some((c) => c.type === type && c.status === 'True');

/**
 * The job controller. Each pod carries the job-tracking finalizer until its end is counted into
 * `status.succeeded` or `status.failed` (a pod deleted before it ended counts as failed), so the
 * counts survive the pods and a restart of the lab. Pods are `<job>-<5 random chars>`
 * (`<job>-<index>-<5 random chars>` when Indexed, with the index as annotation, label, hostname
 * and JOB_COMPLETION_INDEX). After a failure the next pod waits 10 s, doubling with each failure
 * in a row (at most 6 min). `suspend: true` deletes the active pods and pauses the Job. With
 * restartPolicy OnFailure the kubelet restarts a failing container in place, and its restarts
 * count against `backoffLimit`.
 */
export class JobController implements Controller {
  readonly name = 'job-controller';
  readonly #ctx: ControllerContext;
  readonly #requeue: Requeue;
  /**
   * Pods removed while their end was not counted yet (force-deleted, or never scheduled: the
   * lab enforces no finalizer), by Job: counted at the next reconcile, Succeeded or failed.
   */
  readonly #removed = new Map<string, Map<string, 'Succeeded' | 'Failed'>>();
  /** Failures in a row since the last success, per Job: the back-off of its next pod. */
  readonly #failures = new Map<string, { count: number; last: number }>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#requeue = new Requeue(ctx.clock, (key) => ctx.enqueue(this.name, key));
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    const ns = o.metadata.namespace ?? 'default';
    if (o.kind === 'Job') return [`${ns}/${o.metadata.name}`];
    if (o.kind === 'ServiceAccount') return waitingFor(this.#ctx.store, 'Job', event);
    if (o.kind !== 'Pod') return [];
    const owner = o.metadata.ownerReferences?.find((r) => r.controller);
    if (owner?.kind !== 'Job') return [];
    const key = `${ns}/${owner.name}`;
    if (event.type === 'DELETED' && o.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) {
      let removed = this.#removed.get(key);
      if (!removed) this.#removed.set(key, (removed = new Map()));
      removed.set(
        o.metadata.uid ?? o.metadata.name,
        o.status?.phase === 'Succeeded' ? 'Succeeded' : 'Failed',
      );
    }
    return [key];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const job = store.get('Job', ns, name);
    if (!job || job.metadata.deletionTimestamp) {
      this.#requeue.cancel(key);
      this.#failures.delete(key);
      this.#removed.delete(key);
      return;
    }
    const now = this.#ctx.clock.now();
    const status: Status = structuredClone(job.status ?? {});
    const pods = this.#claimPods(job);
    this.#countEnds(key, job, pods, status);
    const live = pods.filter((p) => !isFinished(p) && !isPodTerminating(p));
    if (hasCondition(status, 'Complete') || hasCondition(status, 'Failed')) {
      this.#write(key, status, pods);
      this.#expireAfterTtl(key, job, status, now);
      return;
    }
    if (hasCondition(status, 'FailureTarget')) {
      this.#finishFailing(key, job, status, now);
      return;
    }
    if (job.spec.suspend) {
      for (const p of live) this.#deletePod(job, p);
      if (!hasCondition(status, 'Suspended')) {
        setCondition(status, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now);
        this.#event(job, 'Normal', 'Suspended', 'Job suspended');
      }
      delete status.startTime;
      this.#write(key, status, this.#claimPods(job));
      return;
    }
    if (hasCondition(status, 'Suspended')) {
      setCondition(status, 'Suspended', 'False', 'JobResumed', 'Job resumed', now);
      this.#event(job, 'Normal', 'Resumed', 'Job resumed');
    }
    status.startTime ??= new Date(now).toISOString();

    const deadline = job.spec.activeDeadlineSeconds;
    const started = Date.parse(status.startTime);
    if (
      (status.failed ?? 0) > (job.spec.backoffLimit ?? 6) ||
      pastBackoffLimitOnFailure(job, pods)
    ) {
      this.#fail(
        key,
        job,
        status,
        live,
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        now,
      );
      return;
    }
    if (deadline !== undefined && now - started >= deadline * 1000) {
      this.#fail(
        key,
        job,
        status,
        live,
        'DeadlineExceeded',
        'Job was active longer than specified deadline',
        now,
      );
      return;
    }
    if (deadline !== undefined) this.#requeue.after(key, started + deadline * 1000 - now);

    const indexed = job.spec.completionMode === 'Indexed';
    const completions = job.spec.completions;
    const succeeded = status.succeeded ?? 0;
    const done = indexed
      ? parseIndexes(status.completedIndexes).size >= (completions ?? 0)
      : completions !== undefined
        ? succeeded >= completions
        : succeeded > 0 && live.length === 0;
    if (done) {
      for (const p of live) this.#deletePod(job, p);
      if (!hasCondition(status, 'SuccessCriteriaMet'))
        setCondition(
          status,
          'SuccessCriteriaMet',
          'True',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          now,
        );
      // Complete once no pod of it runs or terminates any more.
      const pending = this.#claimPods(job).filter((p) => !isFinished(p));
      if (pending.length === 0) {
        setCondition(
          status,
          'Complete',
          'True',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          now,
        );
        status.completionTime = new Date(now).toISOString();
        this.#event(job, 'Normal', 'Completed', 'Job completed');
      }
      this.#write(key, status, this.#claimPods(job));
      this.#expireAfterTtl(key, job, status, now);
      return;
    }

    this.#scale(key, job, status, pods, live, now);
    this.#write(key, status, this.#claimPods(job));
  }

  /** The pods to have running now, made (after the failure back-off) or deleted. */
  #scale(key: string, job: Job, status: Status, pods: Pod[], live: Pod[], now: number): void {
    const parallelism = job.spec.parallelism ?? 1;
    // podReplacementPolicy Failed: a terminating pod still holds its place until it ends.
    const holding =
      job.spec.podReplacementPolicy === 'Failed'
        ? pods.filter((p) => isPodTerminating(p) && !isFinished(p)).length
        : 0;
    const completions = job.spec.completions;
    let wanted: number;
    let indexes: number[] = [];
    if (job.spec.completionMode === 'Indexed') {
      const succeeded = parseIndexes(status.completedIndexes);
      const running = new Set(live.map((p) => indexOf(p)));
      for (let i = 0; i < (completions ?? 0); i++)
        if (!succeeded.has(i) && !running.has(i)) indexes.push(i);
      wanted = Math.min(parallelism, live.length + indexes.length);
    } else if (completions !== undefined) {
      wanted = Math.min(parallelism, completions - (status.succeeded ?? 0));
    } else {
      wanted = (status.succeeded ?? 0) > 0 ? live.length : parallelism;
    }
    wanted = Math.max(0, wanted - holding);
    if (live.length > wanted) {
      const newest = [...live].sort((a, b) =>
        (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''),
      );
      for (const p of newest.slice(0, live.length - wanted)) this.#deletePod(job, p);
      return;
    }
    const toMake = wanted - live.length;
    if (toMake <= 0) return;
    const f = this.#failures.get(key);
    if (f && f.count > 0) {
      const delay = Math.min(FAILURE_BACKOFF_MS * 2 ** (f.count - 1), FAILURE_BACKOFF_MAX_MS);
      const wait = f.last + delay - now;
      if (wait > 0) {
        this.#requeue.after(key, wait);
        return;
      }
    }
    indexes = indexes.slice(0, toMake);
    // The API server refusing one (a missing ServiceAccount): no more this time.
    for (let i = 0; i < toMake; i++) if (!this.#createPod(job, indexes[i])) break;
  }

  /** Pods of the Job (its controller reference; orphans its selector matches are adopted). */
  #claimPods(job: Job): Pod[] {
    const { store } = this.#ctx;
    const uid = job.metadata.uid;
    const out: Pod[] = [];
    for (let p of store.list('Pod', job.metadata.namespace)) {
      const owner = p.metadata.ownerReferences?.find((r) => r.controller);
      if (owner) {
        if (owner.uid === uid) out.push(p);
        continue;
      }
      if (!job.spec.selector || isPodTerminating(p) || isFinished(p)) continue;
      if (!selectorMatches(job.spec.selector, p.metadata.labels)) continue;
      const finalizers = [...(p.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
      p = store.put<Pod>({
        ...p,
        metadata: { ...p.metadata, ownerReferences: [controllerRef(job)], finalizers },
      });
      out.push(p);
    }
    return out;
  }

  /**
   * Each pod whose end is not counted yet (it still has the finalizer): a Succeeded pod counts as
   * succeeded (its index completed), a Failed one or one deleted before it ended as failed; then
   * its finalizer goes.
   */
  #countEnds(key: string, job: Job, pods: Pod[], status: Status): void {
    const indexes = parseIndexes(status.completedIndexes);
    const now = this.#ctx.clock.now();
    for (const p of pods) {
      if (!p.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) continue;
      const phase = p.status?.phase;
      if (phase === 'Succeeded') {
        const i = indexOf(p);
        if (job.spec.completionMode !== 'Indexed' || (i !== undefined && !indexes.has(i))) {
          status.succeeded = (status.succeeded ?? 0) + 1;
          if (i !== undefined) indexes.add(i);
        }
        this.#failures.delete(key);
      } else if (phase === 'Failed') {
        status.failed = (status.failed ?? 0) + 1;
        const f = this.#failures.get(key);
        this.#failures.set(key, { count: (f?.count ?? 0) + 1, last: now });
      } else {
        continue;
      }
      this.#dropFinalizer(p);
    }
    // Pods removed before their end was counted: their last phase says which.
    for (const phase of this.#removed.get(key)?.values() ?? []) {
      if (phase === 'Succeeded') {
        status.succeeded = (status.succeeded ?? 0) + 1;
        this.#failures.delete(key);
      } else {
        status.failed = (status.failed ?? 0) + 1;
        const f = this.#failures.get(key);
        this.#failures.set(key, { count: (f?.count ?? 0) + 1, last: now });
      }
    }
    this.#removed.delete(key);
    if (job.spec.completionMode === 'Indexed') {
      const text = formatIndexes(indexes);
      if (text) status.completedIndexes = text;
      else delete status.completedIndexes;
    }
  }

  /**
   * The Job failed (backoffLimit, deadline): FailureTarget now, its running pods killed (each
   * counted as failed once it is gone), Failed once none is left terminating.
   */
  #fail(
    key: string,
    job: Job,
    status: Status,
    live: Pod[],
    reason: string,
    message: string,
    now: number,
  ): void {
    setCondition(status, 'FailureTarget', 'True', reason, message, now);
    this.#event(job, 'Warning', reason, message);
    for (const p of live) this.#killPod(job, p);
    this.#finishFailing(key, job, status, now);
  }

  #finishFailing(key: string, job: Job, status: Status, now: number): void {
    const pods = this.#claimPods(job);
    for (const p of pods) if (!isFinished(p) && !isPodTerminating(p)) this.#killPod(job, p);
    const target = (status.conditions ?? []).find((c) => c.type === 'FailureTarget');
    const left = this.#claimPods(job).filter((p) => !isFinished(p)).length;
    if (left === 0 && target)
      setCondition(status, 'Failed', 'True', target.reason ?? '', target.message ?? '', now);
    this.#write(key, status, this.#claimPods(job));
    if (left === 0) this.#expireAfterTtl(key, job, status, now);
  }

  /** The counts of the pods as they are now, then the status if it changed. */
  #write(key: string, status: Status, pods: Pod[]): void {
    const active = pods.filter((p) => !isFinished(p) && !isPodTerminating(p));
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = pods.filter((p) => isPodTerminating(p) && !isFinished(p)).length;
    status.succeeded ??= 0;
    status.failed ??= 0;
    status.uncountedTerminatedPods = {};
    // omitempty: zero counts are left out, as the API server returns them.
    for (const k of ['active', 'ready', 'terminating', 'succeeded', 'failed'] as const)
      if (status[k] === 0 && k !== 'ready') delete status[k];
    const fresh = this.#ctx.store.get('Job', ...splitKey(key));
    if (fresh && JSON.stringify(fresh.status) !== JSON.stringify(status))
      this.#ctx.store.put<Job>({ ...fresh, status });
  }

  /** The TTL-after-finished controller: the Job (and its pods) go ttlSecondsAfterFinished after. */
  #expireAfterTtl(key: string, job: Job, status: Status, now: number): void {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined) return;
    const finished = (status.conditions ?? []).find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const at = Date.parse(finished?.lastTransitionTime ?? '');
    if (Number.isNaN(at)) return;
    const wait = at + ttl * 1000 - now;
    if (wait > 0) {
      this.#requeue.after(key, wait);
      return;
    }
    const fresh = this.#ctx.store.get('Job', ...splitKey(key));
    if (fresh) this.#ctx.deleteObject(fresh);
  }

  #createPod(job: Job, index: number | undefined): boolean {
    const prefix = index === undefined ? `${job.metadata.name}-` : `${job.metadata.name}-${index}-`;
    const template = structuredClone(job.spec.template);
    const labels = { ...(template.metadata?.labels ?? {}) };
    const annotations = { ...(template.metadata?.annotations ?? {}) };
    const spec = template.spec;
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = String(index);
      annotations[COMPLETION_INDEX] = String(index);
      spec.hostname ??= `${job.metadata.name}-${index}`;
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
        if (!(c.env ?? []).some((e) => e.name === 'JOB_COMPLETION_INDEX'))
          c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', value: String(index) }];
    }
    const made = createOwnedPod(this.#ctx, job, COMPONENT.component, {
      prefix,
      labels,
      annotations,
      finalizers: [JOB_TRACKING_FINALIZER],
      spec,
    });
    return typeof made === 'string';
  }

  /** A pod killed because the Job failed: deleted with its finalizer, so it counts as failed. */
  #killPod(job: Job, p: Pod): void {
    this.#ctx.deletePod(p.metadata.namespace ?? 'default', p.metadata.name);
    this.#event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
  }

  /** A pod the controller deletes itself (not a failure): its end is not counted. */
  #deletePod(job: Job, p: Pod): void {
    this.#dropFinalizer(p);
    this.#ctx.deletePod(p.metadata.namespace ?? 'default', p.metadata.name);
    this.#event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
  }

  #dropFinalizer(p: Pod): void {
    const fresh = this.#ctx.store.get('Pod', p.metadata.namespace, p.metadata.name);
    if (!fresh?.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) return;
    const finalizers = fresh.metadata.finalizers.filter((f) => f !== JOB_TRACKING_FINALIZER);
    const { finalizers: _old, ...meta } = fresh.metadata;
    this.#ctx.store.put<Pod>({
      ...fresh,
      metadata: finalizers.length ? { ...meta, finalizers } : meta,
    });
  }

  #event(job: Job, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#ctx.events.record(job, type, reason, message, COMPONENT);
  }
}

/**
 * pastBackoffLimitOnFailure: with restartPolicy OnFailure, the container restarts of its Pending
 * and Running pods (init containers too) reach backoffLimit (any restart, when it is 0).
 */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = p.status?.phase ?? 'Pending';
    if (phase !== 'Pending' && phase !== 'Running') continue;
    for (const c of [
      ...(p.status?.initContainerStatuses ?? []),
      ...(p.status?.containerStatuses ?? []),
    ])
      restarts += c.restartCount;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function setCondition(
  status: Status,
  type: JobCondition['type'],
  value: JobCondition['status'],
  reason: string,
  message: string,
  now: number,
): void {
  const at = new Date(now).toISOString();
  const conditions = (status.conditions ??= []);
  const c = conditions.find((x) => x.type === type);
  if (c) {
    if (c.status !== value) c.lastTransitionTime = at;
    Object.assign(c, { status: value, reason, message, lastProbeTime: at });
  } else {
    conditions.push({
      type,
      status: value,
      lastProbeTime: at,
      lastTransitionTime: at,
      reason,
      message,
    });
  }
}

function indexOf(p: Pod): number | undefined {
  const v = p.metadata.annotations?.[COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** `1,3-5` as its indexes. */
export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let i = from; i <= to; i++) out.add(i);
  }
  return out;
}

/** The indexes as status.completedIndexes writes them: ascending, runs as `first-last`. */
export function formatIndexes(indexes: ReadonlySet<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
