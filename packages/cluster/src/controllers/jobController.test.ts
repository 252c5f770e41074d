// The job controller: pods to completion, parallelism and completions, failures and their
// back-off, backoffLimit, activeDeadlineSeconds, suspend, Indexed, ttlSecondsAfterFinished; the
// selector the API server generates; re-applies and immutable fields.
import { describe, expect, it } from 'vitest';
import type { Job, Pod } from '@l4lab/protocol';

import { applyDefaults } from '@l4lab/manifests';
import { newTestCluster, runKubelet } from '../testBuilders.ts';
import type { Cluster } from '../cluster.ts';
import {
  COMPLETION_INDEX,
  formatIndexes,
  JOB_TRACKING_FINALIZER,
  parseIndexes,
} from './jobController.ts';

function job(mutate: (j: Job) => void = () => {}): Job {
  const j: Job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'load', namespace: 'default' },
    spec: {
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [{ name: 'load', image: 'busybox', command: ['wget', '-qO-', 'http://web'] }],
        },
      },
    },
  };
  mutate(j);
  return j;
}

function applyOk(cluster: Cluster, j: Job): string {
  const out = cluster.apply([applyDefaults(j)]);
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('; '));
  return out.results[0]!.action;
}

const stored = (c: Cluster) => c.store.get('Job', 'default', 'load')!;
const jobPods = (c: Cluster) =>
  c.list('Pod', 'default').filter((p) => p.metadata.ownerReferences?.some((r) => r.kind === 'Job'));
const running = (c: Cluster) =>
  jobPods(c).filter(
    (p) =>
      !p.metadata.deletionTimestamp &&
      p.status?.phase !== 'Succeeded' &&
      p.status?.phase !== 'Failed',
  );
const conditions = (c: Cluster) =>
  (stored(c).status?.conditions ?? []).map((x) => [x.type, x.status, x.reason, x.message]);

/** The kubelet says the pod's container exited (0: Succeeded). */
function end(c: Cluster, p: Pod, exitCode: number): void {
  c.updatePodStatus('default', p.metadata.name, p.metadata.uid, {
    ...p.status!,
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    conditions: [{ type: 'Ready', status: 'False' }],
  });
}

function endAll(c: Cluster, exitCode: number): void {
  runKubelet(c);
  for (const p of running(c)) end(c, p, exitCode);
}

describe('a Job', () => {
  it('gets the selector the API server generates, and runs a pod to completion', () => {
    const { cluster } = newTestCluster();
    expect(applyOk(cluster, job())).toBe('created');
    const j = stored(cluster);
    const uid = j.metadata.uid!;
    expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    const generated = {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'load',
      'controller-uid': uid,
      'job-name': 'load',
    };
    expect(j.spec.template.metadata?.labels).toEqual(generated);
    expect(j.metadata.labels).toEqual(generated);
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    const [pod, ...more] = jobPods(cluster);
    expect(more).toEqual([]);
    expect(pod!.metadata.name).toMatch(/^load-[a-z0-9]{5}$/);
    expect(pod!.metadata.finalizers).toEqual([JOB_TRACKING_FINALIZER]);
    expect(pod!.metadata.labels).toEqual(generated);
    expect(stored(cluster).status).toMatchObject({ active: 1, startTime: expect.any(String) });

    endAll(cluster, 0);
    expect(conditions(cluster)).toEqual([
      [
        'SuccessCriteriaMet',
        'True',
        'CompletionsReached',
        'Reached expected number of succeeded pods',
      ],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    expect(stored(cluster).status).toMatchObject({
      succeeded: 1,
      ready: 0,
      completionTime: expect.any(String),
      uncountedTerminatedPods: {},
    });
    expect(stored(cluster).status?.active).toBeUndefined();
    // Counted once: the pod's finalizer is gone.
    expect(jobPods(cluster)[0]!.metadata.finalizers).toBeUndefined();
    expect(cluster.events.about(stored(cluster)).map((e) => e.reason)).toEqual([
      'SuccessfulCreate',
      'Completed',
    ]);
  });

  it('runs parallelism pods at a time until completions succeed', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) => Object.assign(j.spec, { completions: 5, parallelism: 2 })),
    );
    expect(running(cluster)).toHaveLength(2);
    endAll(cluster, 0);
    expect(running(cluster)).toHaveLength(2);
    expect(stored(cluster).status?.succeeded).toBe(2);
    endAll(cluster, 0);
    expect(running(cluster)).toHaveLength(1); // one left to do
    endAll(cluster, 0);
    expect(stored(cluster).status?.succeeded).toBe(5);
    expect(conditions(cluster).map(([t]) => t)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(jobPods(cluster)).toHaveLength(5);
  });

  it('without completions: done when one pod succeeded and none runs', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.parallelism = 2)),
    );
    expect(stored(cluster).spec.completions).toBeUndefined();
    runKubelet(cluster);
    const [a, b] = running(cluster);
    end(cluster, a!, 0);
    expect(conditions(cluster)).toEqual([]);
    end(cluster, b!, 0);
    expect(conditions(cluster).map(([t]) => t)).toEqual(['SuccessCriteriaMet', 'Complete']);
  });

  it('replaces a failed pod after a back-off that doubles, and fails past backoffLimit', () => {
    const { cluster, clock } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.backoffLimit = 2)),
    );
    endAll(cluster, 1);
    expect(stored(cluster).status?.failed).toBe(1);
    expect(running(cluster)).toHaveLength(0); // 10 s first
    clock.advance(9_999);
    expect(running(cluster)).toHaveLength(0);
    clock.advance(1);
    expect(running(cluster)).toHaveLength(1);
    endAll(cluster, 1);
    clock.advance(19_999);
    expect(running(cluster)).toHaveLength(0);
    clock.advance(1);
    expect(running(cluster)).toHaveLength(1);
    endAll(cluster, 1);
    expect(stored(cluster).status?.failed).toBe(3);
    expect(conditions(cluster)).toEqual([
      [
        'FailureTarget',
        'True',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
      ],
      ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    expect(stored(cluster).status?.completionTime).toBeUndefined();
    const warning = cluster.events.about(stored(cluster)).find((e) => e.type === 'Warning');
    expect(warning?.reason).toBe('BackoffLimitExceeded');
  });

  it('counts a pod deleted before it ended as failed once it is gone, and replaces it at once', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, job());
    runKubelet(cluster);
    const [p] = running(cluster);
    cluster.delete('Pod', 'default', p!.metadata.name);
    // Terminating: counted as such; TerminatingOrFailed puts a new pod up meanwhile.
    expect(stored(cluster).status).toMatchObject({ terminating: 1, active: 1 });
    expect(stored(cluster).status?.failed).toBeUndefined();
    cluster.removePod('default', p!.metadata.name);
    expect(stored(cluster).status).toMatchObject({ failed: 1, active: 1 });
    expect(stored(cluster).status?.terminating).toBeUndefined();
  });

  it('counts a force-deleted pod as failed, and fails at backoffLimit 0', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.backoffLimit = 0)),
    );
    runKubelet(cluster);
    const [p] = running(cluster);
    cluster.deletePod('default', p!.metadata.name, 0); // --grace-period=0 --force
    expect(stored(cluster).status?.failed).toBe(1);
    expect(conditions(cluster).map(([t]) => t)).toEqual(['FailureTarget', 'Failed']);
    expect(running(cluster)).toEqual([]);
  });

  it('podReplacementPolicy Failed: no new pod while the old one terminates', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.podReplacementPolicy = 'Failed')),
    );
    runKubelet(cluster);
    const [p] = running(cluster);
    cluster.delete('Pod', 'default', p!.metadata.name);
    expect(running(cluster)).toEqual([]);
    cluster.removePod('default', p!.metadata.name);
    expect(stored(cluster).status?.failed).toBe(1);
  });

  it('restartPolicy OnFailure: fails once the restarts reach backoffLimit', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) => {
        j.spec.backoffLimit = 2;
        j.spec.template.spec.restartPolicy = 'OnFailure';
      }),
    );
    runKubelet(cluster);
    const restart = (n: number) => {
      const p = running(cluster)[0]!;
      cluster.updatePodStatus('default', p.metadata.name, p.metadata.uid, {
        ...p.status!,
        containerStatuses: p.status!.containerStatuses!.map((c) => ({ ...c, restartCount: n })),
      });
    };
    restart(1);
    expect(conditions(cluster)).toEqual([]);
    restart(2);
    expect(conditions(cluster)[0]).toEqual([
      'FailureTarget',
      'True',
      'BackoffLimitExceeded',
      'Job has reached the specified backoff limit',
    ]);
  });

  it('fails past activeDeadlineSeconds: FailureTarget, its pods killed and counted, then Failed', () => {
    const { cluster, clock } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.activeDeadlineSeconds = 30)),
    );
    runKubelet(cluster);
    clock.advance(30_000);
    expect(conditions(cluster)).toEqual([
      [
        'FailureTarget',
        'True',
        'DeadlineExceeded',
        'Job was active longer than specified deadline',
      ],
    ]);
    expect(running(cluster)).toEqual([]);
    expect(stored(cluster).status).toMatchObject({ terminating: 1 });
    const [p] = jobPods(cluster);
    cluster.removePod('default', p!.metadata.name);
    expect(conditions(cluster).map(([t]) => t)).toEqual(['FailureTarget', 'Failed']);
    expect(stored(cluster).status?.failed).toBe(1);
  });

  it('keeps its deadline when a failed pod waits out its back-off', () => {
    const { cluster, clock } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.activeDeadlineSeconds = 15)),
    );
    endAll(cluster, 1); // t=0: failed, the next pod waits 10 s
    clock.advance(10_000);
    endAll(cluster, 1); // t=10: failed again, the next waits 20 s
    clock.advance(5_000);
    expect(conditions(cluster)[0]?.[2]).toBe('DeadlineExceeded');
  });

  it('suspend deletes its pods and pauses it; resuming starts them again', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.parallelism = 2)),
    );
    runKubelet(cluster);
    applyOk(cluster, { ...stored(cluster), spec: { ...stored(cluster).spec, suspend: true } });
    expect(running(cluster)).toEqual([]);
    expect(conditions(cluster)).toEqual([['Suspended', 'True', 'JobSuspended', 'Job suspended']]);
    expect(stored(cluster).status?.failed).toBeUndefined(); // its own deletions are no failures
    expect(stored(cluster).status?.startTime).toBeUndefined();
    applyOk(cluster, { ...stored(cluster), spec: { ...stored(cluster).spec, suspend: false } });
    expect(running(cluster)).toHaveLength(2);
    expect(conditions(cluster)).toEqual([['Suspended', 'False', 'JobResumed', 'Job resumed']]);
  });

  it('Indexed: a pod per index, with its index, until every index succeeded', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      job((j) =>
        Object.assign(j.spec, { completions: 3, parallelism: 2, completionMode: 'Indexed' }),
      ),
    );
    runKubelet(cluster);
    const first = running(cluster);
    expect(first.map((p) => p.metadata.annotations?.[COMPLETION_INDEX]).sort()).toEqual(['0', '1']);
    const zero = first.find((p) => p.metadata.annotations?.[COMPLETION_INDEX] === '0')!;
    expect(zero.metadata.name).toMatch(/^load-0-[a-z0-9]{5}$/);
    expect(zero.metadata.labels?.[COMPLETION_INDEX]).toBe('0');
    expect(zero.spec.hostname).toBe('load-0');
    expect(zero.spec.containers[0]!.env).toEqual([{ name: 'JOB_COMPLETION_INDEX', value: '0' }]);
    end(cluster, zero, 0);
    expect(stored(cluster).status?.completedIndexes).toBe('0');
    expect(
      running(cluster)
        .map((p) => p.metadata.annotations?.[COMPLETION_INDEX])
        .sort(),
    ).toEqual(['1', '2']);
    endAll(cluster, 0);
    expect(stored(cluster).status).toMatchObject({ completedIndexes: '0-2', succeeded: 3 });
    expect(conditions(cluster).at(-1)?.[0]).toBe('Complete');
  });

  it('is deleted, with its pods, ttlSecondsAfterFinished after it finished', () => {
    const { cluster, clock } = newTestCluster();
    applyOk(
      cluster,
      job((j) => (j.spec.ttlSecondsAfterFinished = 60)),
    );
    endAll(cluster, 0);
    clock.advance(59_999);
    expect(cluster.store.get('Job', 'default', 'load')).toBeDefined();
    clock.advance(1);
    expect(cluster.store.get('Job', 'default', 'load')).toBeUndefined();
    expect(jobPods(cluster).filter((p) => !p.metadata.deletionTimestamp)).toEqual([]);
  });

  it('a re-apply of the same manifest is unchanged; a new template is refused as immutable', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, job());
    expect(applyOk(cluster, job())).toBe('unchanged');
    const out = cluster.apply([
      applyDefaults(job((j) => (j.spec.template.spec.containers[0]!.image = 'alpine'))),
    ]);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.errors.map((e) => e.message)).toEqual([
      'The Job "load" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable',
    ]);
  });
});

describe('completedIndexes', () => {
  it('reads and writes runs of indexes', () => {
    expect(formatIndexes(new Set([0, 1, 2, 5, 7, 8]))).toBe('0-2,5,7-8');
    expect([...parseIndexes('0-2,5,7-8')]).toEqual([0, 1, 2, 5, 7, 8]);
    expect(formatIndexes(new Set())).toBe('');
  });
});
