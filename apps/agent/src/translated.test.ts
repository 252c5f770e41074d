// What the agent streams by default: flows conntrack shows translated (kube-proxy's DNAT).
// Addresses are data here (a cluster's, as conntrack reports them); no traffic is sent.
import type { ConntrackEvent } from '@l4lab/dataplane';
import { describe, expect, it } from 'vitest';
import { translated } from './agent.ts';

function flow(dst: [string, number], replySrc: [string, number]): ConntrackEvent {
  return {
    type: 'NEW',
    at: 0,
    id: 1,
    protocol: 'TCP',
    orig: { src: '10.244.1.5', dst: dst[0], sport: 40000, dport: dst[1] },
    reply: { src: replySrc[0], dst: '10.244.1.5', sport: replySrc[1], dport: 40000 },
    assured: false,
    unreplied: true,
    byUserspace: false,
  };
}

describe('translated', () => {
  it("keeps a Service's flows: ClusterIP, NodePort and a port-only translation", () => {
    expect(translated(flow(['10.96.0.20', 80], ['10.244.2.12', 8080]))).toBe(true);
    expect(translated(flow(['192.0.2.10', 30080], ['10.244.2.12', 8080]))).toBe(true);
    expect(translated(flow(['10.244.2.12', 80], ['10.244.2.12', 8080]))).toBe(true);
  });

  it('leaves out a flow nothing translated: pod to pod, DNS to a pod', () => {
    expect(translated(flow(['10.244.2.12', 8080], ['10.244.2.12', 8080]))).toBe(false);
    expect(translated(flow(['10.244.0.3', 53], ['10.244.0.3', 53]))).toBe(false);
  });
});
