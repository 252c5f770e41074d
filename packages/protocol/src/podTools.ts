// What a pod's shells (kubectl exec's, and a stand-in container's) say of the network tools l4lab
// does not run, with what does the same here: a class types `ping my-nginx` first; and a
// command's output in the order it wrote it.
import type { ExecResponse } from './api.ts';

const PING =
  "l4lab's pods send TCP and UDP, not ICMP: nc -zv HOST PORT tries a port (a Service's ClusterIP answers on the Service's ports only, and on a cluster in iptables mode never answers ping)";
const DNS = 'nslookup HOST asks the cluster DNS';
const ADDRESS = "hostname -i prints the pod's IP";

const HINTS: Record<string, string> = {
  ping: PING,
  traceroute: PING,
  tracepath: PING,
  dig: DNS,
  host: DNS,
  ip: ADDRESS,
  ifconfig: ADDRESS,
};

/** Why l4lab does not run this network tool and what to use instead; undefined for any other. */
export function missingToolHint(name: string): string | undefined {
  return Object.hasOwn(HINTS, name) ? HINTS[name] : undefined;
}

/**
 * A command's output in the order it wrote it, by its `segments` (curl -v's lines before and after
 * its page): [1, text] for stdout, [2, text] for stderr. Without segments, or with ones that do not
 * add up to its texts (a text changed since), its stdout, then its stderr.
 */
export function execOutputInOrder(
  r: Pick<ExecResponse, 'stdout' | 'stderr' | 'segments'>,
): [1 | 2, string][] {
  const sum = (fd: 1 | 2) =>
    (r.segments ?? []).reduce((n, [f, len]) => (f === fd ? n + len : n), 0);
  const whole = r.segments && sum(1) === r.stdout.length && sum(2) === r.stderr.length;
  const runs: [1 | 2, number][] = whole
    ? r.segments!
    : [
        [1, r.stdout.length],
        [2, r.stderr.length],
      ];
  const at = { 1: 0, 2: 0 };
  const out: [1 | 2, string][] = [];
  for (const [fd, n] of runs) {
    const text = (fd === 1 ? r.stdout : r.stderr).slice(at[fd], at[fd] + n);
    at[fd] += n;
    if (text) out.push([fd, text]);
  }
  return out;
}

/** What busybox's old nslookup asks of the pod's resolver (each pod shell has its own). */
export interface OldNslookupResolver {
  /** The name's addresses as getaddrinfo gives them (the search path walked); [] when none. */
  addresses(name: string): Promise<string[]>;
  /** The name a reverse lookup finds for the address, if any. */
  nameOf(ip: string): Promise<string | undefined>;
}

/**
 * busybox before 1.29's nslookup (networking/nslookup.c then), as both pod shells run it: the
 * server, then the name as typed with the resolver's addresses, each block a `printf("%-10s %s")`
 * header and `Address N: ip name` lines (the name from a reverse lookup, none when none was
 * found). A name that does not resolve: `nslookup: can't resolve 'x'` on stderr, exit 1.
 */
export async function oldNslookup(
  host: string,
  server: string,
  resolver: OldNslookupResolver,
  io: { out(text: string): void; err(text: string): void },
): Promise<number> {
  const block = (header: string, name: string, addresses: { ip: string; name?: string }[]) =>
    `${header.padEnd(10)} ${name}\n${addresses
      .map((a, i) => `Address ${i + 1}: ${a.ip}${a.name ? ` ${a.name}` : ''}\n`)
      .join('')}`;
  const named = async (ips: string[]) => {
    const out: { ip: string; name?: string }[] = [];
    for (const ip of ips) {
      const name = await resolver.nameOf(ip);
      out.push(name ? { ip, name } : { ip });
    }
    return out;
  };
  io.out(`${block('Server:', server, await named([server]))}\n`);
  const ips = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? [host] : await resolver.addresses(host);
  if (ips.length === 0) {
    io.err(`nslookup: can't resolve '${host}'\n`);
    return 1;
  }
  io.out(block('Name:', host, await named(ips)));
  return 0;
}
