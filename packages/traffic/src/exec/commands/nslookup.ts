import { type OldNslookupResolver, oldNslookup } from '@l4lab/protocol';
import { isIPv4 } from '../../target.ts';
import { candidateNames } from '../resolveName.ts';
import type { Command, CommandIO, DnsTransport, PodContext } from '../types.ts';

const USAGE = `BusyBox v1.36.1 (l4lab built-in) multi-call binary.

Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]

Query DNS about HOST

QUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any
`;

const TYPES = ['A', 'AAAA', 'CNAME', 'PTR', 'SRV', 'SOA', 'NS', 'TXT', 'MX', 'ANY'];

/** busybox nslookup: real queries to the pod's nameserver, through its search path. */
export const nslookup: Command = async (args, pod, io) => {
  let type = 'A';
  const rest: string[] = [];
  for (const a of args) {
    const m = /^-(?:type|query|q|t)=(\w+)$/i.exec(a);
    if (m && TYPES.includes(m[1]!.toUpperCase())) type = m[1]!.toUpperCase();
    else if (a === '-debug' || a === '-d') continue;
    else if (a.startsWith('-')) {
      io.err(USAGE);
      return 1;
    } else rest.push(a);
  }
  const [host, server] = rest;
  if (!host || rest.length > 2) {
    io.err(USAGE);
    return 1;
  }
  let dns: DnsTransport = pod.dns;
  if (server && server !== pod.dns.server) {
    if (!isIPv4(server) || !pod.dnsAt) {
      io.err(`nslookup: bad address '${server}'\n`);
      return 1;
    }
    dns = pod.dnsAt(server);
  }
  if (pod.oldNslookup) return oldNslookup(host, dns.server, oldResolver(dns, pod, io), io);
  let name = host;
  if (isIPv4(host)) {
    name = `${host.split('.').reverse().join('.')}.in-addr.arpa.`;
    type = 'PTR';
  }
  io.out(`Server:\t\t${dns.server}\nAddress:\t${dns.server}:53\n\n`);
  let last = 'NXDOMAIN';
  const from = pod.net.localAddress ?? pod.ip;
  for (const candidate of candidateNames(name, pod)) {
    let reply;
    try {
      reply = await dns.query(candidate, type, io.signal);
    } catch {
      io.err(';; connection timed out; no servers could be reached\n\n');
      return 1;
    }
    io.trace({
      kind: 'dns',
      name: candidate,
      type,
      server: `${dns.server}:53`,
      from,
      transport: reply.transport,
      rcode: reply.rcode,
      answers: reply.answers.map((a) => `${a.type} ${a.data}`),
      ...(reply.attempts.length ? { attempts: reply.attempts } : {}),
    });
    if (reply.rcode !== 'NOERROR' || reply.answers.length === 0) {
      if (reply.rcode !== 'NXDOMAIN' && reply.rcode !== 'NOERROR') last = reply.rcode;
      continue;
    }
    for (const a of reply.answers) {
      if (a.type === 'CNAME') io.out(`${a.name}\tcanonical name = ${a.data}\n`);
      else if (a.type === 'A' || a.type === 'AAAA')
        io.out(`Name:\t${a.name}\nAddress: ${a.data}\n`);
      else if (a.type === 'SRV') io.out(`${a.name}\tservice = ${a.data}\n`);
      else if (a.type === 'PTR') io.out(`${a.name}\tname = ${a.data}\n`);
      else io.out(`${a.name}\t${a.type.toLowerCase()} = ${a.data}\n`);
    }
    io.out('\n');
    return 0;
  }
  io.out(`** server can't find ${host}: ${last}\n\n`);
  return 1;
};

/** One query to the pod's nameserver, traced like every other (undefined when none answered). */
async function ask(dns: DnsTransport, pod: PodContext, io: CommandIO, name: string, type: string) {
  try {
    const reply = await dns.query(name, type, io.signal);
    io.trace({
      kind: 'dns',
      name,
      type,
      server: `${dns.server}:53`,
      from: pod.net.localAddress ?? pod.ip,
      transport: reply.transport,
      rcode: reply.rcode,
      answers: reply.answers.map((a) => `${a.type} ${a.data}`),
      ...(reply.attempts.length ? { attempts: reply.attempts } : {}),
    });
    return reply;
  } catch {
    return undefined;
  }
}

/** busybox before 1.29's resolver: getaddrinfo over the search path, and reverse lookups. */
function oldResolver(dns: DnsTransport, pod: PodContext, io: CommandIO): OldNslookupResolver {
  return {
    async addresses(name) {
      for (const candidate of candidateNames(name, pod)) {
        const reply = await ask(dns, pod, io, candidate, 'A');
        if (!reply) return []; // no server answered: getaddrinfo gives up
        const found = reply.answers.filter((a) => a.type === 'A').map((a) => String(a.data));
        if (reply.rcode === 'NOERROR' && found.length > 0) return found;
      }
      return [];
    },
    async nameOf(ip) {
      const ptr = `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
      const reply = await ask(dns, pod, io, ptr, 'PTR');
      const found =
        reply?.rcode === 'NOERROR' ? reply.answers.find((a) => a.type === 'PTR') : undefined;
      return found ? String(found.data).replace(/\.$/, '') : undefined;
    },
  };
}
