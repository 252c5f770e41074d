import { intToIp, ipToInt, parseCidr } from './ipv4.ts';

/** The cluster's address ranges (every one a flag of the server). */
export interface AddressPlan {
  /** Virtual nodes node-1..N at nodeBase, nodeBase+1, ... (kind: 172.18.0.2...). */
  nodeCount: number;
  nodeBase: string;
  /** Pod CIDR (/16); node i gets the /24 number i. */
  podCIDR: string;
  serviceCIDR: string;
  /** The kube-dns Service's fixed ClusterIP. */
  dnsServiceIP: string;
  loadBalancerPool: string;
}

export const DEFAULT_ADDRESS_PLAN: AddressPlan = {
  nodeCount: 3,
  nodeBase: '127.18.0.2',
  podCIDR: '127.244.0.0/16',
  serviceCIDR: '127.96.0.0/16',
  dnsServiceIP: '127.96.0.10',
  loadBalancerPool: '127.200.0.0/24',
};

/** The first address of the Service range: the `kubernetes` Service's ClusterIP (10.96.0.1). */
export function kubernetesServiceIP(plan: AddressPlan): string {
  return intToIp(parseCidr(plan.serviceCIDR).base + 1);
}

export interface NodeAddress {
  name: string;
  ip: string;
  podCIDR: string;
}

export function nodeAddresses(plan: AddressPlan): NodeAddress[] {
  const pods = parseCidr(plan.podCIDR);
  if (pods.bits > 16) throw new Error(`pod CIDR ${plan.podCIDR}: l4lab needs a /16 or larger`);
  const out: NodeAddress[] = [];
  for (let i = 1; i <= plan.nodeCount; i++) {
    out.push({
      name: `node-${i}`,
      ip: intToIp(ipToInt(plan.nodeBase) + i - 1),
      podCIDR: `${intToIp(pods.base + i * 256)}/24`,
    });
  }
  return out;
}
