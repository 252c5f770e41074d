// The EndpointSlice controller on a FakeClock cluster (no processes). Test addresses: the default
// plan of testBuilders.ts (pods 127.244.i.0/24 on node-i, services 127.96.0.0/16).
import { describe, expect, it } from 'vitest';
import type { Deployment, EndpointSlice, KubeObject, Service } from '@l4lab/protocol';
import type { Cluster } from '../cluster.ts';
import {
  makeDeployment,
  makeService,
  newTestCluster,
  runKubelet,
  setPodReady,
  slicesFor,
} from '../testBuilders.ts';

function applyOk(cluster: Cluster, objects: KubeObject[]): void {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(`apply failed: ${out.errors.map((e) => e.message).join('; ')}`);
}

/** A Deployment whose pods carry `app: web` and one container port, named `http` unless said. */
function webDeployment(
  name: string,
  replicas: number,
  ports: Deployment['spec']['template']['spec']['containers'][number]['ports'],
) {
  return makeDeployment('default', name, (d) => {
    d.spec.replicas = replicas;
    d.spec.template.metadata!.labels = { run: name, app: 'web' };
    d.spec.template.spec.containers[0]!.ports = ports;
  });
}

function webService(mutate?: (s: Service) => void): Service {
  return makeService('default', 'web', (s) => {
    s.spec.selector = { app: 'web' };
    s.spec.ports = [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }];
    mutate?.(s);
  });
}

/** `port-list -> sorted pod names` for each slice of a Service. */
function layout(slices: EndpointSlice[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of slices) {
    const key = s.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`).join(',') || '<unset>';
    out[key] = s.endpoints.map((e) => e.targetRef!.name.replace(/-\w+-\w+$/, '')).sort();
  }
  return out;
}

const conditions = (cluster: Cluster) =>
  slicesFor(cluster, 'default', 'web')
    .flatMap((s) => s.endpoints)
    .map((e) => ({ pod: e.targetRef!.name, ...e.conditions }));

describe('EndpointSliceController', () => {
  it('resolves a named targetPort per pod: two port numbers make two slices', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      webDeployment('web-a', 1, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]),
      webDeployment('web-b', 1, [{ name: 'http', containerPort: 9090, protocol: 'TCP' }]),
      webService(),
    ]);
    runKubelet(cluster);
    const slices = slicesFor(cluster, 'default', 'web');
    expect(slices).toHaveLength(2);
    expect(layout(slices)).toEqual({
      'http:8080/TCP': ['web-a'],
      'http:9090/TCP': ['web-b'],
    });
    expect(new Set(slices.map((s) => s.metadata.name)).size).toBe(2);
  });

  it('leaves a pod without the named port (or with it on another protocol) out of that port', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      webDeployment('web-a', 1, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]),
      webDeployment('web-b', 1, [{ name: 'http', containerPort: 8080, protocol: 'UDP' }]),
      webDeployment('web-c', 1, [{ containerPort: 80, protocol: 'TCP' }]),
      webService((s) =>
        s.spec.ports!.push({ name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 }),
      ),
    ]);
    runKubelet(cluster);
    // A numeric targetPort applies to every pod; the name only where it resolves.
    expect(layout(slicesFor(cluster, 'default', 'web'))).toEqual({
      'http:8080/TCP,metrics:9100/TCP': ['web-a'],
      'metrics:9100/TCP': ['web-b', 'web-c'],
    });

    applyOk(cluster, [webService()]);
    expect(layout(slicesFor(cluster, 'default', 'web'))).toEqual({
      'http:8080/TCP': ['web-a'],
      '<unset>': ['web-b', 'web-c'],
    });
  });

  it('puts at most 100 endpoints in a slice: 250 pods make 3 slices, names stay stable', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      webDeployment('web-a', 250, [{ name: 'http', containerPort: 80, protocol: 'TCP' }]),
      webService(),
    ]);
    runKubelet(cluster);
    const slices = slicesFor(cluster, 'default', 'web');
    expect(slices.map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([50, 100, 100]);
    const ips = slices.flatMap((s) => s.endpoints.map((e) => e.addresses[0]));
    expect(new Set(ips).size).toBe(250);
    const svc = cluster.store.get('Service', 'default', 'web')!;
    for (const s of slices) {
      expect(s.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(s.metadata.generateName).toBe('web-');
      expect(s.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'Service',
          name: 'web',
          uid: svc.metadata.uid,
          controller: true,
        }),
      ]);
      expect(s.metadata.labels).toMatchObject({
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      });
    }
    const names = slices.map((s) => s.metadata.name).sort();

    // A readiness change updates the endpoint in place; nothing moves to another slice.
    const pod = slices[0]!.endpoints[7]!.targetRef!.name;
    setPodReady(cluster, 'default', pod, false);
    const after = slicesFor(cluster, 'default', 'web');
    expect(after.map((s) => s.metadata.name).sort()).toEqual(names);
    const moved = after.find((s) => s.endpoints.some((e) => e.targetRef!.name === pod))!;
    expect(moved.metadata.name).toBe(slices[0]!.metadata.name);
    expect(moved.endpoints.find((e) => e.targetRef!.name === pod)!.conditions).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
  });

  it('a deleted pod is a serving, terminating, not ready endpoint until it is gone', () => {
    const { cluster, clock } = newTestCluster();
    applyOk(cluster, [
      webDeployment('web-a', 2, [{ name: 'http', containerPort: 80, protocol: 'TCP' }]),
      webService(),
    ]);
    runKubelet(cluster);
    const [victim, other] = conditions(cluster).map((e) => e.pod);
    cluster.deletePod('default', victim!);
    expect(conditions(cluster).find((e) => e.pod === victim)).toEqual({
      pod: victim,
      ready: false,
      serving: true,
      terminating: true,
    });
    expect(conditions(cluster).find((e) => e.pod === other)).toMatchObject({ ready: true });
    clock.advance(30_000);
    runKubelet(cluster);
    const now = conditions(cluster);
    expect(now.map((e) => e.pod)).not.toContain(victim);
    expect(now).toHaveLength(2);
    expect(now.every((e) => e.ready && e.serving && !e.terminating)).toBe(true);
  });

  it('publishNotReadyAddresses makes unready and terminating endpoints ready', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      webDeployment('web-a', 2, [{ name: 'http', containerPort: 80, protocol: 'TCP' }]),
      webService((s) => (s.spec.publishNotReadyAddresses = true)),
    ]);
    runKubelet(cluster, () => false);
    const [first, second] = conditions(cluster).map((e) => e.pod);
    expect(conditions(cluster)).toEqual([
      { pod: first, ready: true, serving: false, terminating: false },
      { pod: second, ready: true, serving: false, terminating: false },
    ]);
    cluster.deletePod('default', first!);
    expect(conditions(cluster)[0]).toEqual({
      pod: first,
      ready: true,
      serving: false,
      terminating: true,
    });

    applyOk(cluster, [webService()]);
    expect(conditions(cluster).map((e) => e.ready)).toEqual([false, false]);
  });

  it('keeps one empty placeholder slice (under the same name) when no pod matches', () => {
    const { cluster, clock } = newTestCluster();
    applyOk(cluster, [webService((s) => (s.spec.clusterIP = 'None'))]);
    const [placeholder, ...none] = slicesFor(cluster, 'default', 'web');
    expect(none).toEqual([]);
    expect(placeholder).toMatchObject({ ports: [], endpoints: [] });
    expect(placeholder!.metadata.labels).toHaveProperty(['service.kubernetes.io/headless'], '');

    applyOk(cluster, [
      webDeployment('web-a', 1, [{ name: 'http', containerPort: 80, protocol: 'TCP' }]),
    ]);
    runKubelet(cluster);
    const [filled] = slicesFor(cluster, 'default', 'web');
    expect(filled!.metadata.name).toBe(placeholder!.metadata.name);
    expect(layout([filled!])).toEqual({ 'http:80/TCP': ['web-a'] });

    cluster.delete('Deployment', 'default', 'web-a');
    clock.advance(30_000);
    expect(slicesFor(cluster, 'default', 'web')).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: placeholder!.metadata.name }),
        ports: [],
        endpoints: [],
      }),
    ]);
  });

  it('removes the slices when the Service loses its selector or becomes ExternalName', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      webDeployment('web-a', 1, [{ name: 'http', containerPort: 80, protocol: 'TCP' }]),
      webService(),
    ]);
    runKubelet(cluster);
    expect(slicesFor(cluster, 'default', 'web')).toHaveLength(1);
    applyOk(cluster, [webService((s) => delete s.spec.selector)]);
    expect(slicesFor(cluster, 'default', 'web')).toEqual([]);
  });
});

describe('EndpointSlice controller: pod hostnames (ShouldSetHostname)', () => {
  it("sets an endpoint's hostname when the pod's subdomain names the Service", () => {
    const { cluster } = newTestCluster();
    const busybox = (name: string, subdomain: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { name: 'busybox' } },
      spec: {
        hostname: name,
        subdomain,
        containers: [{ name: 'busybox', image: 'busybox:1.28', command: ['sleep', '3600'] }],
      },
    });
    applyOk(cluster, [
      makeService('default', 'busybox-subdomain', (s) => {
        s.spec.clusterIP = 'None';
        s.spec.selector = { name: 'busybox' };
        s.spec.ports = [{ name: 'foo', port: 1234, protocol: 'TCP', targetPort: 1234 }];
      }),
      busybox('busybox-1', 'busybox-subdomain'),
      busybox('busybox-2', 'elsewhere'),
    ]);
    runKubelet(cluster);
    const [slice] = slicesFor(cluster, 'default', 'busybox-subdomain');
    const hostnames = Object.fromEntries(
      slice!.endpoints.map((e) => [e.targetRef!.name, e.hostname]),
    );
    expect(hostnames).toEqual({ 'busybox-1': 'busybox-1', 'busybox-2': undefined });
  });
});
