// Every namespace's `default` ServiceAccount, and the pods that run as it.
import { applyDefaults } from '@l4lab/manifests';
import type { Pod } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { runKubectl } from '../kubectl/kubectl.ts';
import { makeNamespace, newTestCluster } from '../testBuilders.ts';

/** A pod as the API server stores it: defaulted (the test builders' apply does not). */
const pod = (name: string, spec: Partial<Pod['spec']> = {}): Pod =>
  applyDefaults<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'team-a' },
    spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec },
  });

describe('the default ServiceAccount', () => {
  it("is in each of the cluster's own namespaces from the start", () => {
    const { cluster } = newTestCluster();
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      expect(cluster.store.get('ServiceAccount', ns, 'default')?.metadata).toMatchObject({
        name: 'default',
        namespace: ns,
        uid: expect.any(String),
        creationTimestamp: expect.any(String),
      });
  });

  it('comes with a new namespace, and back when deleted; kubectl get sa lists it', () => {
    const { cluster, clock } = newTestCluster();
    cluster.apply([makeNamespace('team-a')]);
    const uid = cluster.store.get('ServiceAccount', 'team-a', 'default')?.metadata.uid;
    expect(uid).toBeDefined();
    cluster.delete('ServiceAccount', 'team-a', 'default');
    const again = cluster.store.get('ServiceAccount', 'team-a', 'default');
    expect(again?.metadata.uid).toBeDefined();
    expect(again?.metadata.uid).not.toBe(uid);
    const get = runKubectl(cluster.store, ['get', 'sa', '-n', 'team-a'], clock.now());
    expect(get.stdout).toMatch(/^NAME\s+SECRETS\s+AGE\ndefault\s+0\s+\S+\n$/);
  });

  it('goes with its namespace and is not made again in it', () => {
    const { cluster } = newTestCluster();
    cluster.apply([makeNamespace('team-a')]);
    cluster.delete('Namespace', undefined, 'team-a');
    expect(cluster.store.get('Namespace', undefined, 'team-a')).toBeUndefined();
    expect(cluster.store.list('ServiceAccount').map((s) => s.metadata.namespace)).not.toContain(
      'team-a',
    );
  });
});

describe("a pod's service account", () => {
  it('is default unless named (the deprecated serviceAccount alias too), and describe says it', () => {
    const { cluster, clock } = newTestCluster();
    cluster.apply([
      makeNamespace('team-a'),
      pod('plain'),
      pod('named', { serviceAccountName: 'reader' }),
      pod('aliased', { serviceAccount: 'old' }),
    ]);
    const sa = (name: string) => {
      const p = cluster.store.get('Pod', 'team-a', name)!;
      return [p.spec.serviceAccountName, p.spec.serviceAccount];
    };
    expect(sa('plain')).toEqual(['default', 'default']);
    expect(sa('named')).toEqual(['reader', 'reader']);
    expect(sa('aliased')).toEqual(['old', 'old']);
    const describe = runKubectl(
      cluster.store,
      ['describe', 'pod', 'named', '-n', 'team-a'],
      clock.now(),
    );
    expect(describe.stdout).toMatch(/^Service Account:\s+reader$/m);
  });

  it("is left unset in a Deployment's template, and given to the pods it makes", () => {
    const { cluster } = newTestCluster();
    cluster.apply([
      makeNamespace('team-a'),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'team-a' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      },
    ]);
    expect(
      cluster.store.get('Deployment', 'team-a', 'web')?.spec.template.spec.serviceAccountName,
    ).toBeUndefined();
    const pods = cluster.store.list('Pod').filter((p) => p.metadata.namespace === 'team-a');
    expect(pods.map((p) => p.spec.serviceAccountName)).toEqual(['default']);
  });
});
