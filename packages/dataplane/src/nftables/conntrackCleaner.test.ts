// Which conntrack entries a sync deletes. Addresses: Services 127.96.0.0/16, nodes 127.18.0.2-3,
// pods 127.244.<n>.0/24 (nothing is sent anywhere: the filters are only computed).
import type { Pod } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { desiredFrontends } from '../frontends.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../types.ts';
import { podConntrackToFlush, staleConntrackFilters } from './conntrackCleaner.ts';

const nodes: NodeInfo[] = [1, 2].map((i) => ({
  name: `node-${i}`,
  ip: `127.18.0.${i + 1}`,
  podCIDR: { base: 0, size: 256 },
  ready: true,
}));

function svc(protocol: 'TCP' | 'UDP'): ServicePortInfo {
  return {
    name: `default/dns-${protocol}:`,
    namespace: 'default',
    service: `dns-${protocol}`,
    portName: 53,
    protocol,
    type: 'NodePort',
    clusterIP: protocol === 'UDP' ? '127.96.0.10' : '127.96.0.11',
    port: 53,
    nodePort: 30053,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    affinityTimeoutSeconds: 0,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
  };
}

function ep(ip: string, ready = true): EndpointInfo {
  return {
    ip,
    port: 5353,
    ready,
    serving: ready,
    terminating: false,
    nodeName: 'node-1',
    pod: ip,
    namespace: 'default',
  };
}

function state(endpoints: EndpointInfo[]) {
  const services = [svc('UDP'), svc('TCP')];
  const serviceMap = new Map(services.map((s) => [s.name, s]));
  const endpointsMap = new Map(services.map((s) => [s.name, endpoints]));
  return {
    routing: { serviceMap, endpointsMap, nodes, podsByIP: new Map() },
    frontends: [...desiredFrontends(serviceMap.values(), nodes).values()],
  };
}

describe('staleConntrackFilters', () => {
  it('deletes the UDP flows of an endpoint that left, from every frontend of its Service port', () => {
    const filters = staleConntrackFilters(
      state([ep('127.244.1.5'), ep('127.244.1.6')]),
      state([ep('127.244.1.6'), ep('127.244.1.5', false)]),
    );
    const to = (ip: string, port: number) => [
      '-p',
      'udp',
      '--orig-dst',
      ip,
      '--orig-port-dst',
      String(port),
      '--reply-src',
      '127.244.1.5',
      '--reply-port-src',
      '5353',
    ];
    expect(filters).toEqual([
      to('127.96.0.10', 53),
      to('127.18.0.2', 30053),
      to('127.18.0.3', 30053),
    ]);
  });

  it('deletes the never-NATed UDP flows of a Service port that gets its first endpoint', () => {
    const filters = staleConntrackFilters(state([]), state([ep('127.244.1.5')]));
    // Only those: a flow the new rules NATed already (its reply from the endpoint) stays.
    expect(filters[0]).toEqual([
      '-p',
      'udp',
      '--orig-dst',
      '127.96.0.10',
      '--orig-port-dst',
      '53',
      '--reply-src',
      '127.96.0.10',
      '--reply-port-src',
      '53',
    ]);
    expect(filters).toHaveLength(3);
  });

  it('leaves TCP alone, and UDP whose endpoints stay', () => {
    expect(staleConntrackFilters(state([ep('127.244.1.5')]), state([ep('127.244.1.5')]))).toEqual(
      [],
    );
  });
});

describe('podConntrackToFlush', () => {
  const pod = (ip: string | undefined, restartCount: number): Pod =>
    ({
      metadata: { name: 'web', namespace: 'default' },
      spec: { containers: [] },
      status: { podIP: ip, containerStatuses: [{ restartCount }] },
    }) as unknown as Pod;

  it('flushes a pod whose container ended, that was deleted, or whose IP changed', () => {
    expect(podConntrackToFlush('MODIFIED', pod('127.244.1.5', 1), pod('127.244.1.5', 0))).toBe(
      '127.244.1.5',
    );
    expect(podConntrackToFlush('DELETED', pod('127.244.1.5', 0), pod('127.244.1.5', 0))).toBe(
      '127.244.1.5',
    );
    expect(podConntrackToFlush('MODIFIED', pod(undefined, 0), pod('127.244.1.5', 0))).toBe(
      '127.244.1.5',
    );
  });

  it('leaves a pod that only changed otherwise, or never had an IP', () => {
    expect(
      podConntrackToFlush('MODIFIED', pod('127.244.1.5', 0), pod('127.244.1.5', 0)),
    ).toBeUndefined();
    expect(podConntrackToFlush('ADDED', pod('127.244.1.5', 0), undefined)).toBeUndefined();
  });

  it("leaves a pod on the host network: its address is its node's, whose flows are not its own", () => {
    const hostNet = (p: Pod): Pod => ({ ...p, spec: { ...p.spec, hostNetwork: true } });
    expect(
      podConntrackToFlush('DELETED', hostNet(pod('127.18.0.2', 0)), hostNet(pod('127.18.0.2', 0))),
    ).toBeUndefined();
  });
});
