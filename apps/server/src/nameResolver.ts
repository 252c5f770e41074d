import { randomUUID } from 'node:crypto';
import type { Service } from '@l4lab/protocol';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import { applyDefaults } from '@l4lab/manifests';
import { DnsClient, kubeDnsObjects } from '@l4lab/dns';
import type { DnsTransportFactory } from '@l4lab/traffic';

/**
 * Cluster DNS as the clients see it: every name is resolved by a real query to the kube-dns
 * Service (`cluster.plan.dnsServiceIP`:53) through l4lab's own dataplane, over UDP when a UDP
 * route exists, else (or on truncation) over TCP. `localAddress` is the asking pod's IP.
 */
export function clusterDnsTransports(mapper: PortMapper): DnsTransportFactory {
  const route = (ip: string, port: number, protocol: 'UDP' | 'TCP') => {
    if (mapper.mode === 'native') return { ip, port };
    const a = mapper.resolve(ip, port, protocol);
    return a.ip === ip && a.port === port ? undefined : a; // mapped mode: only mapped addresses
  };
  return ({ server, localAddress }) =>
    new DnsClient({ server, route, ...(localAddress ? { localAddress } : {}) });
}

/**
 * The cluster DNS add-on, as kubeadm installs it at `init`: the `kube-dns` Service in kube-system at
 * the plan's fixed DNS address, and the 2-replica `coredns` Deployment (its pods run l4lab's DNS
 * server through the CoreDNS runtime decorator). Returns what could not be created.
 */
export function installClusterDns(cluster: Cluster): string[] {
  const problems: string[] = [];
  const { service, deployment } = kubeDnsObjects(cluster.plan.dnsServiceIP);
  const d = cluster.apply([applyDefaults(deployment)]);
  if (!d.ok) problems.push(...d.errors.map((e) => e.message));
  if (!cluster.store.get('Service', 'kube-system', 'kube-dns')) {
    // The allocator keeps the DNS address reserved for exactly this Service (a user's Service cannot
    // take it), so the add-on is written with that address rather than allocated one.
    const s: Service = applyDefaults(service);
    s.metadata.uid = randomUUID();
    s.metadata.creationTimestamp = cluster.nowIso();
    s.metadata.generation = 1;
    s.status = { loadBalancer: {} };
    cluster.store.put(s);
  }
  return problems;
}
