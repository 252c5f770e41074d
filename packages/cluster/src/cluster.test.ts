// Test ranges: service CIDR 127.96.0.0/16 (dynamic band from 127.96.1.0), pod CIDR 127.244.0.0/16
// with node-i on 127.244.i.0/24, nodes node-1..3 at 127.18.0.2-4. Time is a FakeClock, random a
// seeded LCG, the kubelet a fake (testBuilders.ts).
import { describe, it, expect } from 'vitest';
import type { EndpointSlice, KubeObject } from '@l4lab/protocol';
import { type Cluster, deletionForbidden } from './cluster.ts';
import { ipToInt } from './ipv4.ts';
import { podTemplateHash } from './names.ts';
import {
  makeDeployment,
  makeService,
  newTestCluster,
  podsOf,
  runKubelet,
  setPodReady,
  slicesFor,
} from './testBuilders.ts';

const SUFFIX = '[bcdfghjklmnpqrstvwxz2456789]{5}';

function applyOk(cluster: Cluster, objects: KubeObject[]) {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(`apply failed: ${out.errors.map((e) => e.message).join('; ')}`);
  return out.results.map((r) => `${r.kind}/${r.name} ${r.action}`);
}

function endpoints(slice: EndpointSlice | undefined) {
  return (slice?.endpoints ?? []).map((e) => ({
    ip: e.addresses[0],
    pod: e.targetRef?.name,
    ...e.conditions,
  }));
}

function seed01(seed = 1, replicas = 2) {
  const { cluster, clock } = newTestCluster(seed);
  const deployment = makeDeployment('default', 'my-nginx', (d) => (d.spec.replicas = replicas));
  const service = makeService('default', 'my-nginx');
  const results = applyOk(cluster, [deployment, service]);
  return { cluster, clock, deployment, service, results };
}

function replicaSets(cluster: Cluster) {
  return cluster
    .list('ReplicaSet', 'default')
    .filter((rs) => rs.metadata.name.startsWith('my-nginx-'));
}

function activePods(cluster: Cluster) {
  return podsOf(cluster, 'default', 'my-nginx').filter((p) => !p.metadata.deletionTimestamp);
}

describe('Cluster.apply: seed 01 (Deployment my-nginx + Service my-nginx)', () => {
  it('reports created, then unchanged on the same objects, then configured on a change', () => {
    const { cluster, deployment, service, results } = seed01();
    expect(results).toEqual(['Deployment/my-nginx created', 'Service/my-nginx created']);
    expect(applyOk(cluster, [deployment, service])).toEqual([
      'Deployment/my-nginx unchanged',
      'Service/my-nginx unchanged',
    ]);
    const scaled = makeDeployment('default', 'my-nginx', (d) => (d.spec.replicas = 3));
    expect(applyOk(cluster, [scaled, service])).toEqual([
      'Deployment/my-nginx configured',
      'Service/my-nginx unchanged',
    ]);
    const d = cluster.store.get('Deployment', 'default', 'my-nginx');
    expect(d?.spec.replicas).toBe(3);
    expect(d?.metadata.generation).toBe(2);
    expect(activePods(cluster)).toHaveLength(3);
  });

  it('puts objects without a namespace (the seed YAML as written) in default', () => {
    const { cluster } = newTestCluster();
    const results = applyOk(cluster, [
      makeDeployment(undefined, 'my-nginx'),
      makeService(undefined, 'my-nginx'),
    ]);
    expect(results).toEqual(['Deployment/my-nginx created', 'Service/my-nginx created']);
    expect(cluster.store.get('Deployment', 'default', 'my-nginx')).toBeDefined();
    expect(cluster.store.get('Service', 'default', 'my-nginx')).toBeDefined();
    expect(activePods(cluster)).toHaveLength(2);
    expect(
      applyOk(cluster, [makeDeployment(undefined, 'my-nginx'), makeService(undefined, 'my-nginx')]),
    ).toEqual(['Deployment/my-nginx unchanged', 'Service/my-nginx unchanged']);
  });

  it('creates a ReplicaSet my-nginx-<pod-template-hash> owned by the Deployment', () => {
    const { cluster, deployment } = seed01();
    const hash = podTemplateHash(deployment.spec.template);
    const [rs, ...more] = replicaSets(cluster);
    expect(more).toEqual([]);
    expect(rs?.metadata.name).toBe(`my-nginx-${hash}`);
    expect(rs?.metadata.labels).toEqual({ run: 'my-nginx', 'pod-template-hash': hash });
    expect(rs?.spec.selector.matchLabels).toEqual({ run: 'my-nginx', 'pod-template-hash': hash });
    expect(rs?.spec.replicas).toBe(2);
    expect(rs?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const d = cluster.store.get('Deployment', 'default', 'my-nginx');
    expect(rs?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'my-nginx',
        uid: d?.metadata.uid,
        controller: true,
      }),
    ]);
  });

  it('creates 2 pods my-nginx-<hash>-<5 chars> on different nodes', () => {
    const { cluster, deployment } = seed01();
    const hash = podTemplateHash(deployment.spec.template);
    const rs = replicaSets(cluster)[0]!;
    const pods = podsOf(cluster, 'default', 'my-nginx');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^my-nginx-${hash}-${SUFFIX}$`));
      expect(p.metadata.generateName).toBe(`my-nginx-${hash}-`);
      expect(p.metadata.labels).toEqual({ run: 'my-nginx', 'pod-template-hash': hash });
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        uid: rs.metadata.uid,
      });
      expect(p.spec.nodeName).toMatch(/^node-[123]$/);
      expect(p.status?.phase).toBe('Pending');
      expect(p.status?.podIP).toBeUndefined();
    }
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2);
  });

  it('gives the Service a ClusterIP from the dynamic band and an empty slice until pods run', () => {
    const { cluster } = seed01();
    const svc = cluster.store.get('Service', 'default', 'my-nginx')!;
    const ip = svc.spec.clusterIP!;
    expect(ip).toMatch(/^127\.96\.\d+\.\d+$/);
    expect(ipToInt(ip) - ipToInt('127.96.0.0')).toBeGreaterThanOrEqual(256);
    expect(svc.spec.clusterIPs).toEqual([ip]);
    const slices = slicesFor(cluster, 'default', 'my-nginx');
    expect(slices).toHaveLength(1);
    expect(slices[0]?.endpoints).toEqual([]);
  });

  it('lists ready pods in the EndpointSlice once the kubelet runs them', () => {
    const { cluster } = seed01();
    const started = runKubelet(cluster);
    expect(started).toHaveLength(2);
    for (const p of started) {
      const node = Number(p.spec.nodeName!.slice('node-'.length));
      expect(p.status?.podIP).toMatch(new RegExp(`^127\\.244\\.${node}\\.\\d+$`));
      expect(p.status?.hostIP).toBe(`127.18.0.${node + 1}`);
    }
    const [slice, ...more] = slicesFor(cluster, 'default', 'my-nginx');
    expect(more).toEqual([]);
    expect(slice?.metadata.name).toMatch(new RegExp(`^my-nginx-${SUFFIX}$`));
    expect(slice?.metadata.labels?.['kubernetes.io/service-name']).toBe('my-nginx');
    expect(slice?.addressType).toBe('IPv4');
    expect(slice?.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
    expect(endpoints(slice).sort((a, b) => a.pod!.localeCompare(b.pod!))).toEqual(
      [...started]
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
        .map((p) => ({
          ip: p.status?.podIP,
          pod: p.metadata.name,
          ready: true,
          serving: true,
          terminating: false,
        })),
    );
    expect(slice?.endpoints.map((e) => e.nodeName).sort()).toEqual(
      started.map((p) => p.spec.nodeName).sort(),
    );
    expect(cluster.store.get('Deployment', 'default', 'my-nginx')?.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
    });
  });

  it('marks a not-ready pod ready=false serving=false, and back', () => {
    const { cluster } = seed01();
    const [a, b] = runKubelet(
      cluster,
      (p) => p.metadata.name !== podsOf(cluster, 'default', 'my-nginx')[0]!.metadata.name,
    );
    const byPod = () =>
      new Map(endpoints(slicesFor(cluster, 'default', 'my-nginx')[0]).map((e) => [e.pod, e]));
    expect(byPod().get(a!.metadata.name)).toMatchObject({
      ready: false,
      serving: false,
      terminating: false,
    });
    expect(byPod().get(b!.metadata.name)).toMatchObject({
      ready: true,
      serving: true,
      terminating: false,
    });
    setPodReady(cluster, 'default', a!.metadata.name, true);
    expect(byPod().get(a!.metadata.name)).toMatchObject({ ready: true, serving: true });
    setPodReady(cluster, 'default', b!.metadata.name, false);
    expect(byPod().get(b!.metadata.name)).toMatchObject({ ready: false, serving: false });
  });

  it('deleting a pod: Terminating endpoint, a replacement with a new name and IP, gone after 30 s', () => {
    const { cluster, clock } = seed01();
    const [victim, survivor] = runKubelet(cluster);
    const victimIP = victim!.status!.podIP!;
    cluster.delete('Pod', 'default', victim!.metadata.name);

    const terminating = cluster.store.get('Pod', 'default', victim!.metadata.name);
    expect(terminating?.metadata.deletionTimestamp).toBe(
      new Date(clock.now() + 30_000).toISOString(),
    );
    expect(terminating?.metadata.deletionGracePeriodSeconds).toBe(30);
    const ep = endpoints(slicesFor(cluster, 'default', 'my-nginx')[0]).find(
      (e) => e.ip === victimIP,
    );
    expect(ep).toMatchObject({ ready: false, serving: true, terminating: true });

    const replacements = activePods(cluster).filter(
      (p) => p.metadata.name !== survivor!.metadata.name,
    );
    expect(replacements).toHaveLength(1);
    const replacement = replacements[0]!;
    expect(replacement.metadata.name).not.toBe(victim!.metadata.name);
    expect(replacement.metadata.uid).not.toBe(victim!.metadata.uid);
    expect(replacement.spec.nodeName).toBeDefined();

    const [started] = runKubelet(cluster);
    expect(started?.metadata.name).toBe(replacement.metadata.name);
    expect(started?.status?.podIP).toBeDefined();
    expect(started?.status?.podIP).not.toBe(victimIP);
    expect(endpoints(slicesFor(cluster, 'default', 'my-nginx')[0])).toHaveLength(3);

    clock.advance(29_999);
    expect(cluster.store.get('Pod', 'default', victim!.metadata.name)).toBeDefined();
    clock.advance(1);
    expect(cluster.store.get('Pod', 'default', victim!.metadata.name)).toBeUndefined();
    const after = endpoints(slicesFor(cluster, 'default', 'my-nginx')[0]);
    expect(after.map((e) => e.pod).sort()).toEqual(
      [survivor!.metadata.name, replacement.metadata.name].sort(),
    );
    expect(after.every((e) => e.ready && e.serving && !e.terminating)).toBe(true);
    expect(podsOf(cluster, 'default', 'my-nginx')).toHaveLength(2);
  });

  it('a pod deleted twice is deleted once; the kubelet ignores a replaced pod', () => {
    const { cluster, clock } = seed01();
    const [victim] = runKubelet(cluster);
    cluster.delete('Pod', 'default', victim!.metadata.name);
    const first = cluster.store.get('Pod', 'default', victim!.metadata.name)?.metadata
      .deletionTimestamp;
    clock.advance(10_000);
    cluster.delete('Pod', 'default', victim!.metadata.name);
    expect(
      cluster.store.get('Pod', 'default', victim!.metadata.name)?.metadata.deletionTimestamp,
    ).toBe(first);
    cluster.updatePodStatus('default', victim!.metadata.name, 'some-other-uid', {
      phase: 'Failed',
    });
    expect(cluster.store.get('Pod', 'default', victim!.metadata.name)?.status?.phase).toBe(
      'Running',
    );
  });

  it('scales to 0 (all pods terminate, slice empties) and to 5 (spread over the 3 nodes)', () => {
    const { cluster, clock, service } = seed01();
    runKubelet(cluster);
    applyOk(cluster, [
      makeDeployment('default', 'my-nginx', (d) => (d.spec.replicas = 0)),
      service,
    ]);
    expect(replicaSets(cluster)[0]?.spec.replicas).toBe(0);
    expect(activePods(cluster)).toEqual([]);
    expect(
      endpoints(slicesFor(cluster, 'default', 'my-nginx')[0]).every(
        (e) => e.terminating && !e.ready,
      ),
    ).toBe(true);
    clock.advance(30_000);
    expect(podsOf(cluster, 'default', 'my-nginx')).toEqual([]);
    expect(slicesFor(cluster, 'default', 'my-nginx')[0]?.endpoints).toEqual([]);
    expect(cluster.store.get('Deployment', 'default', 'my-nginx')?.status?.replicas).toBe(0);

    applyOk(cluster, [
      makeDeployment('default', 'my-nginx', (d) => (d.spec.replicas = 5)),
      service,
    ]);
    const pods = activePods(cluster);
    expect(pods).toHaveLength(5);
    expect(new Set(pods.map((p) => p.metadata.name)).size).toBe(5);
    const perNode = new Map<string, number>();
    for (const p of pods) perNode.set(p.spec.nodeName!, (perNode.get(p.spec.nodeName!) ?? 0) + 1);
    expect([...perNode.values()].sort()).toEqual([1, 2, 2]);
    runKubelet(cluster);
    const eps = endpoints(slicesFor(cluster, 'default', 'my-nginx')[0]);
    expect(eps).toHaveLength(5);
    expect(new Set(eps.map((e) => e.ip)).size).toBe(5);
    expect(replicaSets(cluster)[0]?.status).toMatchObject({ replicas: 5, readyReplicas: 5 });
  });

  it('deleting the Deployment cascades to its ReplicaSets and pods', () => {
    const { cluster, clock } = seed01();
    runKubelet(cluster);
    const deleted = cluster.delete('Deployment', 'default', 'my-nginx');
    expect(deleted?.metadata.name).toBe('my-nginx');
    expect(cluster.store.get('Deployment', 'default', 'my-nginx')).toBeUndefined();
    expect(replicaSets(cluster)).toEqual([]);
    const pods = podsOf(cluster, 'default', 'my-nginx');
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.metadata.deletionTimestamp !== undefined)).toBe(true);
    clock.advance(30_000);
    expect(podsOf(cluster, 'default', 'my-nginx')).toEqual([]);
    expect(slicesFor(cluster, 'default', 'my-nginx')[0]?.endpoints).toEqual([]);
    expect(cluster.delete('Deployment', 'default', 'my-nginx')).toBeUndefined();
  });

  it('deleting the Service removes its slice and frees its ClusterIP', () => {
    const { cluster } = seed01();
    runKubelet(cluster);
    const ip = cluster.store.get('Service', 'default', 'my-nginx')!.spec.clusterIP!;
    const taken = cluster.apply([makeService('default', 'other', (s) => (s.spec.clusterIP = ip))]);
    expect(taken.ok).toBe(false);
    cluster.delete('Service', 'default', 'my-nginx');
    expect(cluster.store.get('Service', 'default', 'my-nginx')).toBeUndefined();
    expect(slicesFor(cluster, 'default', 'my-nginx')).toEqual([]);
    expect(cluster.list('EndpointSlice')).toEqual([]);
    expect(
      applyOk(cluster, [makeService('default', 'other', (s) => (s.spec.clusterIP = ip))]),
    ).toEqual(['Service/other created']);
    expect(cluster.store.get('Service', 'default', 'other')?.spec.clusterIPs).toEqual([ip]);
    expect(activePods(cluster)).toHaveLength(2);
  });

  it('is deterministic for a given seed', () => {
    const names = (seed: number) => {
      const { cluster } = seed01(seed);
      runKubelet(cluster);
      return cluster
        .list('Pod')
        .map((p) => `${p.metadata.name} ${p.spec.nodeName} ${p.status?.podIP}`);
    };
    expect(names(42)).toEqual(names(42));
  });
});

describe('Cluster basics', () => {
  it("starts with a cluster's four namespaces and nodes node-1..3", () => {
    const { cluster } = newTestCluster();
    expect(cluster.list('Namespace').map((n) => n.metadata.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    expect(
      cluster
        .list('Node')
        .map((n) => [n.metadata.name, cluster.nodeIP(n.metadata.name), n.spec.podCIDR]),
    ).toEqual([
      ['node-1', '127.18.0.2', '127.244.1.0/24'],
      ['node-2', '127.18.0.3', '127.244.2.0/24'],
      ['node-3', '127.18.0.4', '127.244.3.0/24'],
    ]);
    expect(() => cluster.allocatePodIP('node-9')).toThrow('node "node-9" not found');
  });

  it('keeps the kube-dns address 127.96.0.10 out of dynamic allocation', () => {
    const { cluster } = newTestCluster();
    const out = cluster.apply([
      makeService('kube-system', 'kube-dns', (s) => (s.spec.clusterIP = '127.96.0.10')),
    ]);
    expect(out.ok).toBe(false);
  });

  it('a headless Service gets clusterIP None, no allocation, and still a slice', () => {
    const { cluster } = seed01();
    applyOk(cluster, [
      makeService('default', 'headless', (s) => {
        s.spec.clusterIP = 'None';
        s.spec.selector = { run: 'my-nginx' };
      }),
    ]);
    runKubelet(cluster);
    expect(cluster.store.get('Service', 'default', 'headless')?.spec.clusterIPs).toEqual(['None']);
    expect(endpoints(slicesFor(cluster, 'default', 'headless')[0])).toHaveLength(2);
  });

  it('a Service without selector has no EndpointSlice', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [makeService('default', 'manual', (s) => delete s.spec.selector)]);
    expect(cluster.list('EndpointSlice')).toEqual([]);
  });

  it('resolves a named targetPort per pod', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      makeDeployment('default', 'web', (d) => {
        d.spec.template.spec.containers[0]!.ports = [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
        ];
      }),
      makeService(
        'default',
        'web',
        (s) => (s.spec.ports = [{ name: 'web', port: 80, protocol: 'TCP', targetPort: 'http' }]),
      ),
    ]);
    runKubelet(cluster);
    expect(slicesFor(cluster, 'default', 'web')[0]?.ports).toEqual([
      { name: 'web', port: 8080, protocol: 'TCP' },
    ]);
  });
});

describe('Cluster.delete of an immortal namespace', () => {
  it('is forbidden, like the NamespaceLifecycle admission plugin, and deletes nothing', () => {
    const { cluster } = seed01();
    for (const ns of ['default', 'kube-system']) {
      expect(deletionForbidden('Namespace', ns)).toBe(
        `namespaces "${ns}" is forbidden: this namespace may not be deleted`,
      );
      expect(cluster.delete('Namespace', undefined, ns)).toBeUndefined();
    }
    expect(cluster.store.get('Namespace', undefined, 'default')).toBeDefined();
    expect(cluster.store.get('Service', 'default', 'my-nginx')).toBeDefined();
    expect(deletionForbidden('Namespace', 'team-a')).toBeUndefined();
  });
});

describe('Cluster.delete of a Node', () => {
  it("is forbidden: the nodes are l4lab's fixed virtual machines (stop one instead)", () => {
    const { cluster } = seed01();
    expect(deletionForbidden('Node', 'node-1')).toBe(
      'nodes "node-1" is forbidden: l4lab\'s nodes cannot be deleted; stop one with POST /api/nodes/node-1/stop',
    );
    expect(cluster.delete('Node', undefined, 'node-1')).toBeUndefined();
    expect(cluster.list('Node')).toHaveLength(3);
  });
});

describe('deletion propagation', () => {
  it('Orphan leaves the dependents, without their owner; Background takes them along', () => {
    const { cluster } = newTestCluster();
    cluster.apply([makeDeployment('default', 'web')]);
    cluster.delete('Deployment', 'default', 'web', 'Orphan');
    const [rs] = cluster.list('ReplicaSet');
    expect(rs?.metadata.ownerReferences).toBeUndefined();
    cluster.apply([makeDeployment('default', 'api')]);
    cluster.delete('Deployment', 'default', 'api');
    expect(cluster.list('ReplicaSet').map((r) => r.metadata.name)).toEqual([rs!.metadata.name]);
  });
});

describe('Cluster.setEphemeralContainers (pods/ephemeralcontainers, kubectl debug)', () => {
  const debuggerOf = (name: string, image = 'busybox') => ({ name, image, stdin: true, tty: true });

  it('adds an ephemeral container, defaulted; refuses to change or remove one, as the API server', () => {
    const { cluster } = newTestCluster();
    cluster.apply([makeDeployment('default', 'web', (d) => (d.spec.replicas = 1))]);
    const [pod] = runKubelet(cluster);
    const name = pod!.metadata.name;
    const added = cluster.setEphemeralContainers('default', name, [debuggerOf('debugger-a')]);
    expect(added?.ok && added.pod.spec.ephemeralContainers).toEqual([
      expect.objectContaining({
        name: 'debugger-a',
        image: 'busybox',
        imagePullPolicy: 'Always',
        terminationMessagePolicy: 'File',
      }),
    ]);
    const changed = cluster.setEphemeralContainers('default', name, [
      debuggerOf('debugger-a', 'alpine'),
    ]);
    expect(changed).toEqual({
      ok: false,
      errors: [
        `Pod "${name}" is invalid: spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers "debugger-a" may not be changed`,
      ],
    });
    expect(cluster.setEphemeralContainers('default', name, [])).toEqual({
      ok: false,
      errors: [
        `Pod "${name}" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger-a" may not be removed`,
      ],
    });
    const app = pod!.spec.containers[0]!.name;
    const clash = cluster.setEphemeralContainers('default', name, [
      debuggerOf('debugger-a'),
      { name: app, image: '', ports: [{ containerPort: 80 }] },
    ]);
    expect(clash?.ok === false && clash.errors).toEqual([
      `Pod "${name}" is invalid: spec.ephemeralContainers[1].name: Duplicate value: "${app}"`,
      `Pod "${name}" is invalid: spec.ephemeralContainers[1].image: Required value`,
      `Pod "${name}" is invalid: spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container`,
    ]);
    expect(cluster.setEphemeralContainers('default', 'nope', [])).toBeUndefined();
    // A dry run answers the pod as it would be, and keeps it as it is.
    const preview = cluster.setEphemeralContainers(
      'default',
      name,
      [debuggerOf('debugger-a'), debuggerOf('debugger-b')],
      true,
    );
    expect(preview?.ok && preview.pod.spec.ephemeralContainers?.map((c) => c.name)).toEqual([
      'debugger-a',
      'debugger-b',
    ]);
    expect(cluster.store.get('Pod', 'default', name)!.spec.ephemeralContainers).toHaveLength(1);
    // An update of the pod (kubectl label, replace) keeps them; a pod is not created with them.
    const relabeled = structuredClone(cluster.store.get('Pod', 'default', name)!);
    relabeled.metadata.labels = { ...relabeled.metadata.labels, debugged: 'yes' };
    delete relabeled.spec.ephemeralContainers;
    expect(cluster.apply([relabeled]).ok).toBe(true);
    expect(cluster.store.get('Pod', 'default', name)!.spec.ephemeralContainers).toHaveLength(1);
    const fresh = structuredClone(relabeled);
    fresh.metadata = { name: 'fresh', namespace: 'default' };
    fresh.spec = {
      containers: [{ name: 'c', image: 'nginx' }],
      ephemeralContainers: [debuggerOf('d')],
    };
    const created = cluster.apply([fresh]);
    expect(!created.ok && created.errors.map((e) => e.message)).toEqual([
      'The Pod "fresh" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create',
    ]);
  });
});
