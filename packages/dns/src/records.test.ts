// Record building, pure: a ClusterDnsIndex fed with hand-made objects (no sockets).
// Addresses: services 127.96.0.0/16, pods 127.244.1.0/24 (the default plan's ranges; nothing binds).
import { describe, expect, it } from 'vitest';
import dnsPacket from 'dns-packet';
import type { EndpointSlice, Namespace, Pod, Service } from '@l4lab/protocol';
import { ClusterDnsIndex } from './clusterIndex.ts';
import { respond } from './message.ts';
import { answerQuestion } from './records.ts';

function ns(name: string): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

function svc(namespace: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

function slice(namespace: string, service: string, eps: [string, boolean][]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name: `${service}-abcde`,
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: 'IPv4',
    endpoints: eps.map(([ip, ready]) => ({
      addresses: [ip],
      conditions: { ready, serving: ready, terminating: false },
    })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

function pod(namespace: string, name: string, ip: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase: 'Running', podIP: ip },
  };
}

function zone() {
  const index = new ClusterDnsIndex();
  const add = (object: Namespace | Service | EndpointSlice | Pod) =>
    index.apply({ type: 'ADDED', object });
  add(ns('default'));
  add(ns('web'));
  add(
    svc('default', 'my-nginx', {
      type: 'ClusterIP',
      clusterIP: '127.96.0.12',
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 81, protocol: 'TCP', targetPort: 81 },
      ],
    }),
  );
  add(
    svc('web', 'db', {
      type: 'ClusterIP',
      clusterIP: 'None',
      ports: [{ name: 'http', port: 8080 }],
    }),
  );
  add(
    slice('web', 'db', [
      ['127.244.1.5', true],
      ['127.244.1.6', true],
      ['127.244.1.7', false],
    ]),
  );
  add(svc('web', 'empty', { type: 'ClusterIP', clusterIP: 'None' }));
  add(
    svc('default', 'alias', {
      type: 'ExternalName',
      externalName: 'my-nginx.default.svc.cluster.local',
    }),
  );
  add(svc('default', 'outside', { type: 'ExternalName', externalName: 'example.com' }));
  add(pod('web', 'client', '127.244.1.9'));
  return index;
}

const q = (name: string, type = 'A', opts = {}) => answerQuestion({ name, type }, zone(), opts);
const datas = (a: ReturnType<typeof q>) => a.answers.map((r) => ('data' in r ? r.data : undefined));

describe('answerQuestion', () => {
  it('answers a ClusterIP Service with its ClusterIP, TTL 5, authoritatively', () => {
    const a = q('my-nginx.default.svc.cluster.local.');
    expect(a.rcode).toBe('NOERROR');
    expect(a.authoritative).toBe(true);
    expect(a.answers).toEqual([
      {
        type: 'A',
        name: 'my-nginx.default.svc.cluster.local',
        ttl: 5,
        class: 'IN',
        data: '127.96.0.12',
      },
    ]);
  });

  it('answers NODATA (NOERROR, SOA, no answer) for AAAA of an existing name', () => {
    const a = q('my-nginx.default.svc.cluster.local', 'AAAA');
    expect(a.rcode).toBe('NOERROR');
    expect(a.answers).toEqual([]);
    expect(a.authorities[0]).toMatchObject({ type: 'SOA', name: 'cluster.local', ttl: 5 });
  });

  it('answers NXDOMAIN with the SOA for an unknown Service or namespace', () => {
    for (const name of ['nope.default.svc.cluster.local', 'my-nginx.nope.svc.cluster.local']) {
      const a = q(name);
      expect(a.rcode).toBe('NXDOMAIN');
      expect(a.authorities[0]).toMatchObject({
        type: 'SOA',
        data: { mname: 'ns.dns.cluster.local', rname: 'hostmaster.cluster.local', minimum: 5 },
      });
    }
  });

  it('answers a headless Service with one A per ready endpoint, NXDOMAIN when none', () => {
    expect(datas(q('db.web.svc.cluster.local')).sort()).toEqual(['127.244.1.5', '127.244.1.6']);
    expect(q('empty.web.svc.cluster.local').rcode).toBe('NXDOMAIN');
    expect(datas(q('127-244-1-5.db.web.svc.cluster.local'))).toEqual(['127.244.1.5']);
    expect(q('127-244-1-7.db.web.svc.cluster.local').rcode).toBe('NXDOMAIN');
  });

  it("names a headless endpoint by its hostname (a pod's hostname + subdomain), then no longer by its IP", () => {
    const index = zone();
    const named = slice('web', 'db', [
      ['127.244.1.5', true],
      ['127.244.1.6', true],
    ]);
    named.endpoints[0]!.hostname = 'busybox-1';
    index.apply({ type: 'MODIFIED', object: named });
    const a = answerQuestion({ name: 'busybox-1.db.web.svc.cluster.local', type: 'A' }, index);
    expect(datas(a)).toEqual(['127.244.1.5']);
    expect(q('127-244-1-5.db.web.svc.cluster.local').rcode).toBe('NOERROR');
    const byIP = answerQuestion({ name: '127-244-1-5.db.web.svc.cluster.local', type: 'A' }, index);
    expect(byIP.rcode).toBe('NXDOMAIN');
    const srv = answerQuestion({ name: '_http._tcp.db.web.svc.cluster.local', type: 'SRV' }, index);
    expect(
      datas(srv)
        .map((d) => (d as { target: string }).target)
        .sort(),
    ).toEqual(['127-244-1-6.db.web.svc.cluster.local', 'busybox-1.db.web.svc.cluster.local']);
  });

  it('reads a slice written by hand: no conditions is ready, only IPv4 slices give A records', () => {
    const index = zone();
    const hand = slice('web', 'empty', [['127.244.1.20', true]]);
    delete hand.endpoints[0]!.conditions;
    index.apply({ type: 'ADDED', object: hand });
    const v6: EndpointSlice = { ...slice('web', 'empty', []), addressType: 'IPv6' };
    v6.metadata = { ...v6.metadata, name: 'empty-v6' };
    v6.endpoints = [{ addresses: ['fd00::1'] }];
    index.apply({ type: 'ADDED', object: v6 });
    const a = answerQuestion({ name: 'empty.web.svc.cluster.local', type: 'A' }, index);
    expect(datas(a)).toEqual(['127.244.1.20']);
  });

  it('honours publishNotReadyAddresses', () => {
    const index = zone();
    const s = index.service('web', 'db')!;
    index.apply({
      type: 'MODIFIED',
      object: { ...s, spec: { ...s.spec, publishNotReadyAddresses: true } },
    });
    const a = answerQuestion({ name: 'db.web.svc.cluster.local', type: 'A' }, index);
    expect(a.answers).toHaveLength(3);
  });

  it('answers an ExternalName with a CNAME, followed inside the cluster zone', () => {
    const a = q('alias.default.svc.cluster.local');
    expect(a.answers.map((r) => r.type)).toEqual(['CNAME', 'A']);
    expect(datas(a)).toEqual(['my-nginx.default.svc.cluster.local', '127.96.0.12']);
    const out = q('outside.default.svc.cluster.local');
    expect(out.rcode).toBe('NOERROR');
    expect(datas(out)).toEqual(['example.com']);
    expect(datas(q('alias.default.svc.cluster.local', 'CNAME'))).toEqual([
      'my-nginx.default.svc.cluster.local',
    ]);
  });

  it('answers SRV for named ports, with the targets A records as additionals', () => {
    const a = q('_http._tcp.my-nginx.default.svc.cluster.local', 'SRV');
    expect(a.answers).toMatchObject([
      { type: 'SRV', data: { port: 80, target: 'my-nginx.default.svc.cluster.local' } },
    ]);
    expect(a.additionals).toMatchObject([{ type: 'A', data: '127.96.0.12' }]);
    expect(q('_http._udp.my-nginx.default.svc.cluster.local', 'SRV').rcode).toBe('NXDOMAIN');
    const h = q('_http._tcp.db.web.svc.cluster.local', 'SRV');
    expect(h.answers.map((r) => ('data' in r ? r.data : null))).toEqual([
      { priority: 0, weight: 50, port: 8080, target: '127-244-1-5.db.web.svc.cluster.local' },
      { priority: 0, weight: 50, port: 8080, target: '127-244-1-6.db.web.svc.cluster.local' },
    ]);
  });

  it('answers pod records (insecure by default like kubeadm, verified on request)', () => {
    expect(datas(q('127-244-1-9.web.pod.cluster.local'))).toEqual(['127.244.1.9']);
    expect(datas(q('127-244-1-8.web.pod.cluster.local'))).toEqual(['127.244.1.8']);
    expect(q('127-244-1-8.web.pod.cluster.local', 'A', { pods: 'verified' }).rcode).toBe(
      'NXDOMAIN',
    );
    expect(q('127-244-1-9.web.pod.cluster.local', 'A', { pods: 'verified' }).rcode).toBe('NOERROR');
    expect(q('1-2-3.web.pod.cluster.local').rcode).toBe('NXDOMAIN');
  });

  it('refuses names outside the cluster zone (no forwarding)', () => {
    const a = q('example.com');
    expect(a.rcode).toBe('REFUSED');
    expect(a.authoritative).toBe(false);
  });

  it('answers PTR for ClusterIPs and headless endpoints', () => {
    expect(datas(q('12.0.96.127.in-addr.arpa', 'PTR'))).toEqual([
      'my-nginx.default.svc.cluster.local',
    ]);
    expect(datas(q('6.1.244.127.in-addr.arpa', 'PTR'))).toEqual([
      '127-244-1-6.db.web.svc.cluster.local',
    ]);
    expect(q('1.1.1.1.in-addr.arpa', 'PTR').rcode).toBe('NXDOMAIN');
  });
});

describe('respond', () => {
  const encode = (name: string, type: 'A' | 'SRV', id = 4242) =>
    dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name }],
    });

  it('echoes the id and the question, with RD and AA set', () => {
    const r = respond(encode('my-nginx.default.svc.cluster.local', 'A'), zone(), {
      transport: 'udp',
    })!;
    const p = dnsPacket.decode(r.response);
    expect(p.id).toBe(4242);
    expect(p.flag_aa && p.flag_rd && !p.flag_tc).toBe(true);
    expect(p.questions?.[0]?.name).toBe('my-nginx.default.svc.cluster.local');
    expect(r.log).toEqual({
      name: 'my-nginx.default.svc.cluster.local',
      type: 'A',
      rcode: 'NOERROR',
      answers: 1,
    });
  });

  it('truncates an answer longer than 512 bytes over UDP, not over TCP', () => {
    const index = zone();
    const many = slice(
      'web',
      'db',
      Array.from({ length: 60 }, (_, i) => [`127.244.2.${i + 1}`, true] as [string, boolean]),
    );
    index.apply({ type: 'MODIFIED', object: many });
    const query = encode('db.web.svc.cluster.local', 'A');
    const udp = dnsPacket.decode(respond(query, index, { transport: 'udp' })!.response);
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toHaveLength(0);
    const tcp = dnsPacket.decode(respond(query, index, { transport: 'tcp' })!.response);
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.answers).toHaveLength(60);
  });

  it('answers FORMERR to a message it cannot decode and drops responses', () => {
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff]);
    const p = dnsPacket.decode(respond(garbage, zone(), { transport: 'udp' })!.response);
    expect(p.id).toBe(0x1234);
    expect((p.flags ?? 0) & 0xf).toBe(1);
    const resp = dnsPacket.encode({ type: 'response', id: 1, questions: [] });
    expect(respond(resp, zone(), { transport: 'udp' })).toBeUndefined();
  });
});
