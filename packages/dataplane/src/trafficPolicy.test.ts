import { describe, expect, it } from 'vitest';
import { route } from './trafficPolicy.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from './types.ts';

// Test addresses: nodes 127.18.0.2-3, pods 127.244.1-2.0/24.
const node1: NodeInfo = {
  name: 'node-1',
  ip: '127.18.0.2',
  podCIDR: { base: 0, size: 256 },
  ready: true,
};
function svc(over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return {
    name: 'default/web:',
    namespace: 'default',
    service: 'web',
    portName: 80,
    protocol: 'TCP',
    type: 'NodePort',
    clusterIP: '127.96.0.20',
    port: 80,
    nodePort: 30080,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    affinityTimeoutSeconds: 0,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ...over,
  };
}
function ep(ip: string, node: string, ready = true): EndpointInfo {
  return {
    ip,
    port: 80,
    ready,
    serving: ready,
    terminating: false,
    nodeName: node,
    pod: ip,
    namespace: 'default',
  };
}
const eps = [ep('127.244.1.2', 'node-1'), ep('127.244.2.2', 'node-2')];

describe('route', () => {
  it('rejects when there is no endpoint at all', () => {
    expect(
      route({
        svc: svc(),
        endpoints: [],
        frontend: 'NodePort',
        node: node1,
        clientNode: undefined,
      }),
    ).toEqual({
      action: 'reject',
      reason: 'default/web:80 has no endpoints',
    });
  });

  it('externalTrafficPolicy Cluster: any endpoint, SNAT to the node', () => {
    const r = route({
      svc: svc(),
      endpoints: eps,
      frontend: 'NodePort',
      node: node1,
      clientNode: undefined,
    });
    expect(r).toMatchObject({ action: 'forward', snatIP: '127.18.0.2' });
    expect(r.action === 'forward' && r.eligible.length).toBe(2);
  });

  it('externalTrafficPolicy Local: only the entered node; none there -> dropped', () => {
    const local = route({
      svc: svc({ externalTrafficPolicy: 'Local' }),
      endpoints: eps,
      frontend: 'NodePort',
      node: node1,
      clientNode: undefined,
    });
    expect(local.action === 'forward' && local.eligible.map((e) => e.nodeName)).toEqual(['node-1']);
    expect(local.action === 'forward' && local.snatIP).toBeUndefined();
    const none = route({
      svc: svc({ externalTrafficPolicy: 'Local' }),
      endpoints: [eps[1]!],
      frontend: 'NodePort',
      node: node1,
      clientNode: undefined,
    });
    expect(none).toEqual({
      action: 'drop',
      reason: 'externalTrafficPolicy Local: no local endpoints on node-1: dropped',
    });
  });

  it('internalTrafficPolicy Local: only the client pod node', () => {
    const r = route({
      svc: svc({ internalTrafficPolicy: 'Local' }),
      endpoints: eps,
      frontend: 'ClusterIP',
      node: undefined,
      clientNode: 'node-2',
    });
    expect(r.action === 'forward' && r.eligible.map((e) => e.nodeName)).toEqual(['node-2']);
    const outside = route({
      svc: svc({ internalTrafficPolicy: 'Local' }),
      endpoints: eps,
      frontend: 'ClusterIP',
      node: undefined,
      clientNode: undefined,
    });
    expect(outside.action).toBe('drop');
  });

  it('uses serving terminating endpoints when none is ready', () => {
    const term = { ...ep('127.244.1.9', 'node-1', false), serving: true, terminating: true };
    const r = route({
      svc: svc(),
      endpoints: [term],
      frontend: 'ClusterIP',
      node: undefined,
      clientNode: undefined,
    });
    expect(r.action === 'forward' && r.eligible).toEqual([term]);
  });
});
