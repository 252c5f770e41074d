// Addresses (data only, never dialled): nodes 10.0.0.11-12 (InternalIP) and 203.0.113.7
// (ExternalIP), Services 10.96.0.0/12, pods 10.244.0.0/16, LB 198.51.100.0/24.
import { describe, expect, it } from 'vitest';
import type { KubeKind, KubeObject, Node, Pod, Service } from '@l4lab/protocol';
import type { ObjectOf } from '@l4lab/cluster';
import { findReachableFrontend, type WatchedObjectsSource } from './remoteFrontends.ts';
import { TargetError, parseTarget } from './target.ts';

function makeNode(name: string, addresses: { type: string; address: string }[]): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { addresses },
  } as unknown as Node;
}

function makeService(name: string, mutate: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.4.5', ports: [{ name: 'http', port: 80 }] },
  };
  mutate(s);
  return s;
}

function objects(...all: KubeObject[]): WatchedObjectsSource {
  return {
    list: <K extends KubeKind>(kind: K, ns?: string) =>
      all.filter(
        (o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns),
      ) as ObjectOf<K>[],
  };
}

const nodes = [
  makeNode('node-a', [
    { type: 'InternalIP', address: '10.0.0.11' },
    { type: 'ExternalIP', address: '203.0.113.7' },
    { type: 'Hostname', address: 'node-a' },
  ]),
  makeNode('node-b', [{ type: 'InternalIP', address: '10.0.0.12' }]),
];
const nodePort = makeService('web', (s) => {
  s.spec.type = 'NodePort';
  s.spec.ports = [{ name: 'http', port: 80, nodePort: 30080 }];
});
const lb = makeService('shop-lb', (s) => {
  s.spec.type = 'LoadBalancer';
  s.spec.clusterIP = '10.96.9.9';
  s.spec.ports = [{ port: 443, nodePort: 31443 }];
  s.status = { loadBalancer: { ingress: [{ ip: '198.51.100.4' }] } };
});
const external = makeService('legacy', (s) => {
  s.spec.clusterIP = '10.96.7.7';
  s.spec.externalIPs = ['192.0.2.50'];
  s.spec.ports = [{ name: 'dns', port: 53, protocol: 'UDP' }];
});
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop' },
  spec: { containers: [] },
  status: { podIP: '10.244.1.9' },
} as unknown as Pod;
const world = objects(...nodes, nodePort, lb, external, pod);
const find = (target: string, protocol: 'TCP' | 'UDP' = 'TCP') =>
  findReachableFrontend(world, parseTarget(target), protocol);

function refusal(target: string, protocol: 'TCP' | 'UDP' = 'TCP'): TargetError {
  try {
    find(target, protocol);
  } catch (err) {
    if (err instanceof TargetError) return err;
    throw err;
  }
  throw new Error(`${target} was not refused`);
}

describe('the frontends this machine can reach, from the watched objects', () => {
  it('a NodePort on any node address, internal or external', () => {
    expect(find('10.0.0.12:30080')).toEqual({
      kind: 'NodePort',
      ip: '10.0.0.12',
      port: 30080,
      protocol: 'TCP',
      node: 'node-b',
      service: { namespace: 'shop', name: 'web', port: 'http' },
    });
    expect(find('203.0.113.7:30080')).toMatchObject({ kind: 'NodePort', node: 'node-a' });
    // a LoadBalancer Service's nodePort too; its unnamed port is its number
    expect(find('10.0.0.11:31443')).toMatchObject({
      kind: 'NodePort',
      service: { name: 'shop-lb', port: 443 },
    });
  });

  it('a LoadBalancer ingress IP and an externalIP, with the Service port and protocol', () => {
    expect(find('198.51.100.4:443')).toMatchObject({ kind: 'LoadBalancer', port: 443 });
    expect(find('192.0.2.50:53', 'UDP')).toMatchObject({
      kind: 'ExternalIP',
      protocol: 'UDP',
      service: { name: 'legacy', port: 'dns' },
    });
  });

  it('refuses a ClusterIP, a pod IP and a DNS name: reachable only inside the cluster', () => {
    const byIP = refusal('10.96.4.5:80');
    expect(byIP.code).toBe('L4_E_INSIDE_CLUSTER_ONLY');
    expect(byIP.message).toContain(
      "10.96.4.5 is Service shop/web's ClusterIP, reachable only inside the cluster: use a NodePort or LoadBalancer Service",
    );
    expect(refusal('10.244.1.9:80').message).toContain(
      "10.244.1.9 is pod shop/web-1's IP, reachable only inside the cluster",
    );
    expect(refusal('web.shop.svc.cluster.local:80').message).toContain(
      "web.shop.svc.cluster.local is Service shop/web's cluster DNS name (ClusterIP 10.96.4.5)",
    );
    expect(refusal('example.org:80').message).toContain('l4lab resolves no names in remote mode');
  });

  it('refuses what is no frontend: another port, another protocol, an unknown address', () => {
    for (const [target, protocol] of [
      ['10.0.0.11:30081', 'TCP'],
      ['192.0.2.50:53', 'TCP'],
      ['127.0.0.1:22', 'TCP'],
    ] as const)
      expect(refusal(target, protocol).code).toBe('L4_E_NOT_A_FRONTEND');
  });
});
