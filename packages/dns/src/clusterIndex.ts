import type { EndpointSlice, KubeObject, Service, WatchEvent } from '@l4lab/protocol';
import { endpointConditions } from '@l4lab/protocol';
import { type Cluster, SERVICE_NAME_LABEL } from '@l4lab/cluster';
import { type DnsEndpoint, type ZoneView, isHeadless } from './zoneView.ts';

const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;

/**
 * CoreDNS's informer cache: Services, EndpointSlices, Namespaces and pod IPs, kept from the
 * cluster's watch, with the lookups the DNS records need (O(1) by name and by address).
 */
export class ClusterDnsIndex implements ZoneView {
  readonly #namespaces = new Set<string>();
  readonly #services = new Map<string, Service>();
  readonly #slices = new Map<string, Map<string, EndpointSlice>>(); // service key -> slices
  readonly #clusterIPs = new Map<string, string>(); // ClusterIP -> service key
  readonly #podIPs = new Map<string, string>(); // pod key -> "ns/ip"
  readonly #podAddresses = new Map<string, number>(); // "ns/ip" -> pods holding it
  #unwatch: (() => void) | undefined;

  /** Starts watching (lists what exists first, like an informer). */
  static watch(cluster: Cluster): ClusterDnsIndex {
    const index = new ClusterDnsIndex();
    for (const kind of ['Namespace', 'Service', 'EndpointSlice', 'Pod'] as const)
      for (const o of cluster.list(kind)) index.apply({ type: 'ADDED', object: o });
    index.#unwatch = cluster.watch((e) => index.apply(e));
    return index;
  }

  stop(): void {
    this.#unwatch?.();
  }

  apply(e: WatchEvent): void {
    const o: KubeObject = e.object;
    const deleted = e.type === 'DELETED';
    const k = key(o.metadata.namespace, o.metadata.name);
    switch (o.kind) {
      case 'Namespace':
        if (deleted) this.#namespaces.delete(o.metadata.name);
        else this.#namespaces.add(o.metadata.name);
        return;
      case 'Service': {
        const prev = this.#services.get(k);
        if (prev?.spec.clusterIP) this.#clusterIPs.delete(prev.spec.clusterIP);
        if (deleted) this.#services.delete(k);
        else {
          this.#services.set(k, o);
          const ip = o.spec.clusterIP;
          if (ip && !isHeadless(o)) this.#clusterIPs.set(ip, k);
        }
        return;
      }
      case 'EndpointSlice': {
        const svcKey = key(o.metadata.namespace, o.metadata.labels?.[SERVICE_NAME_LABEL] ?? '');
        const m = this.#slices.get(svcKey) ?? new Map<string, EndpointSlice>();
        if (deleted) m.delete(o.metadata.name);
        else m.set(o.metadata.name, o);
        if (m.size) this.#slices.set(svcKey, m);
        else this.#slices.delete(svcKey);
        return;
      }
      case 'Pod': {
        const prev = this.#podIPs.get(k);
        if (prev) {
          const n = (this.#podAddresses.get(prev) ?? 1) - 1;
          if (n > 0) this.#podAddresses.set(prev, n);
          else this.#podAddresses.delete(prev);
          this.#podIPs.delete(k);
        }
        const ip = o.status?.podIP;
        if (!deleted && ip) {
          const a = `${o.metadata.namespace}/${ip}`;
          this.#podIPs.set(k, a);
          this.#podAddresses.set(a, (this.#podAddresses.get(a) ?? 0) + 1);
        }
        return;
      }
      default:
        return;
    }
  }

  namespaceExists(namespace: string): boolean {
    return this.#namespaces.has(namespace);
  }

  service(namespace: string, name: string): Service | undefined {
    return this.#services.get(key(namespace, name));
  }

  endpoints(namespace: string, name: string): DnsEndpoint[] {
    const byIP = new Map<string, DnsEndpoint>();
    for (const slice of this.#slices.get(key(namespace, name))?.values() ?? []) {
      // A records come from IPv4 slices (a slice written by hand may be IPv6 or FQDN).
      if (slice.addressType !== 'IPv4') continue;
      const ports = slice.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol }));
      for (const ep of slice.endpoints) {
        const { ready } = endpointConditions(ep);
        for (const ip of ep.addresses) {
          const seen = byIP.get(ip);
          if (seen) seen.ready ||= ready;
          else
            byIP.set(ip, { ip, ready, ports, ...(ep.hostname ? { hostname: ep.hostname } : {}) });
        }
      }
    }
    return [...byIP.values()];
  }

  serviceByClusterIP(ip: string): Service | undefined {
    const k = this.#clusterIPs.get(ip);
    return k ? this.#services.get(k) : undefined;
  }

  endpointByIP(ip: string): { service: Service; endpoint: DnsEndpoint } | undefined {
    for (const [svcKey] of this.#slices) {
      const service = this.#services.get(svcKey);
      if (!service || !isHeadless(service)) continue;
      const endpoint = this.endpoints(
        service.metadata.namespace ?? 'default',
        service.metadata.name,
      ).find((e) => e.ip === ip);
      if (endpoint) return { service, endpoint };
    }
    return undefined;
  }

  podExists(namespace: string, ip: string): boolean {
    return this.#podAddresses.has(`${namespace}/${ip}`);
  }
}
