// Test ranges: service CIDR 127.96.0.0/16, NodePorts 30000-32767 (dynamic band from 30086).
import { describe, it, expect } from 'vitest';
import type { KubeObject, Service } from '@l4lab/protocol';
import type { Cluster } from './cluster.ts';
import { planApply } from './apply.ts';
import { ObjectStore } from './store.ts';
import {
  makeDeployment,
  makeNamespace,
  makeService,
  newTestCluster,
  runKubelet,
  slicesFor,
} from './testBuilders.ts';

function applyOk(cluster: Cluster, objects: KubeObject[]) {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(`apply failed: ${out.errors.map((e) => e.message).join('; ')}`);
  return out.results.map((r) => `${r.kind}/${r.name} ${r.action}`);
}

function applyErrors(cluster: Cluster, objects: KubeObject[]) {
  const out = cluster.apply(objects);
  if (out.ok) throw new Error('apply unexpectedly succeeded');
  return out.errors;
}

function externalName(ns: string, name: string, target: string): Service {
  return makeService(ns, name, (s) => {
    s.metadata.labels = {};
    s.spec = {
      type: 'ExternalName',
      externalName: target,
      ports: [{ name: 'http', port: 80, targetPort: 80, protocol: 'TCP' }],
    };
  });
}

function nodePortService(ns: string, name: string, nodePort?: number): Service {
  return makeService(ns, name, (s) => {
    s.spec.type = 'NodePort';
    if (nodePort !== undefined) s.spec.ports![0]!.nodePort = nodePort;
  });
}

describe('Cluster.apply errors', () => {
  it('rejects an object in a missing namespace, and applies nothing of the request', () => {
    const { cluster } = newTestCluster();
    const before = cluster.store.resourceVersion;
    const errors = applyErrors(cluster, [
      makeService('default', 'fine'),
      makeDeployment('nginx-ns', 'nginx'),
    ]);
    expect(errors).toEqual([
      {
        index: 1,
        path: 'metadata.namespace',
        code: 'L4_E_NAMESPACE_NOT_FOUND',
        message: 'namespaces "nginx-ns" not found',
      },
    ]);
    expect(cluster.store.get('Service', 'default', 'fine')).toBeUndefined();
    expect(cluster.list('Deployment')).toEqual([]);
    expect(cluster.store.resourceVersion).toBe(before);
  });

  it('accepts a namespace created earlier in the same request (seed 03 order)', () => {
    const { cluster } = newTestCluster();
    const results = applyOk(cluster, [
      makeDeployment('default', 'client', (d) => {
        d.spec.replicas = 1;
        d.spec.selector = { matchLabels: { app: 'busybox' } };
        d.spec.template.metadata = { labels: { app: 'busybox' } };
      }),
      externalName('default', 'client-svc', 'nginx-svc.nginx-ns.svc.cluster.local'),
      makeNamespace('nginx-ns'),
      makeDeployment('nginx-ns', 'nginx', (d) => (d.spec.replicas = 1)),
      makeService('nginx-ns', 'nginx-svc', (s) => (s.spec.selector = { run: 'nginx' })),
    ]);
    expect(results).toEqual([
      'Deployment/client created',
      'Service/client-svc created',
      'Namespace/nginx-ns created',
      'Deployment/nginx created',
      'Service/nginx-svc created',
    ]);
    expect(cluster.store.get('Namespace', undefined, 'nginx-ns')?.status?.phase).toBe('Active');
    runKubelet(cluster);
    const ext = cluster.store.get('Service', 'default', 'client-svc')!;
    expect(ext.spec.clusterIP).toBeUndefined();
    expect(ext.spec.clusterIPs).toBeUndefined();
    expect(ext.spec.ports?.[0]?.nodePort).toBeUndefined();
    expect(slicesFor(cluster, 'default', 'client-svc')).toEqual([]);
    expect(slicesFor(cluster, 'nginx-ns', 'nginx-svc')[0]?.endpoints).toHaveLength(1);
  });

  it('the namespace must come before what goes in it', () => {
    const { cluster } = newTestCluster();
    const errors = applyErrors(cluster, [
      makeDeployment('nginx-ns', 'nginx'),
      makeNamespace('nginx-ns'),
    ]);
    expect(errors.map((e) => e.message)).toEqual(['namespaces "nginx-ns" not found']);
    expect(cluster.store.get('Namespace', undefined, 'nginx-ns')).toBeUndefined();
  });

  it('rejects a change of spec.clusterIP', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [makeService('default', 'my-nginx')]);
    const ip = cluster.store.get('Service', 'default', 'my-nginx')!.spec.clusterIP;
    const errors = applyErrors(cluster, [
      makeService('default', 'my-nginx', (s) => (s.spec.clusterIP = '127.96.5.5')),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'spec.clusterIPs[0]', code: 'L4_E_IMMUTABLE' });
    expect(errors[0]?.message).toBe(
      'The Service "my-nginx" is invalid: spec.clusterIPs[0]: Invalid value: []string{"127.96.5.5"}: may not change once set',
    );
    expect(cluster.store.get('Service', 'default', 'my-nginx')!.spec.clusterIP).toBe(ip);
    // Restating the allocated address is no change.
    expect(
      applyOk(cluster, [makeService('default', 'my-nginx', (s) => (s.spec.clusterIP = ip))]),
    ).toEqual(['Service/my-nginx unchanged']);
  });

  it('rejects a change of a Deployment selector', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [makeDeployment('default', 'my-nginx')]);
    const errors = applyErrors(cluster, [
      makeDeployment('default', 'my-nginx', (d) => {
        d.spec.selector = { matchLabels: { run: 'other' } };
        d.spec.template.metadata = { labels: { run: 'other' } };
      }),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: 'spec.selector', code: 'L4_E_IMMUTABLE' });
    expect(errors[0]?.message).toMatch(
      /^The Deployment "my-nginx" is invalid: spec.selector: Invalid value: .*"run":"other".*: field is immutable$/,
    );
    expect(cluster.store.get('Deployment', 'default', 'my-nginx')?.spec.selector).toEqual({
      matchLabels: { run: 'my-nginx' },
    });
  });

  it('rejects a clusterIP that is taken or out of range', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [makeService('default', 'a', (s) => (s.spec.clusterIP = '127.96.0.20'))]);
    const taken = applyErrors(cluster, [
      makeService('default', 'b', (s) => (s.spec.clusterIP = '127.96.0.20')),
    ]);
    expect(taken[0]?.message).toMatch(/provided IP is already allocated$/);
    expect(
      applyErrors(cluster, [makeService('default', 'c', (s) => (s.spec.clusterIP = '10.0.0.1'))]),
    ).toHaveLength(1);
  });

  it('rejects two Services asking for the same clusterIP in one request', () => {
    const { cluster } = newTestCluster();
    const errors = applyErrors(cluster, [
      makeService('default', 'a', (s) => (s.spec.clusterIP = '127.96.0.20')),
      makeService('default', 'b', (s) => (s.spec.clusterIP = '127.96.0.20')),
    ]);
    expect(errors.map((e) => [e.index, e.code])).toEqual([[1, 'L4_E_IP_ALLOCATED']]);
    expect(cluster.list('Service')).toEqual([]);
  });

  it('rejects the same object twice in one request', () => {
    const { cluster } = newTestCluster();
    const errors = applyErrors(cluster, [makeService('default', 'a'), makeService(undefined, 'a')]);
    expect(errors.map((e) => [e.index, e.code])).toEqual([[1, 'L4_E_DUPLICATE']]);
  });
});

describe('NodePort Services', () => {
  it('get a nodePort from the dynamic band and keep it on re-apply', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [nodePortService('default', 'np')]);
    const port = cluster.store.get('Service', 'default', 'np')!.spec.ports![0]!.nodePort!;
    expect(port).toBeGreaterThanOrEqual(30086);
    expect(port).toBeLessThanOrEqual(32767);
    expect(applyOk(cluster, [nodePortService('default', 'np')])).toEqual(['Service/np unchanged']);
    const relabelled = nodePortService('default', 'np');
    relabelled.metadata.labels = { run: 'np', tier: 'web' };
    expect(applyOk(cluster, [relabelled])).toEqual(['Service/np configured']);
    const svc = cluster.store.get('Service', 'default', 'np')!;
    expect(svc.spec.ports![0]!.nodePort).toBe(port);
    expect(svc.metadata.labels).toEqual({ run: 'np', tier: 'web' });
  });

  it('keep a nodePort the user chose (seed 02: 30380)', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [nodePortService('default', 'np', 30380)]);
    expect(cluster.store.get('Service', 'default', 'np')!.spec.ports![0]!.nodePort).toBe(30380);
    expect(applyOk(cluster, [nodePortService('default', 'np', 30380)])).toEqual([
      'Service/np unchanged',
    ]);
  });

  it('move to a new nodePort the user chose, freeing the old one', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [nodePortService('default', 'np', 30380)]);
    expect(applyOk(cluster, [nodePortService('default', 'np', 30381)])).toEqual([
      'Service/np configured',
    ]);
    expect(cluster.store.get('Service', 'default', 'np')!.spec.ports![0]!.nodePort).toBe(30381);
    applyOk(cluster, [nodePortService('default', 'other', 30380)]);
    expect(cluster.store.get('Service', 'default', 'other')!.spec.ports![0]!.nodePort).toBe(30380);
  });

  it('a ClusterIP Service has no nodePort, and deleting a NodePort Service frees its port', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      makeService('default', 'plain', (s) => (s.spec.ports![0]!.nodePort = 30500)),
    ]);
    expect(
      cluster.store.get('Service', 'default', 'plain')!.spec.ports![0]!.nodePort,
    ).toBeUndefined();
    applyOk(cluster, [nodePortService('default', 'np', 30380)]);
    cluster.delete('Service', 'default', 'np');
    applyOk(cluster, [nodePortService('default', 'np2', 30380)]);
    expect(cluster.store.get('Service', 'default', 'np2')!.spec.ports![0]!.nodePort).toBe(30380);
  });

  it('rejects a nodePort another Service holds, in the cluster or earlier in the request', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [nodePortService('default', 'np', 30380)]);
    const errors = applyErrors(cluster, [nodePortService('default', 'b', 30380)]);
    expect(errors).toEqual([
      {
        index: 0,
        path: 'spec.ports[0].nodePort',
        code: 'L4_E_PORT_ALLOCATED',
        message:
          'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30380: provided port is already allocated',
      },
    ]);
    const inRequest = applyErrors(cluster, [
      nodePortService('default', 'c', 30400),
      nodePortService('default', 'd', 30400),
    ]);
    expect(inRequest.map((e) => [e.index, e.code])).toEqual([[1, 'L4_E_PORT_ALLOCATED']]);
    expect(cluster.list('Service').map((s) => s.metadata.name)).toEqual(['np']);
  });

  it('treats a healthCheckNodePort as an allocated node port, both ways', () => {
    const { cluster } = newTestCluster();
    const localLB = (name: string, hc?: number) =>
      makeService('default', name, (s) => {
        s.spec.type = 'LoadBalancer';
        s.spec.externalTrafficPolicy = 'Local';
        if (hc !== undefined) s.spec.healthCheckNodePort = hc;
      });
    applyOk(cluster, [localLB('lb')]);
    const hc = cluster.store.get('Service', 'default', 'lb')!.spec.healthCheckNodePort!;
    expect(applyErrors(cluster, [nodePortService('default', 'b', hc)])).toEqual([
      {
        index: 0,
        path: 'spec.ports[0].nodePort',
        code: 'L4_E_PORT_ALLOCATED',
        message: `The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: ${hc}: provided port is already allocated`,
      },
    ]);
    applyOk(cluster, [nodePortService('default', 'np', 30380)]);
    expect(applyErrors(cluster, [localLB('lb2', 30380)])).toEqual([
      {
        index: 0,
        path: 'spec.healthCheckNodePort',
        code: 'L4_E_PORT_ALLOCATED',
        message:
          'The Service "lb2" is invalid: spec.healthCheckNodePort: Invalid value: 30380: provided port is already allocated',
      },
    ]);
    expect(applyErrors(cluster, [localLB('lb3', 8080)]).map((e) => e.code)).toEqual([
      'L4_E_PORT_RANGE',
    ]);
    // Re-applying keeps its own port without complaint.
    expect(applyOk(cluster, [localLB('lb', hc)])).toEqual(['Service/lb unchanged']);
  });

  it('changing the type to ClusterIP drops and frees the nodePort', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [nodePortService('default', 'np', 30380)]);
    expect(applyOk(cluster, [makeService('default', 'np')])).toEqual(['Service/np configured']);
    const svc = cluster.store.get('Service', 'default', 'np')!;
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports![0]!.nodePort).toBeUndefined();
    applyOk(cluster, [nodePortService('default', 'other', 30380)]);
    expect(cluster.store.get('Service', 'default', 'other')!.spec.ports![0]!.nodePort).toBe(30380);
  });
});

describe('planApply', () => {
  it('plans without writing', () => {
    const store = new ObjectStore();
    store.put(makeNamespace('default'));
    const rv = store.resourceVersion;
    const { writes, errors } = planApply(store, [makeService(undefined, 'a')], {
      serviceCIDR: '127.96.0.0/16',
      nodePortRange: { first: 30000, last: 32767 },
      clusterIPInRange: () => true,
      clusterIPAllocated: () => false,
    });
    expect(errors).toEqual([]);
    expect(writes.map((w) => [w.action, w.object.metadata.namespace])).toEqual([
      ['created', 'default'],
    ]);
    expect(store.resourceVersion).toBe(rv);
  });
});

describe("a namespace's own quota (a workshop student's)", () => {
  it('counts pods and Services in that namespace only, under its own name', () => {
    const { cluster } = newTestCluster();
    cluster.apply([makeNamespace('alice')]);
    cluster.namespaceQuotas.set('alice', { name: 'student-quota', pods: 4, services: 5 });
    const sized = (ns: string, name: string, replicas: number) =>
      makeDeployment(ns, name, (x) => {
        x.spec.replicas = replicas;
      });
    expect(cluster.apply([sized('alice', 'a', 3)]).ok).toBe(true);
    expect(applyErrors(cluster, [sized('alice', 'b', 2)])).toEqual([
      {
        index: 0,
        path: 'spec.replicas',
        code: 'L4_E_QUOTA',
        message:
          'deployments.apps "b" is forbidden: exceeded quota: student-quota, requested: pods=2, used: pods=3, limited: pods=4',
      },
    ]);
    // Scaling the one it has within the quota, and other namespaces, are not held to it.
    expect(cluster.apply([sized('alice', 'a', 4)]).ok).toBe(true);
    expect(cluster.apply([sized('default', 'big', 20)]).ok).toBe(true);
  });
});

describe("the lab's quota (l4lab-limits)", () => {
  it('refuses a Deployment that would make more pods than l4lab runs, and applies nothing', () => {
    const { cluster } = newTestCluster();
    const d = makeDeployment('default', 'huge', (x) => {
      x.spec.replicas = 3000;
    });
    const errors = applyErrors(cluster, [d]);
    expect(errors).toEqual([
      {
        index: 0,
        path: 'spec.replicas',
        code: 'L4_E_QUOTA',
        message:
          'deployments.apps "huge" is forbidden: exceeded quota: l4lab-limits, requested: pods=3000, used: pods=0, limited: pods=500',
      },
    ]);
    expect(cluster.list('Deployment')).toEqual([]);
  });

  it('counts what a request asks on top of what runs, and lets a request that lowers it through', () => {
    // planApply on a bare store: the quota counts what Deployments ask, not pods already made.
    const store = new ObjectStore();
    store.put(makeNamespace('default'));
    const sized = (name: string, replicas: number) =>
      makeDeployment('default', name, (x) => {
        x.spec.replicas = replicas;
      });
    store.put(sized('a', 300));
    store.put(sized('b', 150));
    const limits = {
      serviceCIDR: '127.96.0.0/16',
      nodePortRange: { first: 30000, last: 32767 },
      clusterIPInRange: () => true,
      clusterIPAllocated: () => false,
    };
    const over = planApply(store, [sized('a', 280), sized('c', 71)], limits).errors;
    expect(over.map((e) => [e.index, e.message])).toEqual([
      [
        1,
        'deployments.apps "c" is forbidden: exceeded quota: l4lab-limits, requested: pods=71, used: pods=430, limited: pods=500',
      ],
    ]);
    expect(planApply(store, [sized('a', 280), sized('c', 70)], limits).errors).toEqual([]);
  });

  it('refuses Services past the number of listening frontends a lab keeps (ports x nodes)', () => {
    const { cluster } = newTestCluster();
    const nodes = cluster.list('Node').length;
    const wide = (name: string) =>
      makeService('default', name, (s) => {
        s.spec.type = 'NodePort';
        s.spec.ports = Array.from({ length: 100 }, (_, i) => ({
          name: `p${i}`,
          port: 1000 + i,
          protocol: 'TCP' as const,
          targetPort: 80,
        }));
      });
    const perService = 100 * (1 + nodes);
    const fit = Math.floor(2000 / perService);
    applyOk(
      cluster,
      Array.from({ length: fit }, (_, i) => wide(`w${i}`)),
    );
    const errors = applyErrors(cluster, [wide('one-too-many')]);
    expect(errors[0]).toMatchObject({ index: 0, path: 'spec.ports', code: 'L4_E_QUOTA' });
    expect(errors[0]!.message).toBe(
      `services "one-too-many" is forbidden: exceeded quota: l4lab-limits, requested: frontends=${perService}, used: frontends=${fit * perService}, limited: frontends=2000`,
    );
  });

  it('refuses Services past the number a lab serves', () => {
    const { cluster } = newTestCluster();
    applyOk(
      cluster,
      Array.from({ length: 200 }, (_, i) => makeService('default', `s${i}`)),
    );
    expect(applyErrors(cluster, [makeService('default', 's200')])[0]!.message).toBe(
      'services "s200" is forbidden: exceeded quota: l4lab-limits, requested: services=1, used: services=200, limited: services=200',
    );
    applyOk(cluster, [makeService('default', 's0')]);
  });
});
