// Test ranges: the default address plan (testBuilders.ts): service CIDR 127.96.0.0/16, pod CIDR
// 127.244.0.0/16 with node-i on 127.244.i.0/24, nodes node-1..3, NodePorts 30000-32767.
import { describe, expect, it } from 'vitest';
import type { KubeObject, Service } from '@l4lab/protocol';
import { DEFAULT_ADDRESS_PLAN } from './addressPlan.ts';
import type { Cluster } from './cluster.ts';
import { checkClusterSnapshot, takeClusterSnapshot, type ClusterSnapshot } from './snapshot.ts';
import { makeDeployment, makeService, newTestCluster, podsOf, runKubelet } from './testBuilders.ts';

function applyOk(cluster: Cluster, objects: KubeObject[]): void {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('; '));
}

/** seed 02's shape: a Deployment of 2 and a NodePort Service, pods running; saved as JSON. */
function savedLab(): { before: Cluster; json: string } {
  const { cluster } = newTestCluster(1);
  applyOk(cluster, [
    makeDeployment('default', 'my-nginx'),
    makeService('default', 'my-nginx', (s) => (s.spec.type = 'NodePort')),
  ]);
  runKubelet(cluster);
  return {
    before: cluster,
    json: JSON.stringify(takeClusterSnapshot(cluster.store, cluster.plan)),
  };
}

/** A new cluster (another random seed: nothing may be regenerated) restored from `json`. */
function restoredFrom(json: string): { cluster: Cluster; problems: string[] } {
  const { cluster } = newTestCluster(99);
  const check = checkClusterSnapshot(JSON.parse(json), cluster.plan);
  if (!check.ok) throw new Error(check.reason);
  return { cluster, problems: cluster.restore(check.snapshot) };
}

const names = (c: Cluster, kind: 'Pod' | 'ReplicaSet' | 'EndpointSlice') =>
  c.list(kind, 'default').map((o) => o.metadata.name);
const service = (c: Cluster) => c.store.get('Service', 'default', 'my-nginx')!;

describe('a cluster restored from its snapshot', () => {
  it('has the same ReplicaSet, pods, EndpointSlice, clusterIP and nodePort', () => {
    const { before, json } = savedLab();
    const { cluster, problems } = restoredFrom(json);
    expect(problems).toEqual([]);
    expect(names(cluster, 'ReplicaSet')).toEqual(names(before, 'ReplicaSet'));
    expect(names(cluster, 'Pod')).toEqual(names(before, 'Pod'));
    expect(names(cluster, 'EndpointSlice')).toEqual(names(before, 'EndpointSlice'));
    expect(service(cluster).spec.clusterIP).toBe(service(before).spec.clusterIP);
    expect(service(cluster).spec.ports![0]!.nodePort).toBe(
      service(before).spec.ports![0]!.nodePort,
    );
    expect(service(cluster).metadata.uid).toBe(service(before).metadata.uid);
  });

  it('continues the resourceVersion after the saved one', () => {
    const { before, json } = savedLab();
    const { cluster } = restoredFrom(json);
    expect(Number(cluster.store.resourceVersion)).toBeGreaterThanOrEqual(
      Number(before.store.resourceVersion),
    );
  });

  it('starts each pod again (Pending, not Ready) and gives it back its IP through the kubelet', () => {
    const { before, json } = savedLab();
    const { cluster } = restoredFrom(json);
    for (const pod of podsOf(cluster, 'default', 'my-nginx')) {
      const old = before.store.get('Pod', 'default', pod.metadata.name)!;
      expect(pod.status?.phase).toBe('Pending');
      expect(pod.status?.conditions).toBeUndefined();
      const node = pod.spec.nodeName!;
      expect(node).toBe(old.spec.nodeName);
      // Another pod on that node is not given the kept address...
      expect(cluster.allocatePodIP(node)).not.toBe(old.status?.podIP);
      // ...the restored pod is.
      expect(cluster.allocatePodIP(node, pod.metadata.uid)).toBe(old.status?.podIP);
    }
    const ready = cluster
      .list('EndpointSlice', 'default')
      .flatMap((s) => s.endpoints)
      .filter((e) => e.conditions?.ready);
    expect(ready).toEqual([]);
  });

  it('keeps the ClusterIP allocated: another Service cannot ask for it', () => {
    const { json } = savedLab();
    const { cluster } = restoredFrom(json);
    const out = cluster.apply([
      makeService('default', 'other', (s) => (s.spec.clusterIP = service(cluster).spec.clusterIP)),
    ]);
    expect(out.ok ? [] : out.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/provided IP is already allocated$/),
    ]);
  });

  it('takes every saved nodePort back (a port held twice is reported, not given twice)', () => {
    const { json } = savedLab();
    const snapshot = JSON.parse(json) as ClusterSnapshot;
    const twin = structuredClone(
      snapshot.objects.find(
        (o): o is Service => o.kind === 'Service' && o.metadata.name === 'my-nginx',
      )!,
    );
    twin.metadata.name = 'twin';
    twin.spec.clusterIP = twin.spec.clusterIPs![0] = '127.96.200.200';
    snapshot.objects.push(twin);
    const { cluster, problems } = restoredFrom(JSON.stringify(snapshot));
    const port = service(cluster).spec.ports![0]!.nodePort;
    expect(problems).toEqual([`services "default/twin": nodePort ${port} is held twice`]);
  });

  it('does not bring back a pod that was terminating, nor the ones its owner replaced it with twice', () => {
    const { before, json } = savedLab();
    const snapshot = JSON.parse(json) as ClusterSnapshot;
    const victim = snapshot.objects.find(
      (o) => o.kind === 'Pod' && o.metadata.name.startsWith('my-nginx-'),
    )!;
    victim.metadata.deletionTimestamp = '2026-01-01T00:00:30.000Z';
    const { cluster } = restoredFrom(JSON.stringify(snapshot));
    const pods = names(cluster, 'Pod');
    expect(pods).not.toContain(victim.metadata.name);
    // The ReplicaSet sees one pod short and makes one, as after any pod deletion.
    expect(pods).toHaveLength(names(before, 'Pod').length);
  });
});

describe('checkClusterSnapshot', () => {
  const plan = DEFAULT_ADDRESS_PLAN;
  const good = () => JSON.parse(savedLab().json) as Record<string, unknown>;

  it('accepts what takeClusterSnapshot wrote', () => {
    expect(checkClusterSnapshot(good(), plan).ok).toBe(true);
  });

  it.each([
    ['not an object', 'null', /not an l4lab cluster state/],
    ['another kind', '{"kind":"Pod"}', /not an l4lab cluster state/],
  ])('refuses %s', (_what, json, reason) => {
    const check = checkClusterSnapshot(JSON.parse(json), plan);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });

  it('refuses a version it does not know', () => {
    const check = checkClusterSnapshot({ ...good(), version: 2 }, plan);
    expect(check.ok ? '' : check.reason).toBe('unknown version 2');
  });

  it('refuses a snapshot of another address plan, naming the flag', () => {
    const check = checkClusterSnapshot(good(), {
      ...plan,
      serviceCIDR: '127.131.0.0/16',
      dnsServiceIP: '127.131.0.10',
    });
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toBe(
      'saved with other addresses: --service-cidr was 127.96.0.0/16; start with those to use it',
    );
    expect(check.ok ? false : check.planChanged).toBe(true);
  });

  it('refuses an object controllers could not read, naming it', () => {
    const v = good();
    const objects = v.objects as Record<string, unknown>[];
    const i = objects.findIndex((o) => o.kind === 'Deployment');
    objects[i] = { ...objects[i], spec: { replicas: 2 } };
    const check = checkClusterSnapshot(v, plan);
    expect(check.ok ? '' : check.reason).toBe(
      `objects[${i}]: spec.selector or spec.template missing`,
    );
  });

  it('never keeps Nodes: each run makes its own from the flags', () => {
    const { before } = savedLab();
    const kinds = takeClusterSnapshot(before.store, before.plan).objects.map((o) => o.kind);
    expect(kinds).not.toContain('Node');
    expect(new Set(kinds)).toEqual(
      new Set([
        'Namespace',
        'ServiceAccount',
        'Deployment',
        'ReplicaSet',
        'Pod',
        'Service',
        'EndpointSlice',
      ]),
    );
  });
});
