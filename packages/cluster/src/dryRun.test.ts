// Test ranges: service CIDR 127.96.0.0/16 (dynamic band from 127.96.1.0), nodes node-1..3 at
// 127.18.0.2-4. Time is a FakeClock, random a seeded LCG (testBuilders.ts).
import { describe, expect, it } from 'vitest';
import type { KubeObject, Namespace } from '@l4lab/protocol';
import { makeDaemonSet, makeDeployment, makeService, newTestCluster } from './testBuilders.ts';

const ns = (name: string): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

describe('apply with dryRun (dryRun=All)', () => {
  it('checks, answers what would be stored, and stores, allocates and tells nothing', () => {
    const { cluster } = newTestCluster();
    const before = cluster.store.resourceVersion;
    const heard: string[] = [];
    cluster.watch((e) => heard.push(`${e.type} ${e.object.kind}`));
    const objects: KubeObject[] = [
      ns('l4lab-system'),
      makeDaemonSet('l4lab-system', 'l4lab-agent'),
      makeService('default', 'web'),
    ];
    const out = cluster.apply(objects, { dryRun: true });
    expect(out).toMatchObject({
      ok: true,
      results: [
        { kind: 'Namespace', name: 'l4lab-system', action: 'created' },
        { kind: 'DaemonSet', name: 'l4lab-agent', action: 'created' },
        { kind: 'Service', name: 'web', action: 'created' },
      ],
    });
    const [namespace, ds, svc] = (out as { dryRun: KubeObject[] }).dryRun;
    expect(namespace!.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ds!.metadata).toMatchObject({ name: 'l4lab-agent', generation: 1 });
    expect(svc!.kind === 'Service' && svc!.spec.clusterIP).toBe(undefined);
    expect(heard).toEqual([]);
    expect(cluster.store.resourceVersion).toBe(before);
    expect(cluster.store.get('Namespace', undefined, 'l4lab-system')).toBeUndefined();
    // The address a dry run showed no Service is still free for the real one.
    expect(cluster.apply([makeService('default', 'web')]).ok).toBe(true);
  });

  it("refuses what the real write would refuse: a namespace that does not exist, as Kubernetes' NamespaceLifecycle does", () => {
    const { cluster } = newTestCluster();
    const out = cluster.apply([makeDaemonSet('l4lab-system', 'l4lab-agent')], { dryRun: true });
    expect(out).toEqual({
      ok: false,
      errors: [expect.objectContaining({ message: 'namespaces "l4lab-system" not found' })],
    });
  });

  it('answers an update with the stored identity and status, and keeps the stored object', () => {
    const { cluster } = newTestCluster();
    const deployment = makeDeployment('default', 'web');
    expect(cluster.apply([deployment]).ok).toBe(true);
    const stored = cluster.store.get('Deployment', 'default', 'web')!;
    const scaled = makeDeployment('default', 'web', (d) => (d.spec.replicas = 5));
    const out = cluster.apply([scaled], { dryRun: true });
    expect(out.ok && out.results[0]!.action).toBe('configured');
    const preview = (out as { dryRun: KubeObject[] }).dryRun[0]!;
    expect(preview.metadata).toMatchObject({
      uid: stored.metadata.uid,
      resourceVersion: stored.metadata.resourceVersion,
      generation: 2,
    });
    expect(preview.kind === 'Deployment' && preview.spec.replicas).toBe(5);
    expect(cluster.store.get('Deployment', 'default', 'web')).toEqual(stored);
  });
});
