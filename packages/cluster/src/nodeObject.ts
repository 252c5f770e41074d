// The Node objects of l4lab's virtual nodes, labelled and sized as a kubelet registers a node:
// Kubernetes' well-known labels (hostname, os, arch, one zone per node) and a capacity the
// scheduler fits requests into. No GPUs: a pod asking for nvidia.com/gpu stays Pending, as on a
// cluster without them.
import type { Node, NodeSystemInfo } from '@l4lab/protocol';
import type { NodeAddress } from './addressPlan.ts';

/** What each node advertises (allocatable = capacity: l4lab reserves nothing for system daemons). */
export const NODE_CAPACITY: Readonly<Record<string, string>> = {
  cpu: '4',
  memory: '8Gi',
  'ephemeral-storage': '100Gi',
  pods: '110',
};

const ZONES = ['zone-a', 'zone-b', 'zone-c'];

/** `zone-a`, `zone-b`, `zone-c`, then around again: node-i is in zone number i-1 mod 3. */
export function nodeZone(index: number): string {
  return ZONES[index % ZONES.length]!;
}

export function nodeLabels(name: string, index: number): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/zone': nodeZone(index),
  };
}

/**
 * The Node a kubelet registers for `address` (the index-th node, from 0), with what the kubelet
 * reports of its machine when the lab says (every virtual node runs on this one machine).
 */
export function newNode(
  address: NodeAddress,
  index: number,
  uid: string,
  now: string,
  nodeInfo?: NodeSystemInfo,
): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: address.name,
      uid,
      creationTimestamp: now,
      labels: nodeLabels(address.name, index),
    },
    spec: { podCIDR: address.podCIDR, podCIDRs: [address.podCIDR] },
    status: {
      capacity: { ...NODE_CAPACITY },
      allocatable: { ...NODE_CAPACITY },
      addresses: [
        { type: 'InternalIP', address: address.ip },
        { type: 'Hostname', address: address.name },
      ],
      // As the kubelet's first status: no pressure, Ready since it registered.
      conditions: kubeletConditions(now),
      ...(nodeInfo ? { nodeInfo: { ...nodeInfo } } : {}),
    },
  };
}

/** The node conditions a kubelet posts, healthy: no memory, disk or PID pressure, and Ready. */
export function kubeletConditions(now: string): Node['status']['conditions'] {
  const c =
    (type: Node['status']['conditions'][number]['type'], status: 'True' | 'False') =>
    (reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    });
  return [
    c('MemoryPressure', 'False')(
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
    ),
    c('DiskPressure', 'False')('KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False')('KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True')('KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** The kubelet renews its node's Lease this often (kube-node-lease, its heartbeat). */
export const NODE_LEASE_RENEW_MS = 10_000;

/**
 * When the kubelet last renewed its node's Lease (ms): on the period's ticks since the node
 * became Ready (never before it did); a stopped node's, when it stopped.
 */
export function nodeLeaseRenewedAt(node: Node, now: number): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const since =
    Date.parse(ready?.lastTransitionTime ?? node.metadata.creationTimestamp ?? '') || now;
  return ready?.status === 'True'
    ? Math.max(since, Math.floor(now / NODE_LEASE_RENEW_MS) * NODE_LEASE_RENEW_MS)
    : since;
}
