// A real cluster's conntrack events (iptables and nftables modes) + the watched objects ->
// ConnectionEvents, worded as the lab's own join words the same decision. Addresses as in
// testCluster.ts.
import { describe, expect, it } from 'vitest';
import {
  ctDestroy,
  ctNew,
  makeJoiner,
  makePod,
  makeService,
  makeSlice,
  NODES,
  PODS,
  WEB,
  type Flow,
} from './testCluster.ts';

const web = () => ({ services: [makeService('web')], endpointSlices: [makeSlice('web', WEB)] });

/** client-1 (node-1) -> web's ClusterIP -> web-b (node-2), read on node-1. */
const flow = (rest: Partial<Flow> = {}): Flow => ({
  id: 7,
  at: 1_000_000,
  client: ['10.244.1.50', 40000],
  frontend: ['10.96.0.20', 80],
  endpoint: ['10.244.2.12', 8080],
  ...rest,
});

describe('ClusterJoiner: iptables and nftables modes', () => {
  it('opens with the endpoint the node chose, as "random i of n" over the sorted endpoints', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow()));
    expect(events).toEqual([
      {
        id: `${(1_000_000).toString(36)}-c7-n0`,
        startedAt: 1_000_000,
        protocol: 'TCP',
        client: { ip: '10.244.1.50', port: 40000, pod: 'default/client-1' },
        frontend: { kind: 'ClusterIP', ip: '10.96.0.20', port: 80 },
        service: { namespace: 'default', name: 'web', port: 'http' },
        endpoint: {
          pod: 'web-b',
          namespace: 'default',
          ip: '10.244.2.12',
          port: 8080,
          node: 'node-2',
        },
        mode: 'iptables',
        reason: 'random 2 of 3',
        bytesIn: 0,
        bytesOut: 0,
        outcome: 'open',
      },
    ]);
    expect(j.openCount).toBe(1);
    expect(j.nodeStats('node-1')).toMatchObject({ opened: 1, ignored: 0 });
  });

  it('words nftables mode the same way (numgen random), under its own mode name', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'nftables' });
    j.conntrack('node-1', ctNew(flow({ endpoint: ['10.244.2.13', 8080] })));
    expect(events[0]).toMatchObject({ mode: 'nftables', reason: 'random 3 of 3' });
  });

  it('ends at its DESTROY: payload bytes, closed 120 s (TIME_WAIT) before the DESTROY', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow()));
    j.conntrack('node-1', ctDestroy(flow({ at: 1_125_000 })));
    expect(events[1]).toMatchObject({
      id: events[0]!.id,
      outcome: 'ok',
      startedAt: 1_000_000,
      endedAt: 1_005_000,
      durationMs: 5000,
      bytesIn: 5,
      bytesOut: 6,
      reason: 'random 2 of 3',
    });
    expect(j.openCount).toBe(0);
  });

  it("takes the nodes' conntrack timeouts when told (lingerMs)", () => {
    const { j, events } = makeJoiner(
      web(),
      { 'node-1': 'iptables' },
      { lingerMs: { TIME_WAIT: 60_000 } },
    );
    j.conntrack('node-1', ctNew(flow()));
    j.conntrack('node-1', ctDestroy(flow({ at: 1_125_000 })));
    expect(events[1]).toMatchObject({ endedAt: 1_065_000 });
  });

  it("takes each node's own timeouts (setLinger, from its agent's hello) over the joiner's", () => {
    const { j, events } = makeJoiner(
      web(),
      { 'node-1': 'iptables', 'node-2': 'iptables' },
      { lingerMs: { TIME_WAIT: 60_000 } },
    );
    j.setLinger('node-1', { TIME_WAIT: 30_000 });
    j.conntrack('node-1', ctNew(flow()));
    j.conntrack('node-1', ctDestroy(flow({ at: 1_125_000 })));
    j.conntrack('node-2', ctNew(flow({ id: 8 })));
    j.conntrack('node-2', ctDestroy(flow({ id: 8, at: 1_125_000 })));
    expect(events.filter((e) => e.outcome !== 'open').map((e) => e.endedAt)).toEqual([
      1_095_000, 1_065_000,
    ]);
  });

  it('a UDP flow to a DNS Service is a connection; DNS to a resolver outside is not', () => {
    const dns = makeService('kube-dns', (s) => {
      s.spec.clusterIP = '10.96.0.10';
      s.spec.ports = [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }];
    });
    const slice = makeSlice('kube-dns', [{ ip: '10.244.3.5', node: 'node-3', pod: 'coredns-1' }], {
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }],
    });
    const { j, events } = makeJoiner(
      { services: [dns], endpointSlices: [slice] },
      { 'node-1': 'nftables' },
    );
    const udp = flow({
      protocol: 'UDP',
      frontend: ['10.96.0.10', 53],
      endpoint: ['10.244.3.5', 53],
    });
    j.conntrack('node-1', ctNew(udp));
    j.conntrack(
      'node-1',
      ctNew(flow({ id: 8, protocol: 'UDP', frontend: ['8.8.8.8', 53], endpoint: ['8.8.8.8', 53] })),
    );
    j.conntrack('node-1', ctDestroy({ ...udp, at: 1_000_040 }));
    expect(events.map((e) => [e.protocol, e.outcome, e.reason, e.bytesIn, e.bytesOut])).toEqual([
      ['UDP', 'open', 'random 1 of 1', 0, 0],
      ['UDP', 'ok', 'random 1 of 1', 5, 6],
    ]);
    expect(events[1]).toMatchObject({
      endedAt: 1_000_040,
      service: { name: 'kube-dns', port: 'dns' },
    });
    expect(j.nodeStats('node-1').ignored).toBe(1);
  });

  it('ignores and counts flows to no Service frontend (pod to pod, DNS outside), at their NEW only', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    const podToPod = flow({ frontend: ['10.244.2.12', 8080] });
    const resolver = flow({
      id: 8,
      protocol: 'UDP',
      frontend: ['1.1.1.1', 53],
      endpoint: ['1.1.1.1', 53],
    });
    for (const f of [podToPod, resolver]) {
      j.conntrack('node-1', ctNew(f));
      j.conntrack('node-1', ctDestroy(f));
    }
    expect(events).toEqual([]);
    expect(j.nodeStats('node-1')).toMatchObject({ ignored: 2, opened: 0, missedStarts: 0 });
  });

  it("counts a frontend flow the node did not translate, once; the DESTROY's adds nothing", () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    const raw = flow({ endpoint: ['10.96.0.20', 80] });
    j.conntrack('node-1', ctNew(raw));
    j.conntrack('node-1', ctDestroy(raw));
    expect(events).toEqual([]);
    expect(j.nodeStats('node-1')).toMatchObject({ untranslated: 1, ignored: 0, missedStarts: 0 });
  });

  it('joins with the objects as watched now: a slice update applies to the next NEW', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    j.objects.upsert('EndpointSlice', makeSlice('web', [WEB[1]!]));
    j.conntrack('node-1', ctNew(flow()));
    j.objects.remove('EndpointSlice', makeSlice('web', []));
    j.objects.upsert('EndpointSlice', makeSlice('web', WEB, { name: 'web-fghij' }));
    j.conntrack('node-1', ctNew(flow({ id: 8 })));
    expect(events.map((e) => e.reason)).toEqual(['random 1 of 1', 'random 2 of 3']);
  });

  it("topology hints: the node's kube-proxy keeps its zone's endpoints, and the reason says so", () => {
    const zoned = NODES.map((n, i) => ({
      ...n,
      metadata: { ...n.metadata, labels: { 'topology.kubernetes.io/zone': `zone-${'abc'[i]}` } },
    }));
    const slice = makeSlice('web', WEB);
    for (const e of slice.endpoints!) {
      const zone = `zone-${'abc'[Number(e.nodeName!.slice(-1)) - 1]}`;
      e.zone = zone;
      e.hints = { forZones: [{ name: zone }] };
    }
    const { j, events } = makeJoiner(
      {
        nodes: zoned,
        services: [makeService('web', (s) => (s.spec.trafficDistribution = 'PreferClose'))],
        endpointSlices: [slice],
      },
      { 'node-1': 'nftables', 'node-2': 'nftables' },
    );
    // client-1 on node-1 (zone-a): web-a, its zone's only endpoint.
    j.conntrack('node-1', ctNew(flow({ endpoint: ['10.244.1.11', 8080] })));
    // client-2 on node-2 (zone-b): web-c, the second of two.
    j.conntrack(
      'node-2',
      ctNew(flow({ id: 8, client: ['10.244.2.50', 40001], endpoint: ['10.244.2.13', 8080] })),
    );
    expect(events.map((e) => e.reason)).toEqual([
      'random 1 of 1; trafficDistribution PreferClose: 1 of 3 endpoints hinted for zone-a',
      'random 2 of 2; trafficDistribution PreferClose: 2 of 3 endpoints hinted for zone-b',
    ]);
  });

  it('names an endpoint the slices do not list yet by its pod, and says it is not eligible', () => {
    const { j, events } = makeJoiner(
      { ...web(), pods: [...PODS, makePod('web-d', '10.244.3.20', 'node-3')] },
      { 'node-1': 'iptables' },
    );
    j.conntrack('node-1', ctNew(flow({ endpoint: ['10.244.3.20', 8080] })));
    expect(events[0]).toMatchObject({
      endpoint: {
        pod: 'web-d',
        namespace: 'default',
        ip: '10.244.3.20',
        port: 8080,
        node: 'node-3',
      },
      reason: 'random: 10.244.3.20:8080 is not one of the 3 eligible endpoints (as watched)',
    });
  });

  it('says the rules were older when the watched Service has no endpoints left', () => {
    const { j, events } = makeJoiner(
      { services: [makeService('web')], endpointSlices: [makeSlice('web', [])] },
      { 'node-1': 'iptables' },
    );
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]!.reason).toBe(
      'sent to 10.244.2.12:8080 by rules older than the current state (default/web:http has no endpoints)',
    );
  });

  it('serving terminating endpoints when none is ready, as the lab says it', () => {
    const gone = WEB.slice(0, 2).map((e) => ({
      ...e,
      ready: false,
      serving: true,
      terminating: true,
    }));
    const { j, events } = makeJoiner(
      { services: [makeService('web')], endpointSlices: [makeSlice('web', gone)] },
      { 'node-1': 'nftables' },
    );
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]!.reason).toBe('random 2 of 2 (terminating, still serving)');
  });

  it('a node whose kube-proxy mode is unknown: which endpoint, not how it was chosen', () => {
    const { j, events } = makeJoiner(web());
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]).toMatchObject({
      mode: 'unknown',
      reason: "kube-proxy's mode on node-1 unknown: 2 of 3",
    });
  });

  it('marks a hairpin connection (a pod reaching itself) SNATed to its node', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    j.conntrack(
      'node-1',
      ctNew(
        flow({
          client: ['10.244.1.11', 35443],
          endpoint: ['10.244.1.11', 8080],
          snat: '10.244.1.1',
        }),
      ),
    );
    expect(events[0]).toMatchObject({
      client: { ip: '10.244.1.11', pod: 'default/web-a', snatIP: '10.244.1.1' },
      reason: 'random 1 of 3; SNAT to 10.244.1.1 (hairpin)',
    });
  });

  it('an RST answering the SYN is the userspace proxier\'s "connection reset"', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow()));
    const rst = ctDestroy(flow(), {
      state: 'CLOSE',
      timeout: 120,
      assured: false,
      unreplied: true,
      orig: { packets: 1, bytes: 60 },
      reply: { packets: 1, bytes: 40 },
    });
    j.conntrack('node-1', rst);
    expect(events[1]).toMatchObject({
      outcome: 'reset',
      reason: 'random 2 of 3; ECONNREFUSED connecting to 10.244.2.12:8080: client connection reset',
    });
  });

  it("a UDP flow kube-proxy flushed after its endpoint left the slices: the lab's stale-flow words", () => {
    const dns = makeService('dns', (s) => {
      s.spec.ports = [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }];
    });
    const eps = [WEB[1]!];
    const ports = [{ name: 'dns', port: 53, protocol: 'UDP' }];
    const { j, events } = makeJoiner(
      { services: [dns], endpointSlices: [makeSlice('dns', eps, { ports })] },
      { 'node-1': 'nftables' },
    );
    const udp = flow({
      protocol: 'UDP',
      frontend: ['10.96.0.20', 53],
      endpoint: ['10.244.2.12', 53],
    });
    j.conntrack('node-1', ctNew(udp));
    j.objects.upsert('EndpointSlice', makeSlice('dns', [], { ports }));
    j.conntrack('node-1', ctDestroy(udp, { byUserspace: true }));
    expect(events[1]).toMatchObject({
      outcome: 'reset',
      reason: 'random 1 of 1; endpoint removed: stale UDP flow flushed (conntrack entry deleted)',
    });
  });
});

describe('ClusterJoiner: many nodes', () => {
  it("ignores the endpoint node's half of a connection another node translated (no double count)", () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables', 'node-2': 'iptables' });
    j.conntrack('node-1', ctNew(flow()));
    // node-2 sees the connection already DNATed: client pod -> pod IP, nothing translated.
    const secondLeg = flow({ frontend: ['10.244.2.12', 8080] });
    j.conntrack('node-2', ctNew(secondLeg));
    j.conntrack('node-2', ctDestroy(secondLeg));
    j.conntrack('node-1', ctDestroy(flow()));
    expect(events.map((e) => e.outcome)).toEqual(['open', 'ok']);
    const { total, byNode } = j.stats();
    expect(total).toMatchObject({ opened: 1, ignored: 1 });
    expect(byNode.get('node-2')).toMatchObject({ opened: 0, ignored: 1 });
  });

  it("ignores another node's NodePort on the client's node (that node translates it)", () => {
    const np = makeService('web', (s) => {
      s.spec.type = 'NodePort';
      s.spec.ports = [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
      ];
    });
    const { j, events } = makeJoiner(
      { services: [np], endpointSlices: [makeSlice('web', WEB)] },
      { 'node-1': 'iptables', 'node-2': 'iptables' },
    );
    const toNode2 = flow({ frontend: ['10.0.0.12', 30080] });
    j.conntrack('node-1', ctNew({ ...toNode2, endpoint: ['10.0.0.12', 30080] }));
    j.conntrack(
      'node-2',
      ctNew({ ...toNode2, endpoint: ['10.244.2.13', 8080], snat: '10.244.2.1' }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      frontend: { kind: 'NodePort', ip: '10.0.0.12', node: 'node-2' },
    });
    expect(j.nodeStats('node-1')).toMatchObject({ ignored: 1, untranslated: 0 });
  });

  it('keeps conntrack ids apart per node: one id on two nodes is two connections', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables', 'node-3': 'iptables' });
    j.conntrack('node-1', ctNew(flow()));
    j.conntrack(
      'node-3',
      ctNew(flow({ client: ['10.244.3.50', 40000], endpoint: ['10.244.1.11', 8080] })),
    );
    j.conntrack(
      'node-3',
      ctDestroy(flow({ client: ['10.244.3.50', 40000], endpoint: ['10.244.1.11', 8080] })),
    );
    expect(events.map((e) => e.id)).toEqual([
      `${(1_000_000).toString(36)}-c7-n0`,
      `${(1_000_000).toString(36)}-c7-n1`,
      `${(1_000_000).toString(36)}-c7-n1`,
    ]);
    expect(events[2]).toMatchObject({ outcome: 'ok', client: { pod: 'default/client-3' } });
    expect(j.openCount).toBe(1);
  });

  it('counts the events each node lost (ENOBUFS), per node and in total', () => {
    const { j } = makeJoiner(web());
    j.lost('node-2', 37);
    j.lost('node-2', 5);
    j.lost('node-3', 1);
    expect(j.nodeStats('node-2').lost).toBe(42);
    expect(j.nodeStats('node-1').lost).toBe(0);
    expect(j.stats().total.lost).toBe(43);
  });

  it('still reports a DESTROY whose NEW was lost: an open and its end, saying so', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' });
    j.conntrack('node-1', ctDestroy(flow()));
    expect(events.map((e) => e.outcome)).toEqual(['open', 'ok']);
    expect(events[0]!.reason).toBe('random 2 of 3; start not seen (conntrack events lost)');
    expect(events[1]).toMatchObject({ id: events[0]!.id, bytesIn: 5, durationMs: 0 });
    expect(j.nodeStats('node-1').missedStarts).toBe(1);
  });

  it("ends one node's connections its conntrack no longer has; a late DESTROY is no new one", () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables', 'node-2': 'iptables' });
    j.conntrack('node-1', ctNew(flow()));
    j.conntrack('node-1', ctNew(flow({ id: 8 })));
    j.conntrack(
      'node-2',
      ctNew(flow({ id: 9, client: ['10.244.2.50', 1], endpoint: ['10.244.1.11', 8080] })),
    );
    expect(j.endLost('node-1', new Set([8]), 2_000_000, 2_000_000)).toBe(1);
    expect(events[3]).toMatchObject({
      id: events[0]!.id,
      outcome: 'ok',
      endedAt: 2_000_000,
      reason: 'random 2 of 3; end not seen (conntrack events lost)',
    });
    j.conntrack('node-1', ctDestroy(flow()));
    expect(events).toHaveLength(4);
    expect(j.openCount).toBe(2);
    expect(j.nodeStats('node-1').missedEnds).toBe(1);
  });

  it('ends the oldest open connection of a node past maxOpen', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'iptables' }, { maxOpen: 2 });
    for (const id of [1, 2, 3]) j.conntrack('node-1', ctNew(flow({ id, at: 1_000_000 + id })));
    expect(events.map((e) => e.outcome)).toEqual(['open', 'open', 'ok', 'open']);
    expect(events[2]!.reason).toBe('random 2 of 3; end not tracked (over 2 open)');
  });
});
