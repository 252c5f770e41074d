// Rollouts on a FakeClock with the fake kubelet (testBuilders.ts): pods become Ready only when the
// test says so, so every step of a rolling update can be looked at. Address ranges: the default plan
// (pods 127.244.i.0/24 on node-i, services 127.96.0.0/16).
import { describe, expect, it } from 'vitest';
import type { Deployment, KubeObject } from '@l4lab/protocol';
import type { Cluster } from '../cluster.ts';
import { podTemplateHash } from '../names.ts';
import { makeDeployment, newTestCluster, podsOf, runKubelet } from '../testBuilders.ts';
import { isPodActive, isPodReady } from '../podStatus.ts';
import { resolveFenceposts, scaledValue } from './rollout.ts';

function applyOk(cluster: Cluster, objects: KubeObject[]) {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('; '));
  return out.results.map((r) => r.action);
}

const withImage = (replicas: number, image: string, mutate?: (d: Deployment) => void) =>
  makeDeployment('default', 'web', (d) => {
    d.spec.replicas = replicas;
    d.spec.template.spec.containers[0]!.image = image;
    mutate?.(d);
  });

/** [new ReplicaSet replicas, old ReplicaSet replicas] for the template of `image`. */
function sizes(cluster: Cluster, image: string): [number, number] {
  const hash = podTemplateHash(withImage(1, image).spec.template);
  let fresh = 0;
  let old = 0;
  for (const rs of cluster.list('ReplicaSet', 'default')) {
    if (rs.metadata.labels?.['pod-template-hash'] === hash) fresh += rs.spec.replicas;
    else old += rs.spec.replicas;
  }
  return [fresh, old];
}

const active = (c: Cluster) => podsOf(c, 'default', 'web').filter(isPodActive);
const availablePods = (c: Cluster) => active(c).filter(isPodReady).length;
const status = (c: Cluster) => c.store.get('Deployment', 'default', 'web')!.status!;
const condition = (c: Cluster, type: string) => status(c).conditions?.find((x) => x.type === type);

function started(replicas: number, mutate?: (d: Deployment) => void) {
  const { cluster, clock } = newTestCluster(7);
  applyOk(cluster, [withImage(replicas, 'nginx:1.26', mutate)]);
  runKubelet(cluster);
  return { cluster, clock };
}

describe('rollout arithmetic', () => {
  it('rounds maxSurge up and maxUnavailable down, like intstr.GetScaledValueFromIntOrPercent', () => {
    expect(scaledValue('25%', 10, true)).toBe(3);
    expect(scaledValue('25%', 10, false)).toBe(2);
    expect(scaledValue('25%', 1, true)).toBe(1);
    expect(scaledValue('25%', 1, false)).toBe(0);
    expect(scaledValue(2, 10, false)).toBe(2);
  });

  it('makes maxUnavailable 1 when both are zero (ResolveFenceposts)', () => {
    const d = withImage(3, 'nginx', (x) => {
      x.spec.strategy = {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' },
      };
    });
    expect(resolveFenceposts(d)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });
});

describe('Deployment controller: RollingUpdate (25% / 25% of 4 = surge 1, unavailable 1)', () => {
  it('replaces the pods step by step as the new ones become Ready, never below 3 available', () => {
    const { cluster } = started(4);
    expect(status(cluster)).toMatchObject({
      replicas: 4,
      updatedReplicas: 4,
      availableReplicas: 4,
    });
    applyOk(cluster, [withImage(4, 'nginx:1.27')]);
    // Surge one new pod, and take one old pod down (4 available - 3 minimum).
    expect(sizes(cluster, 'nginx:1.27')).toEqual([2, 3]);
    expect(availablePods(cluster)).toBe(3);
    expect(cluster.list('ReplicaSet', 'default')).toHaveLength(2);
    expect(status(cluster)).toMatchObject({
      replicas: 5,
      updatedReplicas: 2,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 2,
    });
    expect(condition(cluster, 'Progressing')).toMatchObject({ status: 'True' });

    runKubelet(cluster); // the two new pods become Ready
    expect(sizes(cluster, 'nginx:1.27')).toEqual([4, 1]);
    expect(availablePods(cluster)).toBeGreaterThanOrEqual(3);

    runKubelet(cluster);
    expect(sizes(cluster, 'nginx:1.27')).toEqual([4, 0]);
    expect(status(cluster)).toMatchObject({
      observedGeneration: 2,
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      unavailableReplicas: 0,
    });
    expect(condition(cluster, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
    });
    expect(condition(cluster, 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
  });

  it('stalls while the new pods are not Ready, then reports ProgressDeadlineExceeded', () => {
    const { cluster, clock } = started(4, (d) => (d.spec.progressDeadlineSeconds = 60));
    applyOk(cluster, [withImage(4, 'nginx:broken', (d) => (d.spec.progressDeadlineSeconds = 60))]);
    runKubelet(cluster, (p) => p.spec.containers[0]!.image !== 'nginx:broken');
    expect(sizes(cluster, 'nginx:broken')).toEqual([2, 3]);
    clock.advance(59_000);
    expect(condition(cluster, 'Progressing')).toMatchObject({ status: 'True' });
    clock.advance(1_000);
    expect(condition(cluster, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(condition(cluster, 'Available')?.status).toBe('True');
    expect(sizes(cluster, 'nginx:broken')).toEqual([2, 3]);
  });

  it('with maxSurge 0 takes pods down first (maxUnavailable 50% of 3 = 1)', () => {
    const strategy = (d: Deployment) => {
      d.spec.strategy = {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: 0, maxUnavailable: '50%' },
      };
    };
    const { cluster } = started(3, strategy);
    applyOk(cluster, [withImage(3, 'nginx:1.27', strategy)]);
    expect(sizes(cluster, 'nginx:1.27')).toEqual([1, 2]);
    expect(active(cluster)).toHaveLength(3);
    runKubelet(cluster);
    expect(sizes(cluster, 'nginx:1.27')).toEqual([2, 1]);
    runKubelet(cluster);
    expect(sizes(cluster, 'nginx:1.27')).toEqual([3, 0]);
  });

  it('a rollback to the old template reuses its ReplicaSet with the next revision', () => {
    const { cluster } = started(2);
    applyOk(cluster, [withImage(2, 'nginx:1.27')]);
    for (let i = 0; i < 3; i++) runKubelet(cluster);
    applyOk(cluster, [withImage(2, 'nginx:1.26')]);
    for (let i = 0; i < 3; i++) runKubelet(cluster);
    const rss = cluster.list('ReplicaSet', 'default');
    expect(rss).toHaveLength(2);
    const back = rss.find((rs) => rs.spec.template.spec.containers[0]!.image === 'nginx:1.26')!;
    expect(back.spec.replicas).toBe(2);
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
  });

  it('carries its revision on the Deployment, as kubectl rollout history reads it', () => {
    const revision = (c: Cluster) =>
      c.store.get('Deployment', 'default', 'web')!.metadata.annotations?.[
        'deployment.kubernetes.io/revision'
      ];
    const changeCause = (d: Deployment) =>
      (d.metadata.annotations = { 'kubernetes.io/change-cause': 'image 1.27' });
    const { cluster } = started(2);
    expect(revision(cluster)).toBe('1');
    // The same file again: the controller's annotation is not a change of the user's.
    expect(applyOk(cluster, [withImage(2, 'nginx:1.26')])).toEqual(['unchanged']);
    expect(applyOk(cluster, [withImage(4, 'nginx:1.26')])).toEqual(['configured']);
    expect(revision(cluster)).toBe('1');
    applyOk(cluster, [withImage(4, 'nginx:1.27', changeCause)]);
    expect(revision(cluster)).toBe('2');
    const newRS = cluster
      .list('ReplicaSet', 'default')
      .find((rs) => rs.spec.template.spec.containers[0]!.image === 'nginx:1.27')!;
    expect(newRS.metadata.annotations).toEqual({
      'kubernetes.io/change-cause': 'image 1.27',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    expect(applyOk(cluster, [withImage(4, 'nginx:1.27', changeCause)])).toEqual(['unchanged']);
  });

  it('minReadySeconds: a Ready pod counts as available only after that long', () => {
    const { cluster, clock } = newTestCluster(3);
    applyOk(cluster, [withImage(2, 'nginx', (d) => (d.spec.minReadySeconds = 10))]);
    const ready = (iso: string) => iso;
    runKubelet(cluster);
    // The fake kubelet's Ready condition has no lastTransitionTime: set one now.
    for (const p of active(cluster)) {
      cluster.updatePodStatus('default', p.metadata.name, p.metadata.uid, {
        ...p.status!,
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: ready(cluster.nowIso()) },
        ],
      });
    }
    expect(status(cluster)).toMatchObject({ readyReplicas: 2, availableReplicas: 0 });
    clock.advance(10_000);
    expect(status(cluster)).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
  });
});

describe('Deployment controller: Recreate', () => {
  it('scales the old ReplicaSet to 0 and creates the new one only when its pods are gone', () => {
    const recreate = (d: Deployment) => (d.spec.strategy = { type: 'Recreate' });
    const { cluster, clock } = started(3, recreate);
    applyOk(cluster, [withImage(3, 'nginx:1.27', recreate)]);
    expect(sizes(cluster, 'nginx:1.27')).toEqual([0, 0]);
    expect(cluster.list('ReplicaSet', 'default')).toHaveLength(1);
    expect(podsOf(cluster, 'default', 'web').every((p) => p.metadata.deletionTimestamp)).toBe(true);
    clock.advance(30_000); // grace period over: the old pods are gone
    expect(sizes(cluster, 'nginx:1.27')).toEqual([3, 0]);
    const fresh = cluster.list('ReplicaSet', 'default').find((rs) => rs.spec.replicas === 3)!;
    expect(condition(cluster, 'Progressing')).toMatchObject({
      status: 'True',
      message: `ReplicaSet "${fresh.metadata.name}" is progressing.`,
    });
    runKubelet(cluster);
    expect(status(cluster)).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
  });
});

describe('Deployment controller: scale and pod loss', () => {
  it('scales up and down and keeps the status in step', () => {
    const { cluster, clock } = started(2);
    applyOk(cluster, [withImage(5, 'nginx:1.26')]);
    expect(status(cluster)).toMatchObject({
      replicas: 5,
      readyReplicas: 2,
      unavailableReplicas: 3,
    });
    runKubelet(cluster);
    expect(status(cluster)).toMatchObject({ replicas: 5, readyReplicas: 5, availableReplicas: 5 });
    applyOk(cluster, [withImage(1, 'nginx:1.26')]);
    expect(active(cluster)).toHaveLength(1);
    expect(status(cluster)).toMatchObject({
      replicas: 1,
      availableReplicas: 1,
      observedGeneration: 3,
    });
    clock.advance(30_000);
    expect(podsOf(cluster, 'default', 'web')).toHaveLength(1);
    expect(cluster.list('ReplicaSet', 'default')).toHaveLength(1);
  });

  it('a deleted pod is replaced (new name, new IP); Available drops until it is Ready', () => {
    const { cluster } = started(2);
    const [victim] = active(cluster);
    cluster.delete('Pod', 'default', victim!.metadata.name);
    const replacement = active(cluster).find((p) => !p.status?.podIP)!;
    expect(replacement.metadata.name).not.toBe(victim!.metadata.name);
    // 25% of 2 rounds down to 0: one missing pod is below minimum availability.
    expect(condition(cluster, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
    });
    const [started2] = runKubelet(cluster);
    expect(started2?.status?.podIP).not.toBe(victim!.status?.podIP);
    expect(condition(cluster, 'Available')?.status).toBe('True');
    expect(status(cluster)).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('a pod turning unready lowers readyReplicas and availableReplicas', () => {
    const { cluster } = started(3);
    const [p] = active(cluster);
    cluster.updatePodStatus('default', p!.metadata.name, p!.metadata.uid, {
      ...p!.status!,
      conditions: [{ type: 'Ready', status: 'False' }],
    });
    expect(status(cluster)).toMatchObject({ replicas: 3, readyReplicas: 2, availableReplicas: 2 });
    expect(condition(cluster, 'Available')?.status).toBe('False');
  });
});
