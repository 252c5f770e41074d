import { isIPv4 } from '../../target.ts';
import { candidateNames } from '../resolveName.ts';
import type { Command, DnsTransport } from '../types.ts';

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
