// The EndpointSlice controller's topology step on a FakeClock cluster: node-1..3 are zone-a..c,
// 4 CPUs each (nodeObject.ts), so each zone's share of the CPU is a third.
import { describe, expect, it } from 'vitest';
import type { Endpoint, Service } from '@l4lab/protocol';
import type { Cluster } from '../cluster.ts';
import {
  makeDeployment,
  makeService,
  newTestCluster,
  runKubelet,
  setPodReady,
  slicesFor,
} from '../testBuilders.ts';
import { allocations, cpuRatiosByZone } from './endpointSliceHints.ts';
import { apply } from './schedulerTesting.ts';

/** `replicas` web pods; `onNode` pins them all to one node. */
function web(replicas: number, onNode?: string) {
  return makeDeployment('default', 'web', (d) => {
    d.spec.replicas = replicas;
    d.spec.template.metadata!.labels = { run: 'web', app: 'web' };
    if (onNode) d.spec.template.spec.nodeSelector = { 'kubernetes.io/hostname': onNode };
  });
}

function svc(mutate?: (s: Service) => void): Service {
  return makeService('default', 'web', (s) => {
    s.spec.selector = { app: 'web' };
    s.spec.ports = [{ port: 80, protocol: 'TCP', targetPort: 80 }];
    mutate?.(s);
  });
}

const endpoints = (cluster: Cluster): Endpoint[] =>
  slicesFor(cluster, 'default', 'web').flatMap((s) => s.endpoints);

const hintsOf = (cluster: Cluster) =>
  endpoints(cluster)
    .map((e) => ({ node: e.nodeName, zone: e.zone, hints: e.hints }))
    .sort((a, b) => a.node!.localeCompare(b.node!));

const topologyEvents = (cluster: Cluster) =>
  cluster.events
    .list('default')
    .filter((e) => e.reason.startsWith('TopologyAwareHints'))
    .map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe('EndpointSlice topology hints', () => {
  it('every endpoint names its node and zone; no hints unless the Service asks', () => {
    const { cluster } = newTestCluster();
    apply(cluster, web(3), svc());
    runKubelet(cluster);
    expect(hintsOf(cluster)).toEqual([
      { node: 'node-1', zone: 'zone-a', hints: undefined },
      { node: 'node-2', zone: 'zone-b', hints: undefined },
      { node: 'node-3', zone: 'zone-c', hints: undefined },
    ]);
  });

  it('trafficDistribution PreferClose: each ready endpoint hinted for its own zone, and gone with the field', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      web(3),
      svc((s) => (s.spec.trafficDistribution = 'PreferClose')),
    );
    runKubelet(cluster);
    expect(hintsOf(cluster)).toEqual([
      { node: 'node-1', zone: 'zone-a', hints: { forZones: [{ name: 'zone-a' }] } },
      { node: 'node-2', zone: 'zone-b', hints: { forZones: [{ name: 'zone-b' }] } },
      { node: 'node-3', zone: 'zone-c', hints: { forZones: [{ name: 'zone-c' }] } },
    ]);
    // A pod that is not ready gets no new hint (trafficdist looks at ready endpoints only).
    const pod = endpoints(cluster)[0]!.targetRef!.name;
    setPodReady(cluster, 'default', pod, false);
    const notReady = endpoints(cluster).find((e) => e.targetRef!.name === pod)!;
    expect(notReady.conditions?.ready).toBe(false);
    expect(notReady.hints).toBeUndefined();

    apply(cluster, svc());
    expect(hintsOf(cluster).map((e) => e.hints)).toEqual([undefined, undefined, undefined]);
  });

  it('PreferSameNode hints each endpoint for its node as well as its zone', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      web(2, 'node-2'),
      svc((s) => (s.spec.trafficDistribution = 'PreferSameNode')),
    );
    runKubelet(cluster);
    for (const e of endpoints(cluster))
      expect(e.hints).toEqual({ forZones: [{ name: 'zone-b' }], forNodes: [{ name: 'node-2' }] });
  });

  it('topology-mode Auto: endpoints shared out in proportion to each zone’s CPU, one event', () => {
    const { cluster } = newTestCluster();
    // All three pods in zone-a: two of them are lent to the zones that have none.
    apply(
      cluster,
      web(3, 'node-1'),
      svc((s) => (s.metadata.annotations = { 'service.kubernetes.io/topology-mode': 'Auto' })),
    );
    runKubelet(cluster);
    const zones = endpoints(cluster).map((e) => e.hints?.forZones?.[0]?.name);
    expect(zones.sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
    expect(endpoints(cluster).every((e) => e.zone === 'zone-a')).toBe(true);
    // While the pods became ready one by one, there were too few; then the hints came, once.
    expect(topologyEvents(cluster)).toEqual([
      'Warning TopologyAwareHintsDisabled: Insufficient number of endpoints (0 endpoints, 3 zones), addressType: IPv4',
      'Warning TopologyAwareHintsDisabled: Insufficient number of endpoints (1 endpoints, 3 zones), addressType: IPv4',
      'Warning TopologyAwareHintsDisabled: Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4',
      'Normal TopologyAwareHintsEnabled: Topology Aware Hints has been enabled, addressType: IPv4',
    ]);

    // Two endpoints for three zones: no hints at all, and a Warning that says why.
    apply(
      cluster,
      web(2, 'node-1'),
      svc((s) => (s.metadata.annotations = { 'service.kubernetes.io/topology-mode': 'Auto' })),
    );
    runKubelet(cluster);
    // (the third pod is terminating: listed, not ready)
    expect(endpoints(cluster).filter((e) => e.conditions?.ready)).toHaveLength(2);
    expect(endpoints(cluster).every((e) => e.hints === undefined)).toBe(true);
    expect(topologyEvents(cluster)).toContain(
      'Warning TopologyAwareHintsDisabled: Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4',
    );
  });

  it('the annotation wins over trafficDistribution; removing it says the hints are disabled', () => {
    const { cluster } = newTestCluster();
    const auto = (s: Service) => {
      s.metadata.annotations = { 'service.kubernetes.io/topology-aware-hints': 'auto' };
      s.spec.trafficDistribution = 'PreferClose';
    };
    apply(cluster, web(3), svc(auto));
    runKubelet(cluster);
    expect(topologyEvents(cluster).at(-1)).toMatch(/^Normal TopologyAwareHintsEnabled/);
    apply(
      cluster,
      svc((s) => (s.spec.trafficDistribution = 'PreferClose')),
    );
    expect(topologyEvents(cluster)).toContain(
      'Warning TopologyAwareHintsDisabled: Topology Aware Hints has been disabled, addressType: IPv4',
    );
    // trafficDistribution's hints remain: each endpoint for its own zone.
    for (const e of endpoints(cluster)) expect(e.hints).toEqual({ forZones: [{ name: e.zone! }] });
  });
});

describe('topologycache allocations', () => {
  it('a zone gets at least its share less the 20 % overload, at most what the others leave', () => {
    const thirds = new Map([
      ['zone-a', 1 / 3],
      ['zone-b', 1 / 3],
      ['zone-c', 1 / 3],
    ]);
    expect(allocations(thirds, 2)).toBe('Insufficient number of endpoints (2 endpoints, 3 zones)');
    const six = allocations(thirds, 6);
    expect(typeof six).toBe('object');
    expect([...(six as Map<string, unknown>).values()][0]).toEqual({
      minimum: 2,
      maximum: 2,
      desired: 2,
    });
    // Uneven zones: 3 endpoints, zone-a holding half the CPU.
    const uneven = new Map([
      ['zone-a', 0.5],
      ['zone-b', 0.25],
      ['zone-c', 0.25],
    ]);
    expect(allocations(uneven, 3)).toBe(
      'Unable to allocate minimum required endpoints to each zone without exceeding overload threshold (3 endpoints, 3 zones)',
    );
  });

  it('needs Ready nodes in two zones or more, each with a zone and CPU', () => {
    const { cluster } = newTestCluster();
    const nodes = cluster.store.list('Node');
    expect(cpuRatiosByZone(nodes)).toEqual(
      new Map([
        ['zone-a', 1 / 3],
        ['zone-b', 1 / 3],
        ['zone-c', 1 / 3],
      ]),
    );
    expect(cpuRatiosByZone(nodes.slice(0, 1))).toBe('Nodes only ready in one zone');
    const unlabelled = structuredClone(nodes);
    delete unlabelled[1]!.metadata.labels!['topology.kubernetes.io/zone'];
    expect(cpuRatiosByZone(unlabelled)).toBe(
      'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes',
    );
  });
});
