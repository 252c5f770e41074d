// The API's reads without HTTP: discovery, LIST filtering, derived Endpoints, Tables.
import { describe, expect, it } from 'vitest';
import { printerOfType } from '@l4lab/cluster';
import { makeDeployment, makeService, newTestCluster, runKubelet } from '@l4lab/cluster/testing';
import { apiGroupList, apiResourceList, versionInfo } from './discovery.ts';
import { isKubernetesPath } from './kubernetesApi.ts';
import { execTarget, freshLines } from './podStreams.ts';
import { getObject, listObjects, nodeLease, SelectorError } from './objects.ts';
import { resourceAt } from './resources.ts';
import { includeObjectOf, leaseTable, toTable, wantsTable, type IncludeObject } from './table.ts';

function seeded() {
  const { cluster } = newTestCluster(3);
  cluster.apply([makeDeployment('default', 'my-nginx'), makeService('default', 'my-nginx')]);
  runKubelet(cluster);
  return cluster;
}

describe('discovery', () => {
  it('says v1.32 with l4lab in the build metadata, and lists the groups and resources served', () => {
    expect(versionInfo('0.1.0')).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.0+l4lab.0.1.0',
    });
    expect(apiGroupList().groups.map((g) => g.preferredVersion.groupVersion)).toEqual([
      'apps/v1',
      'batch/v1',
      'discovery.k8s.io/v1',
      'events.k8s.io/v1',
      'rbac.authorization.k8s.io/v1',
      'authorization.k8s.io/v1',
      'authentication.k8s.io/v1',
      'coordination.k8s.io/v1',
      'policy/v1',
      'networking.k8s.io/v1',
    ]);
    // kubectl auth can-i asks by creating one; nothing lists or stores them.
    expect(apiResourceList('authorization.k8s.io', 'v1')!.resources.map((r) => r.kind)).toEqual([
      'SelfSubjectAccessReview',
      'SelfSubjectRulesReview',
    ]);
    expect(apiResourceList('authorization.k8s.io', 'v1')!.resources[0]).toEqual({
      name: 'selfsubjectaccessreviews',
      singularName: 'selfsubjectaccessreview',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    });
    expect(apiResourceList('rbac.authorization.k8s.io', 'v1')!.resources).toEqual([
      expect.objectContaining({ name: 'clusterroles', kind: 'ClusterRole', namespaced: false }),
      expect.objectContaining({ name: 'clusterrolebindings', namespaced: false }),
    ]);
    expect(apiResourceList('apps', 'v1')!.resources.find((r) => r.kind === 'DaemonSet')).toEqual(
      expect.objectContaining({ name: 'daemonsets', shortNames: ['ds'], namespaced: true }),
    );
    const core = apiResourceList('', 'v1')!;
    expect(core.resources.find((r) => r.name === 'services')).toEqual({
      name: 'services',
      singularName: 'service',
      namespaced: true,
      kind: 'Service',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['svc'],
      categories: ['all'],
    });
    expect(core.resources.find((r) => r.name === 'nodes')?.namespaced).toBe(false);
    // Subresources follow their resource; kubectl drain evicts when it finds pods/eviction.
    expect(core.resources.map((r) => r.name).filter((n) => n.startsWith('pods'))).toEqual([
      'pods',
      'pods/attach',
      'pods/ephemeralcontainers',
      'pods/eviction',
      'pods/exec',
      'pods/log',
      'pods/portforward',
      'pods/proxy',
    ]);
    expect(core.resources.find((r) => r.name === 'services/proxy')).toMatchObject({
      kind: 'ServiceProxyOptions',
      verbs: ['create', 'delete', 'get', 'patch', 'update'],
    });
    expect(core.resources.find((r) => r.name === 'pods/eviction')).toEqual({
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
    expect(
      apiResourceList('apps', 'v1')!.resources.find((r) => r.name === 'deployments/scale'),
    ).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    expect(apiResourceList('batch', 'v1')!.resources.map((r) => r.name)).toEqual(['jobs']);
    expect(apiResourceList('batch', 'v2')).toBeUndefined();
  });

  it('knows an exec upgrade by its path', () => {
    expect(
      execTarget('/api/v1/namespaces/default/pods/busybox-1/exec?command=sh&stdin=true'),
    ).toEqual(['default', 'busybox-1', 'exec']);
    expect(execTarget('/api/v1/namespaces/default/pods/busybox-1/log')).toBeUndefined();
    expect(execTarget('/api/v1/namespaces/default/pods/busybox-1/portforward')?.[2]).toBe(
      'portforward',
    );
    expect(execTarget('/ws')).toBeUndefined();
  });

  it('finds what a log gained between two reads, its front dropped or not, lines repeated', () => {
    expect(freshLines(['a', 'b'], ['a', 'b', 'c'])).toEqual(['c']);
    expect(freshLines(['tick', 'tick'], ['tick', 'tick', 'tick'])).toEqual(['tick']);
    // A log that keeps its latest lines: the front went, two came.
    expect(freshLines(['1', '2', '3'], ['2', '3', '4', '5'])).toEqual(['4', '5']);
    expect(freshLines([], ['x'])).toEqual(['x']);
    expect(freshLines(['a'], ['a'])).toEqual([]);
    expect(freshLines(['a', 'b', 'c'], ['c', 'd'])).toEqual(['d']);
    expect(freshLines(['x'], ['y', 'z'])).toEqual(['y', 'z']);
  });

  it('owns only the Kubernetes paths on the shared port', () => {
    for (const p of [
      '/version',
      '/api',
      '/api/v1',
      '/api/v1/pods',
      '/apis',
      '/apis/apps/v1',
      '/healthz',
      '/livez',
      '/readyz/',
      '/readyz/ping',
      '/livez/poststarthook/start-informers',
    ])
      expect(isKubernetesPath(p)).toBe(true);
    for (const p of [
      '/api/apply',
      '/api/objects/pods',
      '/api/healthz',
      '/',
      '/assets/x.js',
      '/healthzz',
    ])
      expect(isKubernetesPath(p)).toBe(false);
  });
});

describe('reads', () => {
  it('lists with a label selector and a field selector, and refuses a selector it cannot parse', () => {
    const cluster = seeded();
    const pods = resourceAt('', 'v1', 'pods')!;
    const all = listObjects(cluster.store, pods, { namespace: 'default' });
    expect(all.items).toHaveLength(2);
    const name = all.items[0]!.metadata.name;
    expect(
      listObjects(cluster.store, pods, {
        labelSelector: 'run=my-nginx',
        fieldSelector: `metadata.name=${name}`,
      }).items.map((p) => p.metadata.name),
    ).toEqual([name]);
    expect(
      listObjects(cluster.store, pods, { labelSelector: 'run!=my-nginx' }).items.filter(
        (p) => p.metadata.namespace === 'default',
      ),
    ).toEqual([]);
    expect(() => listObjects(cluster.store, pods, { fieldSelector: 'nonsense' })).toThrow(
      SelectorError,
    );
  });

  it('derives v1 Endpoints from the Service’s EndpointSlices', () => {
    const cluster = seeded();
    const endpoints = resourceAt('', 'v1', 'endpoints')!;
    const ep = getObject(cluster.store, endpoints, 'default', 'my-nginx')!.item;
    const ips = cluster
      .list('Pod', 'default')
      .map((p) => p.status!.podIP)
      .sort();
    expect(ep).toMatchObject({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'my-nginx' },
    });
    const subsets = ep.subsets as { addresses: { ip: string }[]; ports: unknown[] }[];
    expect(subsets.flatMap((s) => s.addresses.map((a) => a.ip)).sort()).toEqual(ips);
    expect(subsets[0]!.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    expect(getObject(cluster.store, endpoints, 'default', 'nope')).toBeUndefined();
  });

  it('serves the Endpoints a user wrote as stored, writable like the other kinds users write', () => {
    const cluster = seeded();
    const manual = {
      apiVersion: 'v1' as const,
      kind: 'Endpoints' as const,
      metadata: { name: 'my-service', namespace: 'default' },
      subsets: [
        { addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376, protocol: 'TCP' as const }] },
      ],
    };
    const out = cluster.apply([
      makeService('default', 'my-service', (s) => delete s.spec.selector),
      manual,
    ]);
    expect(out.ok).toBe(true);
    const endpoints = resourceAt('', 'v1', 'endpoints')!;
    expect(getObject(cluster.store, endpoints, 'default', 'my-service')?.item).toEqual(
      cluster.store.get('Endpoints', 'default', 'my-service'),
    );
    const listed = listObjects(cluster.store, endpoints, { namespace: 'default' });
    expect(listed.items.map((e) => e.metadata.name)).toEqual(['my-nginx', 'my-service']);
    for (const [group, name] of [
      ['', 'endpoints'],
      ['apps', 'replicasets'],
      ['discovery.k8s.io', 'endpointslices'],
    ] as const) {
      expect(resourceAt(group, 'v1', name)!.verbs).toContain('create');
    }
  });

  it('prints a Table with the printers’ columns (wide ones at priority 1) and each row’s metadata', () => {
    const cluster = seeded();
    const pods = resourceAt('', 'v1', 'pods')!;
    const { items, printed } = listObjects(cluster.store, pods, { namespace: 'default' });
    const tableWith = (include: IncludeObject) =>
      toTable(printerOfType(pods.type!).printer, printed, items, {
        now: cluster.clock.now(),
        resourceVersion: cluster.store.resourceVersion,
        include,
      });
    const table = tableWith(includeObjectOf(undefined));
    expect(table.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ]);
    expect(table.rows[0]!.cells.slice(0, 3)).toEqual([items[0]!.metadata.name, '1/1', 'Running']);
    expect(table.rows[0]!.object).toEqual({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: items[0]!.metadata,
    });
    // ?includeObject=Object, as kubectl get --sort-by asks: the whole object, to sort by any field.
    expect(tableWith(includeObjectOf('Object')).rows[0]!.object).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
      status: { podIP: items[0]!.status && (items[0]!.status as { podIP: string }).podIP },
    });
    expect(tableWith(includeObjectOf('None')).rows[0]!.object).toBeNull();
    expect(
      wantsTable(
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
      ),
    ).toBe(true);
    expect(wantsTable('application/json')).toBe(false);
  });
});

describe("the nodes' Leases (kube-node-lease)", () => {
  const leases = resourceAt('coordination.k8s.io', 'v1', 'leases')!;
  const at = Date.parse('2026-12-06T10:00:17.500Z');

  it('one per node, held by it, renewed every 10 s while it is Ready', () => {
    const cluster = seeded();
    const { items } = listObjects(cluster.store, leases, {
      namespace: 'kube-node-lease',
      now: () => at,
    });
    expect(items.map((l) => l.metadata.name)).toEqual(['node-1', 'node-2', 'node-3']);
    const node = cluster.store.get('Node', undefined, 'node-1')!;
    expect(items[0]).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        namespace: 'kube-node-lease',
        ownerReferences: [{ kind: 'Node', name: 'node-1', uid: node.metadata.uid }],
      },
      spec: {
        holderIdentity: 'node-1',
        leaseDurationSeconds: 40,
        renewTime: '2026-12-06T10:00:10.000000Z',
      },
    });
    expect(listObjects(cluster.store, leases, { namespace: 'default' }).items).toEqual([]);
    expect(
      getObject(cluster.store, leases, 'kube-node-lease', 'node-2', { now: () => at }),
    ).toMatchObject({
      item: { spec: { holderIdentity: 'node-2' } },
    });
    const table = leaseTable(items, { now: at, resourceVersion: '1', include: 'None' });
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Holder', 'Age']);
    expect(table.rows[0]!.cells.slice(0, 2)).toEqual(['node-1', 'node-1']);
  });

  it("a stopped node's was last renewed when it stopped", () => {
    const cluster = seeded();
    const node = structuredClone(cluster.store.get('Node', undefined, 'node-3')!);
    node.status!.conditions = [
      { type: 'Ready', status: 'False', lastTransitionTime: '2026-12-06T09:58:01.000Z' },
    ];
    expect(nodeLease(node, at).spec).toMatchObject({ renewTime: '2026-12-06T09:58:01.000000Z' });
  });
});
