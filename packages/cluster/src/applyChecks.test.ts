// Stateful apply checks. Test ranges: service CIDR 127.96.0.0/16, NodePorts 30000-32767.
import { describe, expect, it } from 'vitest';
import type { KubeObject, Pod, Service } from '@l4lab/protocol';
import type { Cluster } from './cluster.ts';
import { makeDaemonSet, makeService, newTestCluster, runKubelet } from './testBuilders.ts';

function apply(cluster: Cluster, objects: KubeObject[]) {
  const out = cluster.apply(objects);
  return out.ok
    ? out.results.map((r) => `${r.kind}/${r.name} ${r.action}`)
    : out.errors.map((e) => e.message);
}

const nodePort = (name: string, port?: number, mutate?: (s: Service) => void) =>
  makeService('default', name, (s) => {
    s.spec.type = 'NodePort';
    if (port !== undefined) s.spec.ports![0]!.nodePort = port;
    mutate?.(s);
  });

const svc = (c: Cluster, name: string) => c.store.get('Service', 'default', name)!;

function barePod(image = 'nginx', mutate?: (p: Pod) => void): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'solo', namespace: 'default', labels: { app: 'solo' } },
    spec: {
      containers: [{ name: 'c', image, ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      terminationGracePeriodSeconds: 30,
    },
  };
  mutate?.(p);
  return p;
}

describe('apply: node ports', () => {
  it('rejects a nodePort outside 30000-32767 with the API server message', () => {
    const { cluster } = newTestCluster();
    expect(apply(cluster, [nodePort('a', 80)])).toEqual([
      'The Service "a" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
  });

  it('rejects a nodePort held by another Service', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [nodePort('a', 30080)]);
    expect(apply(cluster, [nodePort('b', 30080)])).toEqual([
      'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ]);
  });

  it('moves a nodePort from Service a to Service b in one request, in that order only', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [nodePort('a', 30080)]);
    expect(apply(cluster, [nodePort('b', 30080), nodePort('a', 30081)])).toEqual([
      'The Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ]);
    expect(apply(cluster, [nodePort('a', 30081), nodePort('b', 30080)])).toEqual([
      'Service/a configured',
      'Service/b created',
    ]);
    expect(svc(cluster, 'a').spec.ports![0]!.nodePort).toBe(30081);
    expect(svc(cluster, 'b').spec.ports![0]!.nodePort).toBe(30080);
    // Both are really held: a third Service can take neither.
    expect(apply(cluster, [nodePort('c', 30080)])).toHaveLength(1);
    expect(apply(cluster, [nodePort('c', 30081)])).toHaveLength(1);
  });

  it('ClusterIP -> NodePort allocates a nodePort; NodePort -> ClusterIP releases it', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [makeService('default', 'a')]);
    expect(apply(cluster, [nodePort('a')])).toEqual(['Service/a configured']);
    const port = svc(cluster, 'a').spec.ports![0]!.nodePort!;
    expect(port).toBeGreaterThanOrEqual(30086);
    expect(apply(cluster, [makeService('default', 'a')])).toEqual(['Service/a configured']);
    expect(svc(cluster, 'a').spec.ports![0]!.nodePort).toBeUndefined();
    expect(apply(cluster, [nodePort('b', port)])).toEqual(['Service/b created']);
  });
});

describe('apply: cluster IPs', () => {
  it("answers an IPv6 or malformed clusterIP with the API server's 422, not an internal error", () => {
    const { cluster } = newTestCluster();
    const v6 = apply(cluster, [makeService('default', 'v6', (x) => (x.spec.clusterIP = '::1'))]);
    expect(v6).toEqual([
      'The Service "v6" is invalid: spec.clusterIPs[0]: Invalid value: []string{"::1"}: IPv6 is not configured on this cluster',
    ]);
    const bad = apply(cluster, [makeService('default', 'b', (x) => (x.spec.clusterIP = '1.2.3'))]);
    expect(bad).toEqual([
      'The Service "b" is invalid: spec.clusterIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
  });

  it('rejects a clusterIP outside the service CIDR with the allocator message', () => {
    const { cluster } = newTestCluster();
    const s = makeService('default', 'a', (x) => (x.spec.clusterIP = '10.0.0.1'));
    expect(apply(cluster, [s])).toEqual([
      'The Service "a" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The IPs of the service CIDR are 127.96.0.0/16',
    ]);
  });

  it('rejects None -> IP and IP -> None (may not change once set)', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [makeService('default', 'h', (s) => (s.spec.clusterIP = 'None'))]);
    expect(
      apply(cluster, [makeService('default', 'h', (s) => (s.spec.clusterIP = '127.96.9.9'))]),
    ).toEqual([
      'The Service "h" is invalid: spec.clusterIPs[0]: Invalid value: []string{"127.96.9.9"}: may not change once set',
    ]);
    apply(cluster, [makeService('default', 'v')]);
    expect(
      apply(cluster, [makeService('default', 'v', (s) => (s.spec.clusterIP = 'None'))]),
    ).toEqual([
      'The Service "v" is invalid: spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set',
    ]);
  });

  it('ClusterIP -> ExternalName releases the address; ExternalName -> ClusterIP allocates one', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [makeService('default', 'a', (s) => (s.spec.clusterIP = '127.96.0.20'))]);
    const external = makeService('default', 'a', (s) => {
      s.spec = { type: 'ExternalName', externalName: 'example.com' };
    });
    expect(apply(cluster, [external])).toEqual(['Service/a configured']);
    expect(svc(cluster, 'a').spec.clusterIP).toBeUndefined();
    expect(
      apply(cluster, [makeService('default', 'b', (s) => (s.spec.clusterIP = '127.96.0.20'))]),
    ).toEqual(['Service/b created']);
    expect(apply(cluster, [makeService('default', 'a')])).toEqual(['Service/a configured']);
    expect(svc(cluster, 'a').spec.clusterIP).toMatch(/^127\.96\./);
    expect(svc(cluster, 'a').spec.clusterIP).not.toBe('127.96.0.20');
  });
});

describe('apply: bare Pods and read-only kinds', () => {
  it('creates a bare Pod, keeps it unchanged after scheduling, lets the image change', () => {
    const { cluster } = newTestCluster();
    expect(apply(cluster, [barePod()])).toEqual(['Pod/solo created']);
    runKubelet(cluster);
    const scheduled = cluster.store.get('Pod', 'default', 'solo')!;
    expect(scheduled.spec.nodeName).toBeDefined();
    expect(apply(cluster, [barePod()])).toEqual(['Pod/solo unchanged']);
    expect(apply(cluster, [barePod('nginx:1.27')])).toEqual(['Pod/solo configured']);
    const after = cluster.store.get('Pod', 'default', 'solo')!;
    expect(after.spec.nodeName).toBe(scheduled.spec.nodeName);
    expect(after.status?.podIP).toBe(scheduled.status?.podIP);
  });

  it('takes a pod as served, with its defaults filled in, as the same spec (kubectl label)', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [barePod()]);
    const relabeled = barePod('nginx', (p) => {
      p.metadata.labels = { app: 'solo', tier: 'debug' };
      p.spec.enableServiceLinks = true;
    });
    expect(apply(cluster, [relabeled])).toEqual(['Pod/solo configured']);
  });

  it('refuses other Pod spec changes with the API server message', () => {
    const { cluster } = newTestCluster();
    apply(cluster, [barePod()]);
    const changed = barePod(
      'nginx',
      (p) => (p.spec.containers[0]!.ports![0]!.containerPort = 8080),
    );
    expect(apply(cluster, [changed])).toEqual([
      'The Pod "solo" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ]);
  });

  it('refuses to apply a Node or a ReplicaSet', () => {
    const { cluster } = newTestCluster();
    const node = structuredClone(cluster.store.get('Node', undefined, 'node-1')!);
    const out = cluster.apply([node]);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.errors[0]).toMatchObject({ code: 'L4_E_READ_ONLY_KIND', path: 'kind' });
  });
});

describe('immutable fields of the kinds stored only (DaemonSet, ClusterRoleBinding, Secret, ConfigMap)', () => {
  it("refuses a new DaemonSet selector, a new roleRef, and an immutable Secret's data", () => {
    const { cluster } = newTestCluster();
    const ds = makeDaemonSet('default', 'agent');
    const binding: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'agent' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agent' },
    };
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token', namespace: 'default' },
      type: 'Opaque',
      data: { token: 'czNjcmV0' },
      immutable: true,
    };
    expect(apply(cluster, [ds, binding, secret])).toEqual([
      'DaemonSet/agent created',
      'ClusterRoleBinding/agent created',
      'Secret/token created',
    ]);
    const reselected = makeDaemonSet('default', 'agent');
    reselected.spec.selector = { matchLabels: { app: 'agent', v: '2' } };
    reselected.spec.template.metadata!.labels = { app: 'agent', v: '2' };
    expect(apply(cluster, [reselected])).toEqual([
      'The DaemonSet "agent" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"agent", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(
      apply(cluster, [
        { ...binding, roleRef: { ...binding.roleRef, name: 'admin' } } as KubeObject,
      ]),
    ).toEqual([
      'The ClusterRoleBinding "agent" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef',
    ]);
    expect(apply(cluster, [{ ...secret, data: { token: 'b2s=' } } as KubeObject])).toEqual([
      'The Secret "token" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(apply(cluster, [{ ...secret, type: 'kubernetes.io/tls' } as KubeObject])).toEqual([
      'The Secret "token" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable',
    ]);
  });

  it("refuses an immutable ConfigMap's data and binaryData, and taking immutable back; its labels may change", () => {
    const { cluster } = newTestCluster();
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'frozen', namespace: 'default' },
      data: { color: 'blue' },
      immutable: true,
    };
    expect(apply(cluster, [cm])).toEqual(['ConfigMap/frozen created']);
    expect(apply(cluster, [{ ...cm, data: { color: 'green' } } as KubeObject])).toEqual([
      'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(apply(cluster, [{ ...cm, binaryData: { b: 'aGk=' } } as KubeObject])).toEqual([
      'The ConfigMap "frozen" is invalid: binaryData: Forbidden: field is immutable when `immutable` is set',
    ]);
    expect(apply(cluster, [{ ...cm, immutable: false } as KubeObject])).toEqual([
      'The ConfigMap "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set',
    ]);
    const labelled = { ...cm, metadata: { ...cm.metadata, labels: { app: 'web' } } } as KubeObject;
    expect(apply(cluster, [labelled])).toEqual(['ConfigMap/frozen configured']);
    const mutable = {
      ...cm,
      immutable: undefined,
      metadata: { name: 'live', namespace: 'default' },
    };
    expect(apply(cluster, [mutable as KubeObject])).toEqual(['ConfigMap/live created']);
    expect(apply(cluster, [{ ...mutable, data: { color: 'green' } } as KubeObject])).toEqual([
      'ConfigMap/live configured',
    ]);
  });
});
