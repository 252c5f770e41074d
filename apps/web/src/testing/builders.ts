import type { KubeObject, Service, TrafficStatus } from '@l4lab/protocol';

// Builders for the web app's unit tests. Addresses: nodes 127.19.0.2-4 (test ranges).

/** `node-n`, Ready, at 127.19.0.(n+1), in zone-a, -b, -c (as the lab's nodes are). */
export function makeNode(n: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${n}`,
      labels: { 'topology.kubernetes.io/zone': `zone-${'abc'[(n - 1) % 3]}` },
    },
    spec: { podCIDR: `127.150.${n}.0/24` },
    status: {
      addresses: [{ type: 'InternalIP', address: `127.19.0.${n + 1}` }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  } as KubeObject;
}

export function makeService(
  name: string,
  spec: Service['spec'],
  ns = 'default',
  status?: Service['status'],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec,
    ...(status ? { status } : {}),
  };
}

/** A running http generator, changed by `patch`. */
export function makeGenerator(patch: Partial<TrafficStatus> = {}): TrafficStatus {
  return {
    id: 'g1',
    target: 'api.default.svc.cluster.local:80',
    resolved: '127.100.0.4:80',
    from: 'external',
    protocol: 'http',
    rate: 50,
    state: 'running',
    startedAt: 0,
    sent: 0,
    ok: 0,
    errors: 0,
    byPod: {},
    latencyMs: { p50: 1, p90: 2, p99: 3 },
    ...patch,
  };
}
