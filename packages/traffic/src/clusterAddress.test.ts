import { describe, expect, it } from 'vitest';
import type { Service } from '@l4lab/protocol';
import { newTestCluster } from '@l4lab/cluster/testing';
import { isClusterAddress } from './clusterAddress.ts';

// The default address plan: pods 127.244.0.0/16, services 127.96.0.0/16, LB pool 127.200.0.0/24,
// nodes 127.18.0.2-4.

describe('isClusterAddress', () => {
  it('knows pods, Services, nodes, load balancers and external IPs, and nothing else', () => {
    const { cluster } = newTestCluster();
    const svc: Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ext', namespace: 'default' },
      spec: { externalIPs: ['127.55.0.1'], ports: [{ port: 80 }] },
    };
    expect(cluster.apply([svc]).ok).toBe(true);
    for (const ip of ['127.244.1.7', '127.96.0.10', '127.200.0.1', '127.55.0.1'])
      expect(isClusterAddress(cluster, ip), ip).toBe(true);
    expect(isClusterAddress(cluster, cluster.nodeIP('node-1')!)).toBe(true);
    for (const ip of ['127.0.0.1', '127.0.0.5', '10.0.0.1', 'localhost', '::1'])
      expect(isClusterAddress(cluster, ip), ip).toBe(false);
  });
});
