import type { Service } from '@l4lab/protocol';

/** The cluster domain, as kubelet's `--cluster-domain` and CoreDNS's `kubernetes` plugin zone. */
export const CLUSTER_DOMAIN = 'cluster.local';
/** CoreDNS's kubernetes plugin: every record it serves has this TTL (`ttl 5` is its default). */
export const TTL = 5;

/** One address of a Service's EndpointSlices, as CoreDNS's kubernetes plugin sees it. */
export interface DnsEndpoint {
  ip: string;
  /** The endpoint's hostname (a pod's `hostname` under its `subdomain` Service), if set. */
  hostname?: string;
  ready: boolean;
  ports: { name: string; port: number; protocol: string }[];
}

/** What the DNS server reads from the cluster (an index kept from the API server's watch). */
export interface ZoneView {
  namespaceExists(namespace: string): boolean;
  service(namespace: string, name: string): Service | undefined;
  /** The addresses of a Service's EndpointSlices, each listed once. */
  endpoints(namespace: string, name: string): DnsEndpoint[];
  /** The Service whose ClusterIP this is (for PTR records). */
  serviceByClusterIP(ip: string): Service | undefined;
  /** The headless Service endpoint with this address (for PTR records). */
  endpointByIP(ip: string): { service: Service; endpoint: DnsEndpoint } | undefined;
  /** A pod with this IP in this namespace (for `pods verified`). */
  podExists(namespace: string, ip: string): boolean;
}

/** `10.244.1.5` -> `10-244-1-5`, the form of pod and endpoint record names. */
export function dashedIP(ip: string): string {
  return ip.replaceAll('.', '-');
}

/** A headless Service endpoint's record name: its hostname, else its dashed IP (CoreDNS's endpointHostname). */
export function endpointName(e: DnsEndpoint): string {
  return e.hostname ?? dashedIP(e.ip);
}

export function isIPv4(s: string): boolean {
  return (
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) &&
    s.split('.').every((x) => Number(x) <= 255 && String(Number(x)) === x)
  );
}

export function isHeadless(svc: Service): boolean {
  return svc.spec.clusterIP === 'None';
}
