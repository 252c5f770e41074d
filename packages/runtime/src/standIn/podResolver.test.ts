// A stand-in container's name lookups: its /etc/resolv.conf read as a stub resolver reads it, and
// busybox nslookup through it, against a fake DNS (no sockets). Addresses: kube-dns 127.96.0.10
// (the default plan), a pod 127.244.1.9; 192.0.2.1 (documentation range) is never contacted.
import { describe, expect, it } from 'vitest';
import { FakeClock, PortMapper } from '@l4lab/cluster';
import { PodFiles } from './podFiles.ts';
import {
  type DnsAnswer,
  type DnsQuery,
  candidateNames,
  parseResolvConf,
  podDnsQuery,
} from './podResolver.ts';
import { Shell } from './shellRun.ts';

const CLUSTER_FIRST =
  'search dev.svc.cluster.local svc.cluster.local cluster.local\nnameserver 127.96.0.10\noptions ndots:5\n';

describe('parseResolvConf and candidateNames', () => {
  it('reads nameservers, the search path and ndots; tries the search path first below ndots', () => {
    const conf = parseResolvConf(CLUSTER_FIRST);
    expect(conf).toEqual({
      servers: ['127.96.0.10'],
      searches: ['dev.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      ndots: 5,
    });
    expect(candidateNames('mydb', conf)[0]).toBe('mydb.dev.svc.cluster.local');
    expect(candidateNames('mydb.dev.svc.cluster.local', conf).at(-1)).toBe(
      'mydb.dev.svc.cluster.local',
    );
    expect(candidateNames('a.b.c.d.e.f', conf)[0]).toBe('a.b.c.d.e.f');
    expect(candidateNames('kubernetes.default.', conf)).toEqual(['kubernetes.default']);
  });

  it('defaults ndots to 1 and ignores the root search domain', () => {
    expect(parseResolvConf('search .\nnameserver 127.0.0.1\n')).toEqual({
      servers: ['127.0.0.1'],
      searches: [],
      ndots: 1,
    });
  });
});

/** A shell over a container's files, with a fake DNS that knows `known` and logs every query. */
function shellWith(resolvConf: string, known: Record<string, string>, oldNslookup = false) {
  const asked: string[] = [];
  const dns: DnsQuery = async (server, name, type = 'A'): Promise<DnsAnswer> => {
    asked.push(`${server} ${type === 'PTR' ? 'PTR ' : ''}${name}`);
    const answer = type === 'PTR' ? known[`PTR ${name}`] : known[name];
    return answer ? { addresses: [answer] } : { addresses: [], error: 'NXDOMAIN' };
  };
  const files = new PodFiles({
    name: 'myapp-pod',
    ip: '127.244.1.9',
    files: { '/etc/resolv.conf': resolvConf },
  });
  let out = '';
  const sh = new Shell({
    clock: new FakeClock(),
    files,
    env: {},
    hostname: 'myapp-pod',
    dns,
    oldNslookup,
    log: (t) => void (out += t),
  });
  return { sh, asked, out: () => out };
}

describe('nslookup in a stand-in container', () => {
  it('resolves through the search path of its resolv.conf, as busybox prints it', async () => {
    const t = shellWith(CLUSTER_FIRST, { 'myservice.dev.svc.cluster.local': '127.96.4.4' });
    expect(await t.sh.run(['nslookup', 'myservice'])).toBe(0);
    expect(t.out()).toBe(
      'Server:\t\t127.96.0.10\nAddress:\t127.96.0.10:53\n\nName:\tmyservice.dev.svc.cluster.local\nAddress: 127.96.4.4\n\n',
    );
    expect(t.asked).toEqual(['127.96.0.10 myservice.dev.svc.cluster.local']);
  });

  it('fails (exit 1) until the name exists: the init container loop of the docs', async () => {
    const t = shellWith(CLUSTER_FIRST, {});
    const script = 'nslookup mydb.dev.svc.cluster.local || echo waiting for mydb';
    expect(await t.sh.run(['sh', '-c', script])).toBe(0);
    expect(t.out()).toContain("** server can't find mydb.dev.svc.cluster.local: NXDOMAIN\n");
    expect(t.out()).toMatch(/waiting for mydb\n$/);
    expect(t.asked).toHaveLength(4); // three search domains, then the name as it is
  });

  it("prints busybox 1.28's format in an old busybox image: the resolver's answer, reverse names", async () => {
    const known = {
      'web-0.nginx.dev.svc.cluster.local': '127.244.1.6',
      'PTR 127.244.1.6': 'web-0.nginx.dev.svc.cluster.local',
      'PTR 127.96.0.10': 'kube-dns.kube-system.svc.cluster.local',
    };
    const t = shellWith(CLUSTER_FIRST, known, true);
    expect(await t.sh.run(['nslookup', 'web-0.nginx'])).toBe(0);
    expect(t.out()).toBe(
      'Server:    127.96.0.10\nAddress 1: 127.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n' +
        'Name:      web-0.nginx\nAddress 1: 127.244.1.6 web-0.nginx.dev.svc.cluster.local\n',
    );
    const nx = shellWith(CLUSTER_FIRST, {}, true);
    expect(await nx.sh.run(['nslookup', 'mydb'])).toBe(1);
    expect(nx.out()).toBe(
      "Server:    127.96.0.10\nAddress 1: 127.96.0.10\n\nnslookup: can't resolve 'mydb'\n",
    );
  });

  it('asks the server given on its command line, and only for the name given', async () => {
    const t = shellWith(CLUSTER_FIRST, { 'kubernetes.default': '127.96.0.1' });
    expect(await t.sh.run(['nslookup', 'kubernetes.default', '127.96.0.53'])).toBe(0);
    expect(t.asked).toEqual(['127.96.0.53 kubernetes.default']);
  });
});

describe('podDnsQuery', () => {
  it('never sends a query off this machine (a dnsConfig nameserver like 192.0.2.1)', async () => {
    const query = podDnsQuery({ ip: '127.244.1.9' }, new PortMapper('native'));
    expect(await query('192.0.2.1', 'example.com')).toEqual({ addresses: [], error: 'TIMEOUT' });
  });
});
