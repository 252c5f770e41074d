import type { ExecTraceEntry } from '@l4lab/protocol';
import { isIPv4 } from '../target.ts';
import type { DnsTransport } from './types.ts';

/** /etc/resolv.conf of a pod, as the kubelet writes it (dnsPolicy ClusterFirst). */
export interface ResolvConf {
  nameserver: string;
  searches: string[];
  ndots: number;
}

export function podResolvConf(namespace: string, nameserver: string, domain = 'cluster.local') {
  return {
    nameserver,
    searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain],
    ndots: 5,
  } satisfies ResolvConf;
}

export function resolvConfText(c: ResolvConf): string {
  return `search ${c.searches.join(' ')}\nnameserver ${c.nameserver}\noptions ndots:${c.ndots}\n`;
}

/** The names a stub resolver tries, in order (glibc/musl: as-is first only with >= ndots dots). */
export function candidateNames(name: string, c: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const searched = c.searches.map((s) => `${name}.${s}`);
  const dots = name.split('.').length - 1;
  return dots >= c.ndots ? [name, ...searched] : [...searched, name];
}

export interface Resolution {
  /** The name that answered (after the search path), its CNAME chain and addresses. */
  fqdn?: string;
  cnames: [string, string][];
  addresses: string[];
  /** Why nothing was found: NXDOMAIN, SERVFAIL, REFUSED, or a transport error. */
  error?: string;
  trace: ExecTraceEntry[];
}

/** /etc/hosts of a pod (kubelet-managed): localhost and the pod's own name. */
export function hostsFile(ip: string, hostname: string): string {
  return [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `${ip}\t${hostname}`,
    '',
  ].join('\n');
}

/**
 * Resolves a host name like a process in the pod: an address as is, /etc/hosts, then real DNS
 * queries (type A) to the cluster's nameserver through each search domain, like musl's resolver.
 */
export async function resolveName(
  name: string,
  ctx: { conf: ResolvConf; dns: DnsTransport; hosts: string; from: string },
  signal?: AbortSignal,
): Promise<Resolution> {
  const host = name.toLowerCase();
  if (isIPv4(host)) return { cnames: [], addresses: [host], trace: [], fqdn: host };
  for (const line of ctx.hosts.split('\n')) {
    const [addr, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (addr && isIPv4(addr) && names.includes(host)) {
      return {
        fqdn: host,
        cnames: [],
        addresses: [addr],
        trace: [{ kind: 'hosts', name: host, address: addr }],
      };
    }
  }
  const trace: ExecTraceEntry[] = [];
  let error: string | undefined;
  for (const candidate of candidateNames(host, ctx.conf)) {
    let reply;
    try {
      reply = await ctx.dns.query(candidate, 'A', signal);
    } catch (err) {
      const attempts = (err as { attempts?: string[] }).attempts ?? [String(err)];
      return { cnames: [], addresses: [], error: attempts.join('; '), trace };
    }
    trace.push({
      kind: 'dns',
      name: candidate,
      type: 'A',
      server: `${ctx.dns.server}:53`,
      from: ctx.from,
      transport: reply.transport,
      rcode: reply.rcode,
      answers: reply.answers.map((a) => `${a.type} ${a.data}`),
      ...(reply.attempts.length ? { attempts: reply.attempts } : {}),
    });
    const cnames = reply.answers
      .filter((a) => a.type === 'CNAME')
      .map((a): [string, string] => [a.name, a.data]);
    const addresses = reply.answers.filter((a) => a.type === 'A').map((a) => a.data);
    if (reply.rcode === 'NOERROR' && addresses.length > 0)
      return { fqdn: candidate, cnames, addresses, trace };
    if (reply.rcode === 'NOERROR' && cnames.length > 0) {
      // A CNAME out of the cluster zone: its target is asked for next (and refused: no internet).
      const target = await resolveName(`${cnames[cnames.length - 1]![1]}.`, ctx, signal);
      return {
        ...target,
        fqdn: candidate,
        cnames: [...cnames, ...target.cnames],
        trace: [...trace, ...target.trace],
      };
    }
    // The first failure is the one told (NXDOMAIN for the pod's own namespace, usually).
    error ??= reply.rcode === 'NOERROR' ? 'NODATA' : reply.rcode;
  }
  return { cnames: [], addresses: [], error: error ?? 'NXDOMAIN', trace };
}
