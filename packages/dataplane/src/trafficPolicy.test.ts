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

describe('route: topology-aware routing (kube-proxy CategorizeEndpoints)', () => {
  const zoned = (ip: string, node: string, zone: string, hints: Partial<EndpointInfo> = {}) => ({
    ...ep(ip, node),
    zoneHints: [zone],
    ...hints,
  });
  const cip = svc({ type: 'ClusterIP', topology: 'trafficDistribution PreferClose' });
  const hinted = [
    zoned('127.244.1.2', 'node-1', 'zone-a'),
    zoned('127.244.2.2', 'node-2', 'zone-b'),
    zoned('127.244.2.3', 'node-2', 'zone-b'),
  ];
  const from = (clientNode: string | undefined, clientZone?: string) =>
    route({
      svc: cip,
      endpoints: hinted,
      frontend: 'ClusterIP',
      node: undefined,
      clientNode,
      clientZone,
    });

  it("a pod's connection goes to the endpoints hinted for its node's zone, and says so", () => {
    const r = from('node-2', 'zone-b');
    expect(r).toMatchObject({
      action: 'forward',
      topology: 'PreferSameZone',
      policy: 'trafficDistribution PreferClose: 2 of 3 endpoints hinted for zone-b',
    });
    expect(r.action === 'forward' && r.eligible.map((e) => e.ip)).toEqual([
      '127.244.2.2',
      '127.244.2.3',
    ]);
  });

  it('falls back to every endpoint, saying why: no endpoint for the zone, no zone, no node', () => {
    expect(from('node-3', 'zone-c')).toMatchObject({
      policy: 'trafficDistribution PreferClose: no endpoint hinted for zone-c, all 3 used',
    });
    expect(from('node-3', undefined)).toMatchObject({
      policy: 'trafficDistribution PreferClose: node-3 has no zone label, all 3 used',
    });
    expect(from(undefined)).toMatchObject({
      policy: 'trafficDistribution PreferClose: the client is on no node, all 3 used',
    });
    for (const r of [from('node-3', 'zone-c'), from(undefined)])
      expect(r.action === 'forward' && r.eligible.length).toBe(3);
    // One ready endpoint without a hint: hints are ignored altogether.
    const partial = [...hinted, ep('127.244.3.2', 'node-3')];
    expect(
      route({
        svc: cip,
        endpoints: partial,
        frontend: 'ClusterIP',
        node: undefined,
        clientNode: 'node-1',
        clientZone: 'zone-a',
      }),
    ).toMatchObject({
      policy: 'trafficDistribution PreferClose: the endpoints carry no hints, all 4 used',
    });
  });

  it('PreferSameNode: node hints first, zone hints when the node has none', () => {
    const both = hinted.map((e) => ({ ...e, nodeHints: [e.nodeName] }));
    const ask = { ...cip, topology: 'trafficDistribution PreferSameNode' };
    const on = (clientNode: string, clientZone: string) =>
      route({
        svc: ask,
        endpoints: both,
        frontend: 'ClusterIP',
        node: undefined,
        clientNode,
        clientZone,
      });
    expect(on('node-1', 'zone-a')).toMatchObject({
      topology: 'PreferSameNode',
      policy: 'trafficDistribution PreferSameNode: 1 of 3 endpoints hinted for node-1',
    });
    // node-4 of zone-b has no endpoint of its own: its zone's
    expect(on('node-4', 'zone-b')).toMatchObject({ topology: 'PreferSameZone' });
  });

  it('an external connection uses the hints of the node it entered; Local policies ignore them', () => {
    const np = { ...cip, type: 'NodePort' as const, nodePort: 30080 };
    const zoneA = { ...node1, zone: 'zone-a' };
    expect(
      route({
        svc: np,
        endpoints: hinted,
        frontend: 'NodePort',
        node: zoneA,
        clientNode: undefined,
      }),
    ).toMatchObject({
      snatIP: '127.18.0.2',
      policy:
        'SNAT to node-1 (127.18.0.2); trafficDistribution PreferClose: 1 of 3 endpoints hinted for zone-a',
    });
    const local = { ...np, externalTrafficPolicy: 'Local' as const };
    const r = route({
      svc: local,
      endpoints: hinted,
      frontend: 'NodePort',
      node: zoneA,
      clientNode: undefined,
    });
    expect(r).toMatchObject({ policy: 'externalTrafficPolicy Local (node-1, client IP kept)' });
    expect(r.action === 'forward' && r.topology).toBeUndefined();
  });

  it('no Service ask and no hints: nothing is said', () => {
    const plain = svc({ type: 'ClusterIP' });
    expect(
      route({
        svc: plain,
        endpoints: eps,
        frontend: 'ClusterIP',
        node: undefined,
        clientNode: 'node-1',
        clientZone: 'zone-a',
      }),
    ).toMatchObject({ policy: '' });
  });
});
