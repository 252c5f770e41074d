// sessionAffinity ClientIP, replayed from the NEWs each node's agent saw, in the lab's words:
// per node and Service port in iptables / nftables modes (the `recent` lists and affinity sets
// are the node's own), per node and virtual service in IPVS (persistence templates). Addresses
// as in testCluster.ts.
import { describe, expect, it } from 'vitest';
import type { Service } from '@l4lab/protocol';
import {
  ctDestroy,
  ctNew,
  makeJoiner,
  makeNodePort,
  makeSlice,
  WEB,
  type Flow,
} from './testCluster.ts';

function sticky(timeoutSeconds: number): Service {
  return makeNodePort('web', (s) => {
    s.spec.sessionAffinity = 'ClientIP';
    s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds } };
  });
}

/** client-1 (node-1) -> web's ClusterIP -> web-b, `at` seconds in. */
const flow = (id: number, at: number, rest: Partial<Flow> = {}): Flow => ({
  id,
  at: 1_000_000 + at * 1000,
  client: ['10.244.1.50', 40000 + id],
  frontend: ['10.96.0.20', 80],
  endpoint: ['10.244.2.12', 8080],
  ...rest,
});

const setup = (timeout: number, modes: Record<string, string>) =>
  makeJoiner({ services: [sticky(timeout)], endpointSlices: [makeSlice('web', WEB)] }, modes);

describe('ClusterJoiner: ClientIP affinity, iptables and nftables modes', () => {
  it('a new affinity first, then hits with the time left', () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 5)));
    j.conntrack('node-1', ctNew(flow(3, 65)));
    expect(reasons()).toEqual([
      'new affinity (ClientIP, 10,800 s): random 2 of 3',
      'affinity hit (ClientIP, 10,795 s left)',
      'affinity hit (ClientIP, 10,740 s left)',
    ]);
  });

  it('the timeout runs from the last new connection: past it, a new choice', () => {
    const { j, reasons } = setup(10, { 'node-1': 'nftables' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 8)));
    j.conntrack('node-1', ctNew(flow(3, 17)));
    j.conntrack('node-1', ctNew(flow(4, 28)));
    expect(reasons()).toEqual([
      'new affinity (ClientIP, 10 s): random 2 of 3',
      'affinity hit (ClientIP, 2 s left)',
      'affinity hit (ClientIP, 1 s left)',
      'new affinity (ClientIP, 10 s): random 2 of 3',
    ]);
  });

  it("is each node's own: the same client through another node is a new affinity", () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'iptables', 'node-2': 'iptables' });
    const np = (id: number, at: number, nodeIP: string) =>
      flow(id, at, {
        client: ['198.51.100.7', 50000 + id],
        frontend: [nodeIP, 30080],
        snat: nodeIP,
      });
    j.conntrack('node-1', ctNew(np(1, 0, '10.0.0.11')));
    j.conntrack('node-2', ctNew(np(2, 1, '10.0.0.12')));
    j.conntrack('node-1', ctNew(np(3, 2, '10.0.0.11')));
    expect(reasons()).toEqual([
      'new affinity (ClientIP, 10,800 s): random 2 of 3; SNAT to node-1 (10.0.0.11)',
      'new affinity (ClientIP, 10,800 s): random 2 of 3; SNAT to node-2 (10.0.0.12)',
      'affinity hit (ClientIP, 10,798 s left); SNAT to node-1 (10.0.0.11)',
    ]);
  });

  it('is per Service port on a node: the ClusterIP and the NodePort share it', () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 1, { frontend: ['10.0.0.11', 30080], snat: '10.0.0.11' })));
    expect(reasons()[1]).toBe('affinity hit (ClientIP, 10,799 s left); SNAT to node-1 (10.0.0.11)');
  });

  it('says the affinity endpoint is gone when it left the slices within the timeout', () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.objects.upsert('EndpointSlice', makeSlice('web', [WEB[0]!, WEB[2]!]));
    j.conntrack('node-1', ctNew(flow(2, 1, { endpoint: ['10.244.1.11', 8080] })));
    expect(reasons()[1]).toBe('affinity endpoint gone (ClientIP, 10,800 s): random 1 of 2');
  });

  it('says the replay and the kernel disagree when the endpoint is still there', () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'iptables' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 1, { endpoint: ['10.244.2.13', 8080] })));
    expect(reasons()[1]).toBe(
      "affinity not kept (ClientIP, 10,800 s; the client's last connection went to 10.244.2.12:8080): random 3 of 3",
    );
  });

  it('a DESTROY whose NEW was lost replays nothing', () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'iptables' });
    j.conntrack('node-1', ctDestroy(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 1)));
    expect(reasons()).toEqual([
      'random 2 of 3; start not seen (conntrack events lost)',
      'random 2 of 3; start not seen (conntrack events lost)',
      'new affinity (ClientIP, 10,800 s): random 2 of 3',
    ]);
  });
});

describe('ClusterJoiner: ClientIP affinity, IPVS persistence', () => {
  it('is per virtual service: the ClusterIP and the NodePort keep their own', () => {
    const { j, reasons } = setup(10_800, { 'node-1': 'ipvs:rr' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 1)));
    j.conntrack('node-1', ctNew(flow(3, 2, { frontend: ['10.0.0.11', 30080], snat: '10.0.0.11' })));
    expect(reasons()).toEqual([
      "new affinity (ClientIP, 10,800 s): round robin (ipvs:rr; the turn is the kernel's): one of 3",
      'affinity hit (ClientIP, 10,799 s left)',
      "new affinity (ClientIP, 10,800 s): round robin (ipvs:rr; the turn is the kernel's): one of 3; SNAT to node-1 (10.0.0.11)",
    ]);
  });

  it('a template lives while a connection it sent is open, then times out', () => {
    const { j, reasons } = setup(10, { 'node-1': 'ipvs:rr' });
    j.conntrack('node-1', ctNew(flow(1, 0)));
    j.conntrack('node-1', ctNew(flow(2, 30)));
    j.conntrack('node-1', ctDestroy(flow(1, 40)));
    j.conntrack('node-1', ctDestroy(flow(2, 41)));
    j.conntrack('node-1', ctNew(flow(3, 60)));
    expect(reasons().filter((_, i) => i !== 2 && i !== 3)).toEqual([
      "new affinity (ClientIP, 10 s): round robin (ipvs:rr; the turn is the kernel's): one of 3",
      'affinity hit (ClientIP, IPVS persistence held by 1 open connection)',
      "new affinity (ClientIP, 10 s): round robin (ipvs:rr; the turn is the kernel's): one of 3",
    ]);
  });
});
