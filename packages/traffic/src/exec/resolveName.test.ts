import { describe, expect, it } from 'vitest';
import { candidateNames, podResolvConf, resolveName } from './resolveName.ts';
import type { DnsTransport } from './types.ts';

const conf = podResolvConf('default', '127.96.0.10');

/** A nameserver with fixed answers (A and CNAME), NXDOMAIN otherwise. */
function fakeDns(records: Record<string, string[]>): DnsTransport & { asked: string[] } {
  const asked: string[] = [];
  return {
    server: '127.96.0.10',
    asked,
    async query(name) {
      asked.push(name);
      const r = records[name];
      if (!r)
        return {
          rcode: name.endsWith('cluster.local') ? 'NXDOMAIN' : 'REFUSED',
          answers: [],
          transport: 'udp',
          attempts: [],
        };
      return {
        rcode: 'NOERROR',
        transport: 'udp',
        attempts: [],
        answers: r.map((x) => {
          const [type, data] = x.split(' ') as [string, string];
          return { name, type, ttl: 5, data };
        }),
      };
    },
  };
}

describe('candidateNames (search path, ndots 5)', () => {
  it('searches first for names with fewer than 5 dots', () => {
    expect(candidateNames('my-nginx', conf)).toEqual([
      'my-nginx.default.svc.cluster.local',
      'my-nginx.svc.cluster.local',
      'my-nginx.cluster.local',
      'my-nginx',
    ]);
    expect(candidateNames('a.b.c.d.e.f', conf)[0]).toBe('a.b.c.d.e.f');
    expect(candidateNames('x.default.svc.cluster.local.', conf)).toEqual([
      'x.default.svc.cluster.local',
    ]);
  });
});

describe('resolveName', () => {
  const hosts = '127.0.0.1\tlocalhost\n127.244.1.9\tclient-abc\n';

  it('uses /etc/hosts before DNS', async () => {
    const dns = fakeDns({});
    const r = await resolveName('client-abc', { conf, dns, hosts, from: '127.244.1.9' });
    expect(r.addresses).toEqual(['127.244.1.9']);
    expect(dns.asked).toEqual([]);
  });

  it('walks the search path and records each query', async () => {
    const dns = fakeDns({ 'web.svc.cluster.local': ['A 127.96.0.12'] });
    const r = await resolveName('web', { conf, dns, hosts, from: '127.244.1.9' });
    expect(r.addresses).toEqual(['127.96.0.12']);
    expect(r.fqdn).toBe('web.svc.cluster.local');
    expect(r.trace.map((e) => (e.kind === 'dns' ? `${e.name} ${e.rcode}` : ''))).toEqual([
      'web.default.svc.cluster.local NXDOMAIN',
      'web.svc.cluster.local NOERROR',
    ]);
  });

  it('returns the CNAME chain of an ExternalName', async () => {
    const dns = fakeDns({
      'alias.default.svc.cluster.local': ['CNAME web.ns.svc.cluster.local', 'A 127.96.0.13'],
    });
    const r = await resolveName('alias', { conf, dns, hosts, from: 'x' });
    expect(r.cnames).toEqual([['alias.default.svc.cluster.local', 'web.ns.svc.cluster.local']]);
    expect(r.addresses).toEqual(['127.96.0.13']);
  });

  it('follows a CNAME out of the zone and reports what the nameserver said', async () => {
    const dns = fakeDns({ 'out.default.svc.cluster.local': ['CNAME example.com'] });
    const r = await resolveName('out', { conf, dns, hosts, from: 'x' });
    expect(r.addresses).toEqual([]);
    expect(r.error).toBe('REFUSED');
    expect(dns.asked.at(-1)).toBe('example.com');
  });

  it('says NXDOMAIN for a name nowhere', async () => {
    const r = await resolveName('nope', { conf, dns: fakeDns({}), hosts, from: 'x' });
    expect(r).toMatchObject({ addresses: [], error: 'NXDOMAIN' });
  });
});
