// The kube-proxy table for each kind of Service. Test addresses: nodes 127.18.0.2-4 (node-1..3),
// pods 127.244.<n>.0/24 on node-n, Services 127.96.0.0/16, LoadBalancer IPs 127.200.0.0/24.
import { describe, expect, it } from 'vitest';
import { desiredFrontends } from '../frontends.ts';
import { parseProxyMode } from '../proxyMode.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../types.ts';
import { servicePortChains } from './chainNames.ts';
import type { Ruleset } from './model.ts';
import { buildRuleset } from './ruleset.ts';
import { makeService } from '../conntrack/testRules.ts';

function node(i: number, ready = true): NodeInfo {
  return {
    name: `node-${i}`,
    ip: `127.18.0.${i + 1}`,
    podCIDR: { base: ((127 << 24) | (244 << 16) | (i << 8)) >>> 0, size: 256 },
    ready,
    zone: `zone-${'abc'[i - 1]}`,
  };
}
const nodes = [node(1), node(2), node(3)];

function svc(over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return makeService('web', { clusterIP: '127.96.0.20', ...over });
}

function ep(ip: string, nodeName: string, over: Partial<EndpointInfo> = {}): EndpointInfo {
  return {
    ip,
    port: 8080,
    ready: true,
    serving: true,
    terminating: false,
    nodeName,
    pod: `web-${ip.split('.')[2]}-${ip.split('.')[3]}`,
    namespace: 'default',
    ...over,
  };
}

const twoEndpoints = () => [ep('127.244.1.5', 'node-1'), ep('127.244.2.5', 'node-2')];

function build(services: ServicePortInfo[], endpoints: EndpointInfo[][], over = {}): Ruleset {
  const serviceMap = new Map(services.map((s) => [s.name, s]));
  const endpointsMap = new Map(services.map((s, i) => [s.name, endpoints[i] ?? []]));
  const frontends = desiredFrontends(serviceMap.values(), nodes).values();
  return buildRuleset({ routing: { serviceMap, endpointsMap, nodes }, frontends, ...over });
}

const rules = (rs: Ruleset, chain: string) => rs.chains.get(chain)?.rules;
const elements = (rs: Ruleset, set: string) => rs.sets.get(set)!.elements;
const names = servicePortChains(svc());

describe('buildRuleset: chain names', () => {
  it('names chains as kube-proxy does: HASH-namespace/name/protocol/portName', () => {
    expect(names.service).toMatch(/^service-[A-Z2-7]{8}-default\/web\/tcp\/http$/);
    expect(names.endpoint(ep('127.244.1.5', 'node-1'))).toMatch(
      /^endpoint-[A-Z2-7]{8}-default\/web\/tcp\/http__127\.244\.1\.5\/8080$/,
    );
    expect(names.localOn('node-2')).toMatch(/^local-[A-Z2-7]{8}-default\/web\/tcp\/http__node-2$/);
  });
});

describe('buildRuleset: ClusterIP', () => {
  it('sends the ClusterIP to the service chain, which picks an endpoint uniformly', () => {
    const eps = twoEndpoints();
    const rs = build([svc()], [eps]);
    expect(elements(rs, 'service-ips')).toEqual([`127.96.0.20 . tcp . 80 : goto ${names.service}`]);
    const [a, b] = eps.map((e) => names.endpoint(e));
    expect(rules(rs, names.service)).toEqual([
      `counter numgen random mod 2 vmap { 0 : goto ${a}, 1 : goto ${b} }`,
    ]);
    expect(rules(rs, a!)).toEqual([
      'ip saddr 127.244.1.5 counter jump mark-for-masquerade',
      'counter meta l4proto tcp dnat to 127.244.1.5:8080',
    ]);
    expect(rs.chains.get(a!)!.service).toBe('default/web:http');
    expect(elements(rs, 'no-endpoint-services')).toEqual([]);
  });

  it('rejects, in the filter chains, a Service port without endpoints', () => {
    const rs = build([svc({ protocol: 'UDP', name: 'default/web:dns' })], [[]]);
    expect(elements(rs, 'no-endpoint-services')).toEqual([
      '127.96.0.20 . udp . 80 comment "default/web:dns" : goto reject-no-endpoints',
    ]);
    expect(elements(rs, 'service-ips')).toEqual([]);
    expect([...rs.chains.keys()].some((c) => c.includes('default/web'))).toBe(false);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const gone = { ready: false, serving: true, terminating: true };
    const eps = [
      ep('127.244.1.5', 'node-1', gone),
      ep('127.244.2.5', 'node-2', { ...gone, serving: false }),
    ];
    const rs = build([svc()], [eps]);
    expect(rules(rs, names.service)).toEqual([
      `counter numgen random mod 1 vmap { 0 : goto ${names.endpoint(eps[0]!)} }`,
    ]);
    expect(rs.chains.has(names.endpoint(eps[1]!))).toBe(false);
  });

  it('internalTrafficPolicy Local: the client pod CIDR picks its node’s endpoints, others drop', () => {
    const eps = twoEndpoints();
    const rs = build([svc({ internalTrafficPolicy: 'Local' })], [eps]);
    expect(elements(rs, 'service-ips')).toEqual([`127.96.0.20 . tcp . 80 : goto ${names.local}`]);
    expect(rules(rs, names.local)).toEqual([
      `ip saddr 127.244.1.0/24 counter goto ${names.localOn('node-1')}`,
      `ip saddr 127.244.2.0/24 counter goto ${names.localOn('node-2')}`,
      'ip saddr 127.244.3.0/24 counter goto drop-no-endpoints',
      'counter goto drop-no-endpoints',
    ]);
    expect(rules(rs, names.localOn('node-2'))).toEqual([
      `counter numgen random mod 1 vmap { 0 : goto ${names.endpoint(eps[1]!)} }`,
    ]);
    expect(rs.chains.has(names.service)).toBe(false);
  });

  it('topology hints: each client node’s service chain holds the endpoints hinted for its zone', () => {
    const hinted = (ip: string, n: string, zone: string) => ep(ip, n, { zoneHints: [zone] });
    // zone-a's pod is also lent to zone-c, which has none (topology-mode Auto's shares).
    const eps = [
      hinted('127.244.1.5', 'node-1', 'zone-a'),
      hinted('127.244.1.6', 'node-1', 'zone-c'),
      hinted('127.244.2.5', 'node-2', 'zone-b'),
    ];
    const rs = build([svc({ topology: 'topology-mode Auto' })], [eps]);
    expect(elements(rs, 'service-ips')).toEqual([
      `127.96.0.20 . tcp . 80 : goto ${names.topology}`,
    ]);
    expect(rules(rs, names.topology)).toEqual([
      `ip saddr 127.244.1.0/24 counter goto ${names.serviceOn('node-1')}`,
      `ip saddr 127.244.2.0/24 counter goto ${names.serviceOn('node-2')}`,
      `ip saddr 127.244.3.0/24 counter goto ${names.serviceOn('node-3')}`,
      // a client that is no pod: every endpoint, as without hints
      `counter goto ${names.service}`,
    ]);
    const [a1, c1, b2] = eps.map((e) => names.endpoint(e));
    expect(rules(rs, names.serviceOn('node-1'))).toEqual([
      `counter numgen random mod 1 vmap { 0 : goto ${a1} }`,
    ]);
    expect(rules(rs, names.serviceOn('node-3'))).toEqual([
      `counter numgen random mod 1 vmap { 0 : goto ${c1} }`,
    ]);
    expect(rules(rs, names.service)).toEqual([
      `counter numgen random mod 3 vmap { 0 : goto ${a1}, 1 : goto ${c1}, 2 : goto ${b2} }`,
    ]);
    // A NodePort entering node-2 uses node-2's endpoints too.
    const np = build([svc({ type: 'NodePort', nodePort: 30080, topology: 'x' })], [eps]);
    const on2 = names.externalOn('node-2');
    expect(rules(np, on2)).toContain(`counter goto ${names.serviceOn('node-2')}`);
  });

  it('hints that do not cover every ready endpoint are ignored: one service chain', () => {
    const eps = [
      ep('127.244.1.5', 'node-1', { zoneHints: ['zone-a'] }),
      ep('127.244.2.5', 'node-2'),
    ];
    const rs = build([svc()], [eps]);
    expect(elements(rs, 'service-ips')).toEqual([`127.96.0.20 . tcp . 80 : goto ${names.service}`]);
    expect(rs.chains.has(names.topology)).toBe(false);
  });

  it('sessionAffinity ClientIP: affinity sets per endpoint, checked first, refreshed on use', () => {
    const eps = twoEndpoints();
    const rs = build([svc({ affinityTimeoutSeconds: 600 })], [eps]);
    const [a, b] = eps.map((e) => names.endpoint(e));
    const [sa, sb] = eps.map((e) => names.affinity(e));
    expect(rules(rs, names.service)).toEqual([
      `ip saddr @${sa} counter goto ${a}`,
      `ip saddr @${sb} counter goto ${b}`,
      `counter numgen random mod 2 vmap { 0 : goto ${a}, 1 : goto ${b} }`,
    ]);
    expect(rules(rs, a!)).toContain(`update @${sa} { ip saddr }`);
    expect(rs.sets.get(sa!)).toMatchObject({
      kind: 'set',
      decl: ['type ipv4_addr', 'flags dynamic,timeout', 'timeout 600s'],
      dynamic: true,
    });
  });
});

describe('buildRuleset: NodePort, externalIPs, LoadBalancer', () => {
  const np = svc({ type: 'NodePort', nodePort: 30080 });

  it('externalTrafficPolicy Cluster: every node address, SNAT to that node, all endpoints', () => {
    const rs = build([np], [twoEndpoints()]);
    expect(elements(rs, 'service-nodeports')).toEqual(
      nodes.map((n) => `${n.ip} . tcp . 30080 : goto ${names.externalOn(n.name)}`),
    );
    expect(rules(rs, names.externalOn('node-2'))).toEqual([
      'counter meta mark set meta mark | 0x00024000',
      `counter goto ${names.service}`,
    ]);
    expect(elements(rs, 'nodeport-ips')).toEqual(nodes.map((n) => n.ip));
    expect(elements(rs, 'node-snat-ips')).toContain('0x00020000 : 127.18.0.3');
  });

  it('externalTrafficPolicy Local: local endpoints, client IP kept; dropped on a node without', () => {
    const eps = twoEndpoints();
    const rs = build([{ ...np, externalTrafficPolicy: 'Local' }], [eps]);
    expect(rules(rs, names.externalOn('node-1'))).toEqual([
      `counter goto ${names.localOn('node-1')}`,
    ]);
    expect(elements(rs, 'no-endpoint-nodeports')).toEqual([
      '127.18.0.4 . tcp . 30080 comment "default/web:http" : goto drop-no-endpoints',
    ]);
    expect(elements(rs, 'service-nodeports')).toHaveLength(2);
  });

  it('an externalIP enters its owner node', () => {
    const rs = build([svc({ externalIPs: ['127.201.0.7'] })], [twoEndpoints()]);
    const el = elements(rs, 'service-ips').find((e) => e.startsWith('127.201.0.7 '));
    expect(el).toMatch(
      /^127\.201\.0\.7 \. tcp \. 80 : goto external-[A-Z2-7]{8}-default\/web\/tcp\/http__node-\d$/,
    );
  });

  it('a LoadBalancer IP goes to a random Ready node, then as a NodePort there', () => {
    const lb = svc({ type: 'LoadBalancer', nodePort: 30080, loadBalancerIPs: ['127.200.0.3'] });
    const rs = buildRulesetWith([node(1), node(2, false), node(3)], lb, twoEndpoints());
    expect(elements(rs, 'service-ips')).toContain(
      `127.200.0.3 . tcp . 80 : goto ${names.external}`,
    );
    expect(rules(rs, names.external)).toEqual([
      `counter numgen random mod 2 vmap { 0 : goto ${names.externalOn('node-1')}, 1 : goto ${names.externalOn('node-3')} }`,
    ]);
  });

  it('LoadBalancer with externalTrafficPolicy Local: only nodes that pass the health check', () => {
    const lb = svc({
      type: 'LoadBalancer',
      nodePort: 30080,
      loadBalancerIPs: ['127.200.0.3'],
      externalTrafficPolicy: 'Local',
    });
    const rs = build([lb], [twoEndpoints()]);
    expect(rules(rs, names.external)).toEqual([
      `counter numgen random mod 2 vmap { 0 : goto ${names.externalOn('node-1')}, 1 : goto ${names.externalOn('node-2')} }`,
    ]);
    const none = build(
      [lb],
      [[ep('127.244.1.5', 'node-1', { ready: false, serving: true, terminating: true })]],
    );
    expect(elements(none, 'no-endpoint-services')).toContain(
      '127.200.0.3 . tcp . 80 comment "default/web:http" : goto drop-no-endpoints',
    );
  });

  it('loadBalancerSourceRanges: other clients are dropped before anything else', () => {
    const lb = svc({
      type: 'LoadBalancer',
      nodePort: 30080,
      loadBalancerIPs: ['127.200.0.3'],
      loadBalancerSourceRanges: [{ base: 0x7f000000, mask: 0xff000000, text: '127.0.0.0/8' }],
    });
    const rs = build([lb], [[]]);
    expect(elements(rs, 'firewall-ips')).toEqual([
      `127.200.0.3 . tcp . 80 comment "default/web:http" : goto ${names.firewall}`,
    ]);
    expect(rules(rs, names.firewall)).toEqual([
      'ip saddr != { 127.0.0.0/8 } counter goto drop-source-ranges',
    ]);
    expect(elements(rs, 'no-endpoint-services')).toContain(
      '127.200.0.3 . tcp . 80 comment "default/web:http" : goto reject-no-endpoints',
    );
  });
});

describe('buildRuleset: what nftables cannot do', () => {
  it('reports proxy modes it cannot express (annotation or cluster default) and serves them randomly', () => {
    const a = svc({ proxyMode: 'ipvs:lc' });
    const b = svc({ name: 'default/api:', service: 'api', proxyMode: 'nftables' });
    const c = svc({ name: 'default/db:', service: 'db' });
    const rs = build([a, b, c], [twoEndpoints(), twoEndpoints(), twoEndpoints()], {
      defaultMode: parseProxyMode('maglev'),
    });
    expect(rs.unsupportedModes).toEqual(
      new Map([
        ['default/db:', 'maglev'],
        ['default/web:http', 'ipvs:lc'],
      ]),
    );
    expect(rules(rs, names.service)![0]).toMatch(/^counter numgen random mod 2 vmap/);
  });

  it('skips SCTP ports, as the frontends do', () => {
    const rs = build([svc({ protocol: 'SCTP' })], [twoEndpoints()]);
    expect(elements(rs, 'service-ips')).toEqual([]);
  });
});

function buildRulesetWith(someNodes: NodeInfo[], s: ServicePortInfo, eps: EndpointInfo[]): Ruleset {
  const serviceMap = new Map([[s.name, s]]);
  const endpointsMap = new Map([[s.name, eps]]);
  const frontends = desiredFrontends(serviceMap.values(), someNodes).values();
  return buildRuleset({ routing: { serviceMap, endpointsMap, nodes: someNodes }, frontends });
}
