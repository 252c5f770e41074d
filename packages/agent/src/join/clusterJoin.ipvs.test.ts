// IPVS mode: with net.ipv4.vs.conntrack=1 (kube-proxy sets it) a conntrack entry shows the
// virtual service (VIP:port) as the orig destination and the real server as the reply source,
// like a DNAT. The reason names the scheduler and says what the kernel keeps to itself.
// Addresses as in testCluster.ts.
import { describe, expect, it } from 'vitest';
import {
  ctNew,
  makeJoiner,
  makeNodePort,
  makeService,
  makeSlice,
  WEB,
  type Flow,
} from './testCluster.ts';

const OUTSIDE = '198.51.100.7';

/** client-1 (node-1) -> web's ClusterIP -> web-b: the conntrack entry of an IPVS-NATed flow. */
const flow = (rest: Partial<Flow> = {}): Flow => ({
  id: 11,
  at: 5_000_000,
  client: ['10.244.1.50', 40000],
  frontend: ['10.96.0.20', 80],
  endpoint: ['10.244.2.12', 8080],
  ...rest,
});

const web = (svc = makeService('web')) => ({
  services: [svc],
  endpointSlices: [makeSlice('web', WEB)],
});

describe('ClusterJoiner: IPVS', () => {
  it('reads the real server from the reply tuple, names the scheduler, claims no turn', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'ipvs:rr' });
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]).toMatchObject({
      mode: 'ipvs:rr',
      frontend: { kind: 'ClusterIP', ip: '10.96.0.20', port: 80 },
      endpoint: { pod: 'web-b', ip: '10.244.2.12', port: 8080, node: 'node-2' },
      reason: "round robin (ipvs:rr; the turn is the kernel's): one of 3",
    });
  });

  it.each([
    ['wrr', "weighted round robin (ipvs:wrr; the turn is the kernel's): one of 3"],
    ['lc', "least connections (ipvs:lc; the connection counts are the kernel's): one of 3"],
    [
      'wlc',
      "weighted least connections (ipvs:wlc; the connection counts are the kernel's): one of 3",
    ],
    ['sed', "shortest expected delay (ipvs:sed; the connection counts are the kernel's): one of 3"],
    [
      'nq',
      "never queue: shortest expected delay (ipvs:nq; the connection counts are the kernel's): one of 3",
    ],
    ['sh', "source hash of 10.244.1.50 (ipvs:sh; the bucket table is the kernel's): one of 3"],
    ['dh', "destination hash of 10.96.0.20 (ipvs:dh; the bucket table is the kernel's): one of 3"],
    ['mh', 'IPVS scheduler mh: one of 3'],
  ])('scheduler %s', (scheduler, reason) => {
    const { j, events } = makeJoiner(web(), { 'node-1': `ipvs:${scheduler}` });
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]).toMatchObject({ mode: `ipvs:${scheduler}`, reason });
  });

  it("kube-proxy's IPVS without a scheduler configured: the kernel's default, rr", () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'ipvs' });
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]!.mode).toBe('ipvs:rr');
  });

  it('a NodePort from outside: the reply tuple answers the node (masquerade), the client is kept', () => {
    const { j, events } = makeJoiner(web(makeNodePort('web')), { 'node-1': 'ipvs:lc' });
    j.conntrack(
      'node-1',
      ctNew(flow({ client: [OUTSIDE, 50000], frontend: ['10.0.0.11', 30080], snat: '10.0.0.11' })),
    );
    expect(events[0]).toMatchObject({
      client: { ip: OUTSIDE, port: 50000, snatIP: '10.0.0.11' },
      frontend: { kind: 'NodePort', node: 'node-1' },
      reason:
        "least connections (ipvs:lc; the connection counts are the kernel's): one of 3; SNAT to node-1 (10.0.0.11)",
    });
  });

  it('externalTrafficPolicy Local: the local real servers only', () => {
    const svc = makeNodePort('web', (s) => (s.spec.externalTrafficPolicy = 'Local'));
    const { j, events } = makeJoiner(web(svc), { 'node-2': 'ipvs:rr' });
    j.conntrack(
      'node-2',
      ctNew(flow({ client: [OUTSIDE, 50000], frontend: ['10.0.0.12', 30080] })),
    );
    expect(events[0]!.reason).toBe(
      "round robin (ipvs:rr; the turn is the kernel's): one of 2; externalTrafficPolicy Local (node-2, client IP kept)",
    );
  });

  it('serving terminating real servers when none is ready', () => {
    const gone = WEB.map((e) => ({ ...e, ready: false, serving: true, terminating: true }));
    const { j, events } = makeJoiner(
      { services: [makeService('web')], endpointSlices: [makeSlice('web', gone)] },
      { 'node-1': 'ipvs:rr' },
    );
    j.conntrack('node-1', ctNew(flow()));
    expect(events[0]!.reason).toBe(
      "round robin (ipvs:rr; the turn is the kernel's): one of 3 (terminating, still serving)",
    );
  });

  it('a real server the slices do not list', () => {
    const { j, events } = makeJoiner(web(), { 'node-1': 'ipvs:sh' });
    j.conntrack('node-1', ctNew(flow({ endpoint: ['10.244.3.99', 8080] })));
    expect(events[0]!.reason).toBe(
      'ipvs:sh: 10.244.3.99:8080 is not one of the 3 eligible endpoints (as watched)',
    );
  });
});
