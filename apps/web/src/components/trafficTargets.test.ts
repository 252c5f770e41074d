import { describe, expect, it } from 'vitest';
import type { Node, Service, ServicePort } from '@l4lab/protocol';
import { createAppStore } from '../store/createAppStore.ts';
import { makeNode as node } from '../testing/builders.ts';
import {
  defaultTarget,
  generatorName,
  parseTarget,
  reachableFromOutside,
  selectTargets,
  type Target,
} from './trafficTargets.ts';

// Addresses: nodes 127.19.0.2-4, services 127.100.0.0/16, LB pool 127.201.0.0/24 (test ranges).

function makeService(
  name: string,
  type: Service['spec']['type'],
  ports: ServicePort[],
  lbIP?: string,
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type, clusterIP: '127.100.0.10', selector: { app: name }, ports },
    ...(lbIP ? { status: { loadBalancer: { ingress: [{ ip: lbIP }] } } } : {}),
  };
}

/** The targets the Traffic panel offers for these objects (nodes listed out of order). */
function targetsOf(...services: Service[]): Target[] {
  const store = createAppStore(() => 0);
  store.getState().applyServerMessage({
    type: 'cluster_snapshot',
    resourceVersion: '1',
    objects: [node(3), node(1), node(2), ...services],
    mappings: [],
    traffic: [],
    counters: [],
  });
  return selectTargets(store.getState()).map(parseTarget);
}

const nodePort = makeService('my-nginx-nodeport', 'NodePort', [
  { port: 80, protocol: 'TCP', nodePort: 30380 },
]);
const loadBalancer = makeService(
  'my-nginx-lb',
  'LoadBalancer',
  [{ port: 80, protocol: 'TCP', nodePort: 31000 }],
  '127.201.0.1',
);
const clusterIP = makeService('my-nginx', 'ClusterIP', [{ port: 80, protocol: 'TCP' }]);

describe('the default traffic target follows the Service type', () => {
  it('NodePort: node-1 address and the nodePort', () => {
    const t = defaultTarget(targetsOf(clusterIP, nodePort), 'my-nginx-nodeport');
    expect(t).toMatchObject({ value: '127.19.0.2:30380', kind: 'NodePort' });
    expect(t?.label).toBe('my-nginx-nodeport NodePort node-1 127.19.0.2:30380');
  });

  it('LoadBalancer: its external IP and the Service port', () => {
    const t = defaultTarget(targetsOf(loadBalancer), 'my-nginx-lb');
    expect(t).toMatchObject({ value: '127.201.0.1:80', kind: 'LoadBalancer' });
    expect(t?.label).toBe('my-nginx-lb LoadBalancer 127.201.0.1:80');
  });

  it('LoadBalancer without an external IP yet: its DNS name until one is assigned', () => {
    const pending = makeService('pending', 'LoadBalancer', [{ port: 80, nodePort: 31001 }]);
    expect(defaultTarget(targetsOf(pending), 'pending')?.value).toBe(
      'pending.default.svc.cluster.local:80',
    );
  });

  it('ClusterIP: its DNS name, as before', () => {
    const t = defaultTarget(targetsOf(clusterIP, nodePort), 'my-nginx');
    expect(t).toMatchObject({ value: 'my-nginx.default.svc.cluster.local:80', kind: 'ClusterIP' });
    expect(t?.label).toBe('my-nginx.default:80 · ClusterIP');
  });

  it('without an applied Service: the first Service, by its type', () => {
    expect(defaultTarget(targetsOf(nodePort, loadBalancer))?.value).toBe('127.201.0.1:80');
    expect(defaultTarget([])).toBeUndefined();
  });

  it('labels say which address is which', () => {
    expect(targetsOf(loadBalancer).map((t) => t.label)).toEqual([
      'my-nginx-lb.default:80 · ClusterIP',
      'my-nginx-lb NodePort node-1 127.19.0.2:31000',
      'my-nginx-lb NodePort node-2 127.19.0.3:31000',
      'my-nginx-lb NodePort node-3 127.19.0.4:31000',
      'my-nginx-lb LoadBalancer 127.201.0.1:80',
    ]);
  });
});

describe("a remote cluster's targets (the generator sends from l4lab's host)", () => {
  it("a node's ExternalIP is offered beside its InternalIP; no ClusterIP reaches from outside", () => {
    const store = createAppStore(() => 0);
    const withExternal = node(1) as Node;
    withExternal.status.addresses.push({ type: 'ExternalIP', address: '203.0.113.7' } as never);
    store.getState().applyServerMessage({
      type: 'cluster_snapshot',
      resourceVersion: '1',
      objects: [withExternal, nodePort, clusterIP],
      mappings: [],
      traffic: [],
      counters: [],
    });
    const reachable = selectTargets(store.getState()).map(parseTarget).filter(reachableFromOutside);
    expect(reachable.map((t) => t.label)).toEqual([
      'my-nginx-nodeport NodePort node-1 127.19.0.2:30380',
      'my-nginx-nodeport NodePort node-1 ExternalIP 203.0.113.7:30380',
    ]);
    expect(defaultTarget(reachable, 'my-nginx-nodeport')?.value).toBe('127.19.0.2:30380');
  });
});

describe('generator names', () => {
  // scenario 08: one Service, two named ports
  const multi = makeService('multi', 'ClusterIP', [
    { name: 'http', port: 80 },
    { name: 'http-alt', port: 8080 },
  ]);

  it('carry the port and its name, so two ports of one Service differ', () => {
    const targets = targetsOf(multi);
    const name = (target: string) => generatorName({ target, protocol: 'http' }, targets);
    expect(name('multi.default.svc.cluster.local:80')).toBe('multi.default:80 (http) · ClusterIP');
    expect(name('multi.default.svc.cluster.local:8080')).toBe(
      'multi.default:8080 (http-alt) · ClusterIP',
    );
  });

  it('fall back to the target as typed', () => {
    expect(generatorName({ target: '127.100.0.10:80', protocol: 'tcp' }, targetsOf(multi))).toBe(
      '127.100.0.10:80',
    );
  });
});
