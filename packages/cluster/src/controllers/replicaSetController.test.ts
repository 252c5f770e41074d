// The ReplicaSet controller with ReplicaSets users write (the docs' frontend and pod-rs examples).
// Test ranges: the default address plan (testBuilders.ts).
import type { KubeObject, Pod, ReplicaSet } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '@l4lab/manifests';
import type { Cluster } from '../cluster.ts';
import { makeDeployment, newTestCluster, runKubelet } from '../testBuilders.ts';
import { podsToDelete } from './replicaSetController.ts';

function frontend(mutate: (rs: ReplicaSet) => void = () => {}): ReplicaSet {
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'frontend', namespace: 'default', labels: { tier: 'frontend' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { tier: 'frontend' } },
      template: {
        metadata: { labels: { tier: 'frontend' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
      },
    },
  };
  mutate(rs);
  return rs;
}

function barePod(name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'hello', image: 'gcr.io/google-samples/hello-app:2.0' }] },
  };
}

function applyOk(cluster: Cluster, objects: KubeObject[]): string[] {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('; '));
  return out.results.map((r) => `${r.kind}/${r.name} ${r.action}`);
}

const owner = (p: Pod) => p.metadata.ownerReferences?.find((r) => r.controller)?.name;
const live = (cluster: Cluster) =>
  cluster.list('Pod', 'default').filter((p) => !p.metadata.deletionTimestamp);

describe('a ReplicaSet a user writes', () => {
  it('keeps its replicas, with its status, and scales with its spec', () => {
    const { cluster } = newTestCluster();
    expect(applyOk(cluster, [frontend()])).toEqual(['ReplicaSet/frontend created']);
    runKubelet(cluster);
    const pods = live(cluster);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^frontend-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'ReplicaSet', name: 'frontend', controller: true }),
      ]);
      expect(p.status?.qosClass).toBe('BestEffort');
    }
    expect(cluster.store.get('ReplicaSet', 'default', 'frontend')).toMatchObject({
      metadata: { generation: 1 },
      status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3 },
    });
    expect(applyOk(cluster, [frontend()])).toEqual(['ReplicaSet/frontend unchanged']);
    applyOk(cluster, [frontend((rs) => (rs.spec.replicas = 1))]);
    expect(live(cluster)).toHaveLength(1);
  });

  it('makes pods as the API server would store them: requests from limits, their QoS class', () => {
    const { cluster } = newTestCluster();
    const limited = frontend((rs) => {
      rs.spec.replicas = 1;
      rs.spec.template.spec.containers[0]!.resources = { limits: { cpu: '500m', memory: '128Mi' } };
    });
    applyOk(cluster, [limited]);
    const [p] = live(cluster);
    expect(p!.spec.containers[0]!.resources).toEqual({
      limits: { cpu: '500m', memory: '128Mi' },
      requests: { cpu: '500m', memory: '128Mi' },
    });
    expect(p!.status?.qosClass).toBe('Guaranteed');
    expect(p!.spec.enableServiceLinks).toBe(true);
    // The template itself stays as written.
    const stored = cluster.store.get('ReplicaSet', 'default', 'frontend')!;
    expect(stored.spec.template.spec.containers[0]!.resources).toEqual({
      limits: { cpu: '500m', memory: '128Mi' },
    });
  });

  it('adopts matching bare pods and deletes those over its count (pod-rs after frontend)', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [frontend()]);
    runKubelet(cluster);
    const own = live(cluster).map((p) => p.metadata.name);
    applyOk(cluster, [
      barePod('pod1', { tier: 'frontend' }),
      barePod('pod2', { tier: 'frontend' }),
      barePod('other', { tier: 'backend' }),
    ]);
    // The new pods are the least useful (not yet running): they are the ones to go.
    expect(live(cluster).map((p) => p.metadata.name)).toEqual([...own, 'other'].sort());
    expect(owner(cluster.store.get('Pod', 'default', 'other')!)).toBeUndefined();
    const events = cluster.events.about(cluster.store.get('ReplicaSet', 'default', 'frontend')!);
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        'SuccessfulDelete: Deleted pod: pod1',
        'SuccessfulDelete: Deleted pod: pod2',
      ]),
    );
  });

  it('adopts bare pods that exist before it, and creates only what is missing (frontend after pod-rs)', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      barePod('pod1', { tier: 'frontend' }),
      barePod('pod2', { tier: 'frontend' }),
    ]);
    applyOk(cluster, [frontend()]);
    const pods = live(cluster);
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => owner(p) === 'frontend')).toBe(true);
    // Adopted pods keep their owner when their file is applied again, and stay `unchanged`.
    expect(applyOk(cluster, [barePod('pod1', { tier: 'frontend' })])).toEqual([
      'Pod/pod1 unchanged',
    ]);
    expect(owner(cluster.store.get('Pod', 'default', 'pod1')!)).toBe('frontend');
  });

  it('lets go of a pod whose labels no longer match, and replaces it', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [frontend((rs) => (rs.spec.replicas = 1))]);
    runKubelet(cluster);
    const [pod] = live(cluster);
    cluster.store.put<Pod>({ ...pod!, metadata: { ...pod!.metadata, labels: { tier: 'debug' } } });
    const released = cluster.store.get('Pod', 'default', pod!.metadata.name)!;
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(live(cluster)).toHaveLength(2);
  });

  it('lets kubectl label take its pod out of the set (the pod as served, labels changed)', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [frontend((rs) => (rs.spec.replicas = 1))]);
    runKubelet(cluster);
    const [pod] = live(cluster);
    // As kubectl label's patch reaches the checks: the pod as served, defaults filled in.
    const relabeled = applyDefaults(pod!);
    relabeled.metadata.labels = { tier: 'debug' };
    expect(applyOk(cluster, [relabeled])).toEqual([`Pod/${pod!.metadata.name} configured`]);
    expect(cluster.store.get('Pod', 'default', pod!.metadata.name)!.metadata.ownerReferences).toBe(
      undefined,
    );
    expect(live(cluster)).toHaveLength(2);
  });

  it('is never touched by a Deployment, nor takes the pods of one', () => {
    const { cluster } = newTestCluster();
    // The Deployment's template carries tier=frontend too: its pods are the Deployment's.
    const d = makeDeployment('default', 'web', (x) => {
      x.spec.selector = { matchLabels: { tier: 'frontend' } };
      x.spec.template.metadata = { labels: { tier: 'frontend' } };
    });
    applyOk(cluster, [d, frontend()]);
    runKubelet(cluster);
    const rss = cluster.list('ReplicaSet', 'default');
    expect(rss).toHaveLength(2);
    const standalone = cluster.store.get('ReplicaSet', 'default', 'frontend')!;
    expect(standalone.metadata.ownerReferences).toBeUndefined();
    expect(standalone.spec.replicas).toBe(3);
    const byOwner = (name: string) => live(cluster).filter((p) => owner(p) === name).length;
    expect(byOwner('frontend')).toBe(3);
    expect(byOwner(rss.find((r) => r.metadata.name !== 'frontend')!.metadata.name)).toBe(2);
  });

  it('takes its pods along when deleted', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [barePod('pod1', { tier: 'frontend' }), frontend()]);
    cluster.delete('ReplicaSet', 'default', 'frontend');
    expect(live(cluster)).toEqual([]);
  });

  it('counts its replicas in the lab quota', () => {
    const { cluster } = newTestCluster();
    const out = cluster.apply([frontend((rs) => (rs.spec.replicas = 501))]);
    expect(!out.ok && out.errors[0]?.message).toMatch(
      /^replicasets\.apps "frontend" is forbidden: exceeded quota: l4lab-limits, requested: pods=501,/,
    );
  });
});

describe('podsToDelete (controller.ActivePods)', () => {
  const pod = (name: string, over: Partial<Pod['spec']>, status?: Pod['status']): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, creationTimestamp: `2026-01-01T00:00:0${name.length}Z` },
    spec: { containers: [], ...over },
    ...(status ? { status } : {}),
  });

  it('takes unscheduled, then pending, then not ready pods first', () => {
    const ready: Pod['status'] = {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    const pods = [
      pod('ready', { nodeName: 'node-1' }, ready),
      pod('notready', { nodeName: 'node-1' }, { phase: 'Running' }),
      pod('pending', { nodeName: 'node-1' }, { phase: 'Pending' }),
      pod('nonode', {}, { phase: 'Pending' }),
    ];
    expect(podsToDelete(pods, 4).map((p) => p.metadata.name)).toEqual([
      'nonode',
      'pending',
      'notready',
      'ready',
    ]);
  });
});
