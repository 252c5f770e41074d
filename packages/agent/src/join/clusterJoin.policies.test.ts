// Traffic policies and the external frontends of a real cluster: NodePorts on every node's
// addresses, LoadBalancer ingress IPs, externalIPs, and the SNAT kube-proxy does for
// externalTrafficPolicy Cluster (the reply tuple answers the node, the client is the orig
// source). Addresses as in testCluster.ts; web-a on node-1, web-b and web-c on node-2.
import { describe, expect, it } from 'vitest';
import {
  ctNew,
  makeJoiner,
  makeLoadBalancer,
  makeNodePort,
  makeService,
  makeSlice,
  WEB,
  type Flow,
} from './testCluster.ts';
import type { Service } from '@l4lab/protocol';

const OUTSIDE = '198.51.100.7';
const slices = [makeSlice('web', WEB)];
const iptables = { 'node-1': 'iptables', 'node-2': 'iptables', 'node-3': 'iptables' };

function joined(svc: Service, node: string, f: Omit<Flow, 'id' | 'at'>) {
  const { j, events } = makeJoiner({ services: [svc], endpointSlices: slices }, iptables);
  j.conntrack(node, ctNew({ id: 1, at: 1_000_000, ...f }));
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('ClusterJoiner: internalTrafficPolicy', () => {
  const local = makeService('web', (s) => (s.spec.internalTrafficPolicy = 'Local'));

  it("Local: the endpoints on the client's node only", () => {
    const e = joined(local, 'node-2', {
      client: ['10.244.2.50', 40000],
      frontend: ['10.96.0.20', 80],
      endpoint: ['10.244.2.12', 8080],
    });
    expect(e.reason).toBe('random 1 of 2; internalTrafficPolicy Local (node-2)');
  });

  it('Local: a process of the node itself (hostNetwork) is on that node too', () => {
    const e = joined(local, 'node-1', {
      client: ['10.0.0.11', 40000],
      frontend: ['10.96.0.20', 80],
      endpoint: ['10.244.1.11', 8080],
    });
    expect(e).toMatchObject({
      client: { ip: '10.0.0.11', pod: undefined },
      reason: 'random 1 of 1; internalTrafficPolicy Local (node-1)',
    });
  });
});

describe('ClusterJoiner: NodePort', () => {
  it('externalTrafficPolicy Cluster: masqueraded to the node, the client is the orig source', () => {
    const e = joined(makeNodePort('web'), 'node-1', {
      client: [OUTSIDE, 50000],
      frontend: ['10.0.0.11', 30080],
      endpoint: ['10.244.2.12', 8080],
      snat: '10.0.0.11',
    });
    expect(e).toMatchObject({
      client: { ip: OUTSIDE, port: 50000, snatIP: '10.0.0.11' },
      frontend: { kind: 'NodePort', ip: '10.0.0.11', port: 30080, node: 'node-1' },
      endpoint: { pod: 'web-b', node: 'node-2' },
      reason: 'random 2 of 3; SNAT to node-1 (10.0.0.11)',
    });
  });

  it("Cluster to a local pod: masqueraded to the node's CNI bridge, named as that node's", () => {
    const e = joined(makeNodePort('web'), 'node-1', {
      client: [OUTSIDE, 50000],
      frontend: ['10.0.0.11', 30080],
      endpoint: ['10.244.1.11', 8080],
      snat: '10.244.1.1',
    });
    expect(e.reason).toBe('random 1 of 3; SNAT to node-1 (10.244.1.1)');
  });

  it('Cluster without a SNAT in the reply tuple: says so rather than claim one', () => {
    const e = joined(makeNodePort('web'), 'node-1', {
      client: [OUTSIDE, 50000],
      frontend: ['10.0.0.11', 30080],
      endpoint: ['10.244.2.12', 8080],
    });
    expect(e.reason).toBe(
      'random 2 of 3; externalTrafficPolicy Cluster (no SNAT seen: client IP kept)',
    );
  });

  it('externalTrafficPolicy Local: the endpoints on the node entered, client IP kept', () => {
    const svc = makeNodePort('web', (s) => (s.spec.externalTrafficPolicy = 'Local'));
    const e = joined(svc, 'node-2', {
      client: [OUTSIDE, 50000],
      frontend: ['10.0.0.12', 30080],
      endpoint: ['10.244.2.13', 8080],
    });
    expect(e).toMatchObject({
      client: { ip: OUTSIDE, snatIP: undefined },
      frontend: { node: 'node-2' },
      reason: 'random 2 of 2; externalTrafficPolicy Local (node-2, client IP kept)',
    });
  });

  it("is served on every node address kube-proxy takes by default: a node's ExternalIP too", () => {
    const e = joined(makeNodePort('web'), 'node-1', {
      client: [OUTSIDE, 50000],
      frontend: ['192.0.2.11', 30080],
      endpoint: ['10.244.1.11', 8080],
      snat: '10.244.1.1',
    });
    expect(e.frontend).toEqual({ kind: 'NodePort', ip: '192.0.2.11', port: 30080, node: 'node-1' });
  });
});

describe('ClusterJoiner: LoadBalancer and externalIPs', () => {
  it('a client outside: the load balancer sent it to the node that translated it', () => {
    const e = joined(makeLoadBalancer('web'), 'node-2', {
      client: [OUTSIDE, 50000],
      frontend: ['203.0.113.10', 80],
      endpoint: ['10.244.1.11', 8080],
      snat: '10.0.0.12',
    });
    expect(e).toMatchObject({
      client: { ip: OUTSIDE, snatIP: '10.0.0.12' },
      frontend: { kind: 'LoadBalancer', ip: '203.0.113.10', port: 80, node: 'node-2' },
      reason: 'LB -> node-2; random 1 of 3; SNAT to node-2 (10.0.0.12)',
    });
  });

  it('externalTrafficPolicy Local: the endpoints of the node the load balancer chose', () => {
    const svc = makeLoadBalancer('web', (s) => (s.spec.externalTrafficPolicy = 'Local'));
    const e = joined(svc, 'node-2', {
      client: [OUTSIDE, 50000],
      frontend: ['203.0.113.10', 80],
      endpoint: ['10.244.2.12', 8080],
    });
    expect(e.reason).toBe(
      'LB -> node-2; random 1 of 2; externalTrafficPolicy Local (node-2, client IP kept)',
    );
  });

  it("a pod reaching the LoadBalancer IP: its own node's rules, no load balancer on the way", () => {
    const e = joined(makeLoadBalancer('web'), 'node-1', {
      client: ['10.244.1.50', 40000],
      frontend: ['203.0.113.10', 80],
      endpoint: ['10.244.2.12', 8080],
      snat: '10.0.0.11',
    });
    expect(e).toMatchObject({
      client: { pod: 'default/client-1' },
      frontend: { node: 'node-1' },
      reason: 'random 2 of 3; SNAT to node-1 (10.0.0.11)',
    });
  });

  it("externalTrafficPolicy Local from a pod of the node: kube-proxy's short cut to every endpoint", () => {
    const svc = makeLoadBalancer('web', (s) => (s.spec.externalTrafficPolicy = 'Local'));
    const e = joined(svc, 'node-1', {
      client: ['10.244.1.50', 40000],
      frontend: ['203.0.113.10', 80],
      endpoint: ['10.244.2.13', 8080],
    });
    expect(e.reason).toBe(
      "random 3 of 3; externalTrafficPolicy Local skipped: the client is on node-1 (kube-proxy sends its pods' and its own traffic to every endpoint)",
    );
  });

  it('the short cut is taken only when the kernel says so: a local endpoint is still Local', () => {
    const svc = makeLoadBalancer('web', (s) => (s.spec.externalTrafficPolicy = 'Local'));
    const e = joined(svc, 'node-1', {
      client: ['10.244.1.50', 40000],
      frontend: ['203.0.113.10', 80],
      endpoint: ['10.244.1.11', 8080],
    });
    expect(e.reason).toBe('random 1 of 1; externalTrafficPolicy Local (node-1, client IP kept)');
  });

  it("an ingress with ipMode Proxy is the load balancer's to forward: not a frontend here", () => {
    const svc = makeLoadBalancer('web', (s) => {
      s.status = { loadBalancer: { ingress: [{ ip: '203.0.113.10', ipMode: 'Proxy' }] } };
    });
    const { j, events } = makeJoiner({ services: [svc], endpointSlices: slices }, iptables);
    j.conntrack(
      'node-1',
      ctNew({
        id: 1,
        at: 1,
        client: [OUTSIDE, 1],
        frontend: ['203.0.113.10', 80],
        endpoint: ['203.0.113.10', 80],
      }),
    );
    expect(events).toEqual([]);
    expect(j.nodeStats('node-1').ignored).toBe(1);
  });

  it('an externalIP: entered at the node that translated it', () => {
    const svc = makeService('web', (s) => (s.spec.externalIPs = ['192.0.2.50']));
    const e = joined(svc, 'node-3', {
      client: [OUTSIDE, 50000],
      frontend: ['192.0.2.50', 80],
      endpoint: ['10.244.2.13', 8080],
      snat: '10.0.0.13',
    });
    expect(e).toMatchObject({
      frontend: { kind: 'ExternalIP', ip: '192.0.2.50', port: 80, node: 'node-3' },
      reason: 'random 3 of 3; SNAT to node-3 (10.0.0.13)',
    });
  });
});
