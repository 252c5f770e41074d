// The files the kubelet writes for a pod and mounts into each container: /etc/hosts
// (managedHostsFileContent, with the pod's hostAliases), /etc/resolv.conf (the DNS config of the
// pod's dnsPolicy and dnsConfig, pkg/kubelet/network/dns), /etc/hostname, and the service
// account's namespace file. Pure: the kubelet passes the cluster's DNS address and domain.
import type { Pod } from '@l4lab/protocol';

/** The CRI's DNSConfig: what becomes the container's /etc/resolv.conf. */
export interface DNSConfig {
  servers: string[];
  searches: string[];
  /** `ndots:5`, `edns0`: as written on the `options` line. */
  options: string[];
}

export interface ClusterDNS {
  /** kube-dns's ClusterIP (the kubelet's --cluster-dns). */
  clusterDNS: string;
  /** --cluster-domain: `cluster.local`. */
  clusterDomain: string;
}

/** The kubelet's limits (validation.MaxDNSNameservers, MaxDNSSearchPaths). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

/**
 * A node's own resolver, for dnsPolicy Default: l4lab's nodes have no resolv.conf of their own,
 * and the kubelet then points pods at the node itself with the root domain as search path (what
 * it does when --resolv-conf is empty).
 */
const NODE_DNS: DNSConfig = { servers: ['127.0.0.1'], searches: ['.'], options: [] };

const unique = (xs: string[]) => [...new Set(xs)];

/** The base before dnsConfig: cluster DNS, the node's resolver, or nothing (dnsPolicy None). */
function baseConfig(pod: Pod, c: ClusterDNS): DNSConfig {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None') return { servers: [], searches: [], options: [] };
  // ClusterFirst falls back to the node's resolver for a pod on the host network.
  const cluster =
    policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec.hostNetwork);
  if (!cluster) return { ...NODE_DNS };
  const ns = pod.metadata.namespace ?? 'default';
  const d = c.clusterDomain;
  return {
    servers: [c.clusterDNS],
    searches: [`${ns}.svc.${d}`, `svc.${d}`, d],
    options: ['ndots:5'],
  };
}

/** dnsConfig's options over the base's, by name (a value given again replaces the first). */
function mergeOptions(base: string[], extra: NonNullable<Pod['spec']['dnsConfig']>['options']) {
  const byName = new Map<string, string>();
  for (const o of base) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), i < 0 ? '' : o.slice(i + 1));
  }
  for (const o of extra ?? []) byName.set(o.name, o.value ?? '');
  return [...byName].map(([name, value]) => (value ? `${name}:${value}` : name));
}

/** The pod's DNS config as the kubelet computes it (GetPodDNS), within its limits. */
export function podDNSConfig(pod: Pod, c: ClusterDNS): DNSConfig {
  const base = baseConfig(pod, c);
  const extra = pod.spec.dnsConfig;
  const merged: DNSConfig = extra
    ? {
        servers: unique([...base.servers, ...(extra.nameservers ?? [])]),
        searches: unique([...base.searches, ...(extra.searches ?? [])]),
        options: mergeOptions(base.options, extra.options),
      }
    : base;
  return {
    servers: merged.servers.slice(0, MAX_NAMESERVERS),
    searches: merged.searches.slice(0, MAX_SEARCHES),
    options: merged.options,
  };
}

/** What a stub resolver reads from that config: its first nameserver, search path, ndots. */
export function resolverOf(c: DNSConfig): {
  nameserver: string;
  searches: string[];
  ndots: number;
} {
  const ndots = c.options.map((o) => /^ndots:(\d+)$/.exec(o)?.[1]).find((n) => n !== undefined);
  return {
    // No nameserver line: resolvers ask the local machine.
    nameserver: c.servers[0] ?? '127.0.0.1',
    searches: c.searches.filter((s) => s !== '.'),
    ndots: ndots === undefined ? 1 : Math.min(Number(ndots), 15),
  };
}

/** /etc/resolv.conf as the container runtime writes it (containerd's parseDNSOptions). */
export function resolvConfText(c: DNSConfig): string {
  let text = '';
  if (c.searches.length) text += `search ${c.searches.join(' ')}\n`;
  for (const s of c.servers) text += `nameserver ${s}\n`;
  if (c.options.length) text += `options ${c.options.join(' ')}\n`;
  return text;
}

/**
 * The pod's hostname: its node's on the host network, else spec.hostname, else its name cut to 63
 * characters (a DNS label).
 */
export function podHostname(pod: Pod): string {
  if (pod.spec.hostNetwork && pod.spec.nodeName) return pod.spec.nodeName;
  if (pod.spec.hostname) return pod.spec.hostname;
  return pod.metadata.name.slice(0, 63).replace(/[-.]+$/, '');
}

/** /etc/hosts as the kubelet manages it: localhost, the pod's own name, then its hostAliases. */
export function managedHostsFile(pod: Pod, ips: string[], clusterDomain: string): string {
  const hostname = podHostname(pod);
  const ns = pod.metadata.namespace ?? 'default';
  const domain = pod.spec.subdomain ? `${pod.spec.subdomain}.${ns}.svc.${clusterDomain}` : '';
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
    ...ips.map((ip) =>
      domain ? `${ip}\t${hostname}.${domain}\t${hostname}` : `${ip}\t${hostname}`,
    ),
  ];
  const aliases = pod.spec.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where the service account's files are mounted in every container (unless opted out). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Every kubelet-managed file of the pod, by path. The service account's token and CA are not
 * written: l4lab issues no tokens; its namespace file is what scripts read.
 */
export function podNetworkFiles(pod: Pod, ip: string, c: ClusterDNS): Record<string, string> {
  const files: Record<string, string> = {
    '/etc/hosts': managedHostsFile(pod, [ip], c.clusterDomain),
    '/etc/resolv.conf': resolvConfText(podDNSConfig(pod, c)),
    '/etc/hostname': `${podHostname(pod)}\n`,
  };
  if (pod.spec.automountServiceAccountToken !== false)
    files[`${SERVICE_ACCOUNT_DIR}/namespace`] = pod.metadata.namespace ?? 'default';
  return files;
}
