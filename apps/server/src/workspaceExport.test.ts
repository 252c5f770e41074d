import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@l4lab/protocol';
import { newTestCluster, runKubelet } from '@l4lab/cluster/testing';
import { checkManifests } from '@l4lab/manifests';
import { cleanObject, exportedObjects, isUserObject } from './workspaceExport.ts';

// A cluster on the default address plan with a fake clock; no sockets, no processes.

const USER_YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: blue}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, annotations: {owner: alice}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: load}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [wget, -qO-, http://db]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-echo, namespace: shop}
spec:
  selector: {matchLabels: {app: node-echo}}
  template:
    metadata: {labels: {app: node-echo}}
    spec: {containers: [{name: nginx, image: nginx}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: postgres, image: postgres}]}
---
apiVersion: v1
kind: Service
metadata: {name: legacy}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy}
subsets: [{addresses: [{ip: 192.0.2.10}], ports: [{port: 80}]}]
`;

function labWithUserObjects() {
  const { cluster } = newTestCluster();
  const checked = checkManifests(USER_YAML);
  expect(checked.errors).toEqual([]);
  const outcome = cluster.apply(checked.objects.map((o) => o.object));
  expect(outcome.ok).toBe(true);
  // The kube-dns add-on and the API server's own Service, as a lab has them.
  cluster.advertiseApiServer({ ip: '127.0.0.1', port: 6443 });
  const addOn = checkManifests(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: coredns, namespace: kube-system}\n' +
      'spec:\n  selector: {matchLabels: {k8s-app: kube-dns}}\n  template:\n' +
      '    metadata: {labels: {k8s-app: kube-dns}}\n    spec: {containers: [{name: c, image: coredns}]}\n',
  );
  expect(cluster.apply(addOn.objects.map((o) => o.object)).ok).toBe(true);
  runKubelet(cluster);
  return cluster;
}

const names = (objects: readonly KubeObject[]) =>
  objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);

describe('exportedObjects', () => {
  it('keeps what users wrote, in apply order, and leaves what controllers and add-ons made', () => {
    const cluster = labWithUserObjects();
    const all = cluster.store.all();
    // The controllers did make ReplicaSets, pods, slices and mirrored slices meanwhile.
    // web x2, client, coredns, node-echo on each of the 3 nodes, load's, db-0
    expect(all.filter((o) => o.kind === 'Pod')).toHaveLength(9);
    expect(
      all.some((o) => o.kind === 'EndpointSlice' && o.metadata.name.startsWith('legacy')),
    ).toBe(true);
    expect(names(exportedObjects(all))).toEqual([
      'Namespace /shop',
      'Service default/db',
      'Service default/legacy',
      'Service shop/web',
      'Endpoints default/legacy',
      'Deployment shop/web',
      'DaemonSet shop/node-echo',
      'StatefulSet default/db',
      'Job default/load',
      'Pod default/client',
    ]);
    // The selector and labels this lab generated from the Job's uid stay behind.
    const load = exportedObjects(all).find((o) => o.kind === 'Job')!;
    expect(load.kind === 'Job' && load.spec.selector).toBeUndefined();
    expect(load.metadata.labels).toBeUndefined();
    expect(load.kind === 'Job' && load.spec.template.metadata).toEqual({});
  });

  it('drops status and server-written metadata, keeps labels, annotations and spec', () => {
    const cluster = labWithUserObjects();
    const exported = exportedObjects(cluster.store.all());
    const ns = exported.find((o) => o.kind === 'Namespace')!;
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { team: 'blue' } },
    });
    const deploy = exported.find((o) => o.kind === 'Deployment')!;
    expect(deploy.metadata).toEqual({
      name: 'web',
      namespace: 'shop',
      annotations: { owner: 'alice' },
    });
    expect(deploy).not.toHaveProperty('status');
    expect(deploy.kind === 'Deployment' && deploy.spec.replicas).toBe(2);
    const pod = exported.find((o) => o.kind === 'Pod')!;
    expect(pod).not.toHaveProperty('status');
    expect(pod.kind === 'Pod' && pod.spec.containers[0]!.image).toBe('busybox');
    for (const o of exported) {
      for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'generation'])
        expect(o.metadata).not.toHaveProperty(field);
    }
  });

  it('drops an allocated ClusterIP (the importing lab allocates its own), keeps None and nodePorts', () => {
    const cluster = labWithUserObjects();
    const exported = exportedObjects(cluster.store.all());
    const svc = (name: string) => {
      const o = exported.find((x) => x.kind === 'Service' && x.metadata.name === name);
      if (o?.kind !== 'Service') throw new Error(`no Service ${name}`);
      return o;
    };
    expect(svc('web').spec).not.toHaveProperty('clusterIP');
    expect(svc('web').spec).not.toHaveProperty('clusterIPs');
    expect(svc('web').spec.ports?.[0]?.nodePort).toBe(30080);
    expect(svc('db').spec.clusterIP).toBe('None');
  });
});

describe('isUserObject', () => {
  const meta = (over: Partial<KubeObject['metadata']>) => ({
    name: 'x',
    namespace: 'default',
    ...over,
  });
  const slice = (labels: Record<string, string>, name = 'x'): KubeObject => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: meta({ name, labels }),
    addressType: 'IPv4',
    endpoints: [],
    ports: [],
  });

  it("tells a user's EndpointSlice from the controllers' and the API server's", () => {
    expect(isUserObject(slice({}))).toBe(true);
    expect(isUserObject(slice({ 'endpointslice.kubernetes.io/managed-by': 'my-controller' }))).toBe(
      true,
    );
    expect(
      isUserObject(
        slice({ 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }),
      ),
    ).toBe(false);
    expect(
      isUserObject(
        slice({
          'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
        }),
      ),
    ).toBe(false);
    expect(isUserObject(slice({ 'kubernetes.io/service-name': 'kubernetes' }, 'kubernetes'))).toBe(
      false,
    );
  });

  it('leaves an object being deleted, and every Node', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta({ deletionTimestamp: '2025-01-01T00:00:00Z' }),
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    expect(isUserObject(pod)).toBe(false);
    expect(isUserObject({ ...pod, metadata: meta({}) })).toBe(true);
  });
});

describe('cleanObject', () => {
  it('drops the server labels and annotations and leaves empty maps out', () => {
    const o = cleanObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'a',
        uid: 'u',
        resourceVersion: '7',
        labels: { 'kubernetes.io/metadata.name': 'a' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      status: { phase: 'Active' },
    });
    expect(o).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
  });
});
