// The disruption controller and the eviction it allows: a PodDisruptionBudget's status from its
// pods and their controllers' scale; an eviction takes a disruption or is refused in Kubernetes'
// words.
import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget } from '@l4lab/protocol';
import {
  makeDaemonSet,
  makeDeployment,
  newTestCluster,
  runKubelet,
  setPodReady,
} from '../testBuilders.ts';
import type { Cluster } from '../cluster.ts';
import { apply } from './schedulerTesting.ts';

const NS = 'default';

function budget(spec: PodDisruptionBudget['spec']): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web-pdb', namespace: NS },
    spec: { selector: { matchLabels: { run: 'web' } }, ...spec },
  };
}

const status = (c: Cluster) => c.store.get('PodDisruptionBudget', NS, 'web-pdb')!.status!;
const webPods = (c: Cluster): Pod[] =>
  c
    .list('Pod', NS)
    .filter((p) => p.metadata.name.startsWith('web-') && !p.metadata.deletionTimestamp);

function lab(spec: PodDisruptionBudget['spec'], replicas = 3): Cluster {
  const { cluster } = newTestCluster();
  apply(
    cluster,
    makeDeployment(NS, 'web', (d) => (d.spec.replicas = replicas)),
    budget(spec),
  );
  runKubelet(cluster);
  return cluster;
}

describe('a PodDisruptionBudget', () => {
  it('with minAvailable counts its pods: 3 healthy, 2 needed, 1 disruption allowed', () => {
    const cluster = lab({ minAvailable: 2 });
    expect(status(cluster)).toMatchObject({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      conditions: [
        expect.objectContaining({
          type: 'DisruptionAllowed',
          status: 'True',
          reason: 'SufficientPods',
        }),
      ],
    });
    setPodReady(cluster, NS, webPods(cluster)[0]!.metadata.name, false);
    expect(status(cluster)).toMatchObject({
      disruptionsAllowed: 0,
      currentHealthy: 2,
      conditions: [expect.objectContaining({ status: 'False', reason: 'InsufficientPods' })],
    });
  });

  it("with maxUnavailable or a percentage reads the Deployment's replicas", () => {
    expect(status(lab({ maxUnavailable: 1 }, 4))).toMatchObject({
      expectedPods: 4,
      desiredHealthy: 3,
      disruptionsAllowed: 1,
    });
    expect(status(lab({ minAvailable: '50%' }, 3))).toMatchObject({
      expectedPods: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
    });
  });

  it('of pods whose controller has no scale fails safe, in Kubernetes words', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makeDaemonSet(NS, 'web'),
      budget({ maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } }),
    );
    runKubelet(cluster);
    const why = 'daemonsets.apps does not implement the scale subresource';
    expect(status(cluster)).toMatchObject({
      disruptionsAllowed: 0,
      conditions: [
        expect.objectContaining({ status: 'False', reason: 'SyncFailed', message: why }),
      ],
    });
    const pdb = cluster.store.get('PodDisruptionBudget', NS, 'web-pdb')!;
    expect(cluster.events.about(pdb).map((e) => `${e.reason}: ${e.message}`)).toContain(
      `CalculateExpectedPodCountFailed: Failed to calculate the number of expected pods: ${why}`,
    );
  });

  it('leaves pods without a controller out of the scale, and says so', () => {
    const { cluster } = newTestCluster();
    const bare: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-bare', namespace: NS, labels: { run: 'web' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    apply(
      cluster,
      makeDeployment(NS, 'web', (d) => (d.spec.replicas = 2)),
      bare,
      budget({ maxUnavailable: 1 }),
    );
    runKubelet(cluster);
    expect(status(cluster)).toMatchObject({
      expectedPods: 2,
      desiredHealthy: 1,
      currentHealthy: 3,
      disruptionsAllowed: 2,
    });
    const pdb = cluster.store.get('PodDisruptionBudget', NS, 'web-pdb')!;
    expect(cluster.events.about(pdb).map((e) => e.reason)).toContain('UnmanagedPods');
  });

  it('without minAvailable or maxUnavailable allows no disruption', () => {
    expect(status(lab({}))).toMatchObject({ expectedPods: 0, disruptionsAllowed: 0 });
  });
});

describe('an eviction', () => {
  it('takes the disruption the budget allows, then is refused until a replacement is Ready', () => {
    const cluster = lab({ minAvailable: 2 });
    const [a, b] = webPods(cluster);
    expect(cluster.evict(NS, a!.metadata.name)).toMatchObject({ ok: true });
    expect(
      cluster.store.get('Pod', NS, a!.metadata.name)!.metadata.deletionTimestamp,
    ).toBeDefined();
    expect(status(cluster)).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 2 });
    expect(cluster.evict(NS, b!.metadata.name)).toEqual({
      ok: false,
      code: 429,
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      causes: [
        {
          reason: 'DisruptionBudget',
          message: 'The disruption budget web-pdb needs 2 healthy pods and has 2 currently',
        },
      ],
    });
    // The ReplicaSet's replacement becomes Ready: one more disruption is allowed.
    runKubelet(cluster);
    expect(status(cluster)).toMatchObject({ disruptionsAllowed: 1, currentHealthy: 3 });
    expect(cluster.evict(NS, b!.metadata.name)).toMatchObject({ ok: true });
  });

  it('a dry run decides and changes nothing; a pod without a budget just goes', () => {
    const cluster = lab({ minAvailable: 2 });
    const [a] = webPods(cluster);
    expect(cluster.evict(NS, a!.metadata.name, { dryRun: true })).toEqual({
      ok: true,
      budget: expect.anything(),
    });
    expect(status(cluster).disruptionsAllowed).toBe(1);
    expect(
      cluster.store.get('Pod', NS, a!.metadata.name)!.metadata.deletionTimestamp,
    ).toBeUndefined();
    apply(
      cluster,
      makeDeployment(NS, 'other', (d) => (d.spec.replicas = 1)),
    );
    runKubelet(cluster);
    const other = cluster.list('Pod', NS).find((p) => p.metadata.name.startsWith('other-'))!;
    expect(cluster.evict(NS, other.metadata.name)).toEqual({ ok: true });
  });

  it('an unhealthy pod goes without taking a disruption while the budget is met', () => {
    const cluster = lab({ minAvailable: 1 });
    const [a] = webPods(cluster);
    setPodReady(cluster, NS, a!.metadata.name, false);
    expect(status(cluster).disruptionsAllowed).toBe(1);
    expect(cluster.evict(NS, a!.metadata.name)).toEqual({ ok: true });
    expect(status(cluster).disruptionsAllowed).toBe(1);
  });

  it('is refused when two budgets select the pod', () => {
    const cluster = lab({ minAvailable: 1 });
    const second = budget({ minAvailable: 1 });
    second.metadata.name = 'web-pdb-2';
    apply(cluster, second);
    const [a] = webPods(cluster);
    expect(cluster.evict(NS, a!.metadata.name)).toMatchObject({
      ok: false,
      code: 500,
      message:
        'Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    });
  });
});
