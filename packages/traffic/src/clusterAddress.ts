import { cidrContains, parseCidr, type Cluster } from '@l4lab/cluster';
import { isIPv4 } from './target.ts';

/**
 * Whether `ip` belongs to the cluster: a pod, a Service's ClusterIP, load-balancer or external IP,
 * or a node. The exec tools and the traffic generator reach only these (and what cluster DNS
 * resolves to them), not this machine's own loopback services, unless l4lab runs with
 * `--allow-host-targets`.
 */
export function isClusterAddress(cluster: Cluster, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const { podCIDR, serviceCIDR, loadBalancerPool } = cluster.plan;
  if ([podCIDR, serviceCIDR, loadBalancerPool].some((c) => cidrContains(parseCidr(c), ip)))
    return true;
  for (const n of cluster.list('Node'))
    if (n.status.addresses.some((a) => a.address === ip)) return true;
  for (const s of cluster.list('Service')) {
    if (s.spec.externalIPs?.includes(ip)) return true;
    if (s.status?.loadBalancer?.ingress?.some((i) => i.ip === ip)) return true;
  }
  return false;
}

/** Says why a target outside the cluster is refused, and how to lift it. */
export const HOST_TARGET_HINT =
  'not a cluster address (pod, Service, node or load-balancer IP); l4lab --allow-host-targets lets pods and generators reach this machine';
