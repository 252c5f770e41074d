// Every namespace's `default` ServiceAccount, and the pods that run as it.
import { applyDefaults } from '@l4lab/manifests';
import type { Deployment, Pod, ServiceAccount, StatefulSet } from '@l4lab/protocol';
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

const account = (name: string): ServiceAccount => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'team-a' },
});

const template = (serviceAccountName: string) => ({
  metadata: { labels: { app: 'web' } },
  spec: { serviceAccountName, containers: [{ name: 'web', image: 'nginx' }] },
});

const notFound = (pod: string, sa: string) =>
  `pods "${pod}" is forbidden: error looking up service account team-a/${sa}: serviceaccount "${sa}" not found`;

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
    const out = cluster.apply([
      makeNamespace('team-a'),
      account('reader'),
      account('old'),
      pod('plain'),
      pod('named', { serviceAccountName: 'reader' }),
      pod('aliased', { serviceAccount: 'old' }),
    ]);
    expect(out.ok).toBe(true);
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

describe('a ServiceAccount that does not exist (the admission plugin refuses the pod)', () => {
  it('refuses a pod that names it, in the API server words; one made earlier in the request is there', () => {
    const { cluster } = newTestCluster();
    cluster.apply([makeNamespace('team-a')]);
    const out = cluster.apply([pod('named', { serviceAccountName: 'reader' })]);
    expect(out).toEqual({
      ok: false,
      errors: [
        { index: 0, path: '', code: 'L4_E_FORBIDDEN', message: notFound('named', 'reader') },
      ],
    });
    // After the pod in the same request is too late: the API server takes them in order.
    expect(
      cluster.apply([pod('named', { serviceAccountName: 'reader' }), account('reader')]).ok,
    ).toBe(false);
    expect(
      cluster.apply([account('reader'), pod('named', { serviceAccountName: 'reader' })]).ok,
    ).toBe(true);
  });

  it("stops a Deployment's ReplicaSet with FailedCreate and ReplicaFailure, until it is made", () => {
    const { cluster } = newTestCluster();
    const web: Deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-a' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: template('reader'),
      },
    };
    expect(cluster.apply([makeNamespace('team-a'), web]).ok).toBe(true);
    const pods = () => cluster.store.list('Pod', 'team-a');
    expect(pods()).toEqual([]);
    const rs = cluster.store.list('ReplicaSet', 'team-a')[0]!;
    const why = notFound(`${rs.metadata.name}-`, 'reader');
    expect(
      cluster.events
        .about(rs)
        .filter((e) => e.reason === 'FailedCreate')
        .map((e) => e.message),
    ).toEqual([`Error creating: ${why}`]);
    expect(cluster.store.get('ReplicaSet', 'team-a', rs.metadata.name)!.status?.conditions).toEqual(
      [
        {
          type: 'ReplicaFailure',
          status: 'True',
          lastTransitionTime: expect.any(String),
          reason: 'FailedCreate',
          message: why,
        },
      ],
    );
    expect(
      cluster.store
        .get('Deployment', 'team-a', 'web')!
        .status?.conditions?.find((c) => c.type === 'ReplicaFailure'),
    ).toMatchObject({ status: 'True', reason: 'FailedCreate', message: why });
    // kubectl create serviceaccount reader: the ReplicaSet tries again at once.
    expect(cluster.apply([account('reader')]).ok).toBe(true);
    expect(pods().map((p) => p.spec.serviceAccountName)).toEqual(['reader', 'reader']);
    expect(
      cluster.store.get('ReplicaSet', 'team-a', rs.metadata.name)!.status?.conditions,
    ).toBeUndefined();
    expect(
      cluster.store.get('Deployment', 'team-a', 'web')!.status?.conditions?.map((c) => c.type),
    ).not.toContain('ReplicaFailure');
  });

  it('says it on a StatefulSet as its controller does, and makes the pod once it exists', () => {
    const { cluster } = newTestCluster();
    const db: StatefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'team-a' },
      spec: {
        replicas: 1,
        serviceName: 'db',
        selector: { matchLabels: { app: 'web' } },
        template: template('writer'),
      },
    };
    expect(cluster.apply([makeNamespace('team-a'), db]).ok).toBe(true);
    const sts = cluster.store.get('StatefulSet', 'team-a', 'db')!;
    expect(
      cluster.events
        .about(sts)
        .filter((e) => e.reason === 'FailedCreate')
        .map((e) => e.message),
    ).toEqual([`create Pod db-0 in StatefulSet db failed error: ${notFound('db-0', 'writer')}`]);
    expect(cluster.apply([account('writer')]).ok).toBe(true);
    expect(cluster.store.get('Pod', 'team-a', 'db-0')?.spec.serviceAccountName).toBe('writer');
  });
});
