// Name lookups from inside a stand-in container, as its resolver makes them: the nameserver,
// search path and ndots of the container's /etc/resolv.conf (what the kubelet wrote from the
// pod's dnsPolicy and dnsConfig), real DNS queries from the pod's own address to that server.
// Only loopback servers are asked: l4lab never sends a pod's query off this machine.
import { Resolver } from 'node:dns/promises';
import type { PortMapper } from '@l4lab/cluster';
import { oldNslookup } from '@l4lab/protocol';
import type { CommandIO, ShellHost } from './shellBuiltins.ts';

/** One A query's outcome: addresses, or why there are none. */
export interface DnsAnswer {
  addresses: string[];
  error?: 'NXDOMAIN' | 'NODATA' | 'SERVFAIL' | 'TIMEOUT';
}

/**
 * Asks `server` (an address as the pod sees it) for `name`'s A records, or with `PTR` for the
 * names of the address `name` (a reverse lookup).
 */
export type DnsQuery = (server: string, name: string, type?: 'A' | 'PTR') => Promise<DnsAnswer>;

export interface ResolvConf {
  servers: string[];
  searches: string[];
  ndots: number;
}

/** /etc/resolv.conf's nameserver, search and `options ndots:N` lines (resolv.conf(5)). */
export function parseResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { servers: [], searches: [], ndots: 1 };
  for (const line of text.split('\n')) {
    const [key, ...values] = line
      .replace(/[#;].*/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && values[0]) conf.servers.push(values[0]);
    else if (key === 'search') conf.searches = values.filter((v) => v && v !== '.');
    else if (key === 'options') {
      for (const v of values) {
        const m = /^ndots:(\d+)$/.exec(v);
        if (m) conf.ndots = Math.min(Number(m[1]), 15);
      }
    }
  }
  return conf;
}

/** The names a stub resolver tries, in order: as is first only with at least ndots dots. */
export function candidateNames(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const searched = conf.searches.map((s) => `${name}.${s}`);
  const dots = name.split('.').length - 1;
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}

const isLoopback = (ip: string) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip);

const ERRORS: Record<string, DnsAnswer['error']> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NODATA',
  ESERVFAIL: 'SERVFAIL',
};

/**
 * Real queries from the pod: from its own address in native mode, to wherever the nameserver's
 * address really listens (kube-dns's ClusterIP through kube-proxy). A server off loopback (a
 * dnsConfig nameserver like 192.0.2.1) is never asked: the query times out, as an unreachable
 * server's would.
 */
export function podDnsQuery(pod: { ip: string }, mapper: PortMapper): DnsQuery {
  return async (server, name, type = 'A') => {
    const at =
      mapper.mode === 'native' ? { ip: server, port: 53 } : mapper.resolve(server, 53, 'UDP');
    if (!isLoopback(server) || !isLoopback(at.ip)) return { addresses: [], error: 'TIMEOUT' };
    const resolver = new Resolver({ timeout: 1000, tries: 2 });
    if (mapper.mode === 'native') resolver.setLocalAddress(pod.ip);
    resolver.setServers([`${at.ip}:${at.port}`]);
    try {
      return {
        addresses: await (type === 'PTR' ? resolver.reverse(name) : resolver.resolve4(name)),
      };
    } catch (err) {
      return { addresses: [], error: ERRORS[(err as { code?: string }).code ?? ''] ?? 'TIMEOUT' };
    }
  };
}

/**
 * busybox `nslookup HOST [SERVER]`: the container's resolver path, one A query per candidate
 * name, busybox's output. Without a way to query (a runtime used on its own), it succeeds at
 * once, as every network tool of a stand-in script does.
 */
export async function nslookup(args: string[], io: CommandIO, sh: ShellHost): Promise<number> {
  const [host, server] = args.filter((a) => !a.startsWith('-'));
  if (!host) {
    io.err('Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n');
    return 1;
  }
  if (!sh.dns) return 0;
  const conf = parseResolvConf(sh.files.read('/etc/resolv.conf') ?? '');
  const ns = server ?? conf.servers[0] ?? '127.0.0.1';
  const dns = sh.dns;
  if (sh.oldNslookup) {
    // busybox before 1.29: through the resolver, with a reverse lookup of each address.
    return oldNslookup(
      host,
      ns,
      {
        async addresses(name) {
          for (const candidate of server ? [name] : candidateNames(name, conf)) {
            const answer = await dns(ns, candidate);
            if (answer.addresses.length > 0 || answer.error === 'TIMEOUT') return answer.addresses;
          }
          return [];
        },
        nameOf: async (ip) => (await dns(ns, ip, 'PTR')).addresses[0],
      },
      io,
    );
  }
  io.out(`Server:\t\t${ns}\nAddress:\t${ns}:53\n\n`);
  let last: DnsAnswer['error'] = 'NXDOMAIN';
  for (const name of server ? [host] : candidateNames(host, conf)) {
    const answer = await sh.dns(ns, name);
    if (answer.addresses.length > 0) {
      for (const a of answer.addresses) io.out(`Name:\t${name}\nAddress: ${a}\n`);
      io.out('\n');
      return 0;
    }
    if (answer.error === 'TIMEOUT') {
      io.err(';; connection timed out; no servers could be reached\n\n');
      return 1;
    }
    if (answer.error !== 'NXDOMAIN') last = answer.error;
  }
  io.out(`** server can't find ${host}: ${last}\n\n`);
  return 1;
}
