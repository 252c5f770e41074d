import { describe, expect, it } from 'vitest';
import type { Namespace, NetworkPolicy, Node, Pod } from '@l4lab/protocol';
import {
  NetworkPolicyIndex,
  inBlock,
  type CompiledRule,
  type IsolatedPod,
  type PolicyFlow,
} from './networkPolicy.ts';

function pod(
  ns: string,
  name: string,
  ip: string,
  labels: Record<string, string>,
  extra: Partial<Pod['spec']> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name, labels },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        },
      ],
      ...extra,
    },
    status: { phase: 'Running', podIP: ip },
  } as Pod;
}

function policy(ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: ns, name },
    spec,
  };
}

const namespace = (name: string, labels: Record<string, string> = {}): Namespace =>
  ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  }) as Namespace;

const node: Node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1' },
  spec: {},
  status: { addresses: [{ type: 'InternalIP', address: '127.18.0.2' }] },
} as unknown as Node;

const WEB = '127.244.1.10';
const CLIENT = '127.244.1.20';
const OTHER_NS = '127.244.1.30';
const pods = [
  pod('default', 'web-1', WEB, { app: 'web' }),
  pod('default', 'client', CLIENT, { role: 'frontend' }),
  pod('prod', 'probe', OTHER_NS, { role: 'frontend' }),
];
const namespaces = [namespace('default'), namespace('prod', { team: 'ops' })];

const tcp = (srcIP: string, dstIP: string, port = 80): PolicyFlow => ({
  srcIP,
  dstIP,
  port,
  protocol: 'TCP',
});

function index(...ps: NetworkPolicy[]): NetworkPolicyIndex {
  return new NetworkPolicyIndex(ps, pods, namespaces, [node]);
}

describe('NetworkPolicyIndex', () => {
  it('lets everything through while no policy selects either end', () => {
    expect(index().check(tcp(CLIENT, WEB))).toEqual({ allowed: true, reason: '' });
    const other = index(policy('default', 'deny', { podSelector: { matchLabels: { app: 'db' } } }));
    expect(other.check(tcp(CLIENT, WEB))).toEqual({ allowed: true, reason: '' });
  });

  it('isolates the selected pods for ingress: a policy with no rules denies every source but the node', () => {
    const i = index(
      policy('default', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] }),
    );
    expect(i.check(tcp(CLIENT, WEB))).toEqual({
      allowed: false,
      reason:
        'ingress to web-1 denied: NetworkPolicy default-deny selects it and no ingress rule allows client (127.244.1.20) on 80/TCP',
    });
    expect(i.check(tcp(OTHER_NS, WEB)).reason).toContain('allows prod/probe (127.244.1.30)');
    expect(i.check(tcp('127.0.0.1', WEB)).reason).toContain('allows 127.0.0.1 on 80/TCP');
    expect(i.check(tcp('127.18.0.2', WEB))).toEqual({
      allowed: true,
      reason: "ingress from web-1's own node allowed",
    });
    // Egress is not isolated by an Ingress policy: the isolated pod still connects out.
    expect(i.check(tcp(WEB, OTHER_NS)).allowed).toBe(true);
  });

  it('adds up rules: pod selector in the own namespace, namespace selector, both, ip blocks', () => {
    const deny = policy('default', 'default-deny', { podSelector: {} });
    const fromFrontend = policy('default', 'allow-frontend', {
      podSelector: { matchLabels: { app: 'web' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }],
    });
    let i = index(deny, fromFrontend);
    expect(i.check(tcp(CLIENT, WEB))).toEqual({
      allowed: true,
      reason: 'ingress allowed by NetworkPolicy allow-frontend',
    });
    // A pod selector alone is the policy's own namespace.
    expect(i.check(tcp(OTHER_NS, WEB)).allowed).toBe(false);
    const fromOps = policy('default', 'allow-ops', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] }],
    });
    i = index(deny, fromOps);
    expect(i.check(tcp(OTHER_NS, WEB)).allowed).toBe(true);
    expect(i.check(tcp(CLIENT, WEB)).allowed).toBe(false);
    const both = policy('default', 'both', {
      podSelector: {},
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { team: 'ops' } },
              podSelector: { matchLabels: { role: 'backend' } },
            },
          ],
        },
      ],
    });
    expect(index(deny, both).check(tcp(OTHER_NS, WEB)).allowed).toBe(false);
    const block = policy('default', 'block', {
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: '127.0.0.0/8', except: ['127.244.1.0/24'] } }] }],
    });
    i = index(deny, block);
    expect(i.check(tcp('127.0.0.1', WEB)).allowed).toBe(true);
    expect(i.check(tcp(CLIENT, WEB)).allowed).toBe(false);
  });

  it('matches ports by number, range, name and protocol', () => {
    const ports = (p: NonNullable<NetworkPolicy['spec']['ingress']>[number]['ports']) =>
      index(policy('default', 'p', { podSelector: {}, ingress: [{ ports: p }] }));
    expect(ports([{ port: 80 }]).check(tcp(CLIENT, WEB)).allowed).toBe(true);
    expect(ports([{ port: 8080 }]).check(tcp(CLIENT, WEB)).allowed).toBe(false);
    expect(ports([{ port: 70, endPort: 90 }]).check(tcp(CLIENT, WEB)).allowed).toBe(true);
    expect(ports([{ port: 'http' }]).check(tcp(CLIENT, WEB)).allowed).toBe(true);
    expect(ports([{ port: 'http' }]).check(tcp(CLIENT, WEB, 81)).allowed).toBe(false);
    expect(ports([{ port: 80, protocol: 'UDP' }]).check(tcp(CLIENT, WEB)).allowed).toBe(false);
    expect(ports([{ protocol: 'TCP' }]).check(tcp(CLIENT, WEB, 9999)).allowed).toBe(true);
    // An empty rule allows everything from everywhere.
    expect(
      index(policy('default', 'all', { podSelector: {}, ingress: [{}] })).check(tcp(OTHER_NS, WEB))
        .allowed,
    ).toBe(true);
  });

  it('isolates for egress when the policy says Egress, so DNS needs its own rule', () => {
    const denyOut = policy('default', 'deny-egress', {
      podSelector: { matchLabels: { role: 'frontend' } },
      policyTypes: ['Egress'],
    });
    const dns = { srcIP: CLIENT, dstIP: OTHER_NS, port: 53, protocol: 'UDP' as const };
    expect(index(denyOut).check(dns)).toEqual({
      allowed: false,
      reason:
        'egress from client denied: NetworkPolicy deny-egress selects it and no egress rule allows 127.244.1.30:53/UDP (prod/probe)',
    });
    const allowDns = policy('default', 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
    });
    expect(index(denyOut, allowDns).check(dns).reason).toBe(
      'egress allowed by NetworkPolicy allow-dns',
    );
    expect(index(denyOut, allowDns).check(tcp(CLIENT, WEB)).allowed).toBe(false);
    // Egress defaults on when a policy has egress rules and no policyTypes.
    const implied = policy('default', 'implied', {
      podSelector: { matchLabels: { role: 'frontend' } },
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
    });
    expect(index(implied).check(tcp(CLIENT, WEB)).allowed).toBe(true);
    expect(index(implied).check(tcp(CLIENT, '127.0.0.1')).allowed).toBe(false);
  });

  it('lets a pod reach its own address (its own loopback), not when kube-proxy masqueraded it there', () => {
    const i = index(
      policy('default', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    );
    expect(i.check(tcp(WEB, WEB))).toEqual({ allowed: true, reason: '' });
    expect(i.check({ ...tcp(WEB, WEB), seenSrcIP: '127.18.0.2' }).allowed).toBe(false);
  });

  it('leaves host-network pods and finished pods out', () => {
    const i = new NetworkPolicyIndex(
      [policy('default', 'deny', { podSelector: {} })],
      [
        pod('default', 'hostnet', '127.18.0.2', {}, { hostNetwork: true }),
        {
          ...pod('default', 'done', '127.244.1.99', {}),
          status: { phase: 'Succeeded', podIP: '127.244.1.99' },
        } as Pod,
      ],
      namespaces,
      [node],
    );
    expect(i.check(tcp(CLIENT, '127.18.0.2')).allowed).toBe(true);
    expect(i.check(tcp(CLIENT, '127.244.1.99')).allowed).toBe(true);
  });

  it('reads IPv4 blocks with exceptions, and no IPv6 block holds an IPv4 address', () => {
    expect(inBlock('10.1.2.3', { cidr: '10.0.0.0/8' })).toBe(true);
    expect(inBlock('10.1.2.3', { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] })).toBe(false);
    expect(inBlock('11.0.0.1', { cidr: '0.0.0.0/0' })).toBe(true);
    expect(inBlock('10.1.2.3', { cidr: '2001:db8::/64' })).toBe(false);
  });
});

describe('NetworkPolicyIndex.compile', () => {
  /** The compiled rules read back as a packet filter would: the same verdict as check. */
  function filterAllows(compiled: IsolatedPod[], f: PolicyFlow): boolean {
    const byIP = new Map(compiled.map((p) => [p.ip, p]));
    const ruleAllows = (r: CompiledRule, remote: string) =>
      (r.peers === 'any' ||
        r.peers.some((p) => (p.ips ? p.ips.includes(remote) : inBlock(remote, p.block)))) &&
      (r.ports === 'any' ||
        r.ports.some(
          (p) =>
            p.protocol === f.protocol &&
            (p.port === undefined ||
              (p.endPort === undefined
                ? f.port === p.port
                : f.port >= p.port && f.port <= p.endPort)),
        ));
    const src = byIP.get(f.srcIP);
    if (src?.egress && !src.egress.rules.some((r) => ruleAllows(r, f.dstIP))) return false;
    const dst = byIP.get(f.dstIP);
    if (
      dst?.ingress &&
      f.srcIP !== dst.nodeIP &&
      !dst.ingress.rules.some((r) => ruleAllows(r, f.srcIP))
    )
      return false;
    return true;
  }

  const sets: NetworkPolicy[][] = [
    [policy('default', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
    [
      policy('default', 'web', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { role: 'frontend' } } }],
            ports: [{ port: 'http' }],
          },
        ],
      }),
      policy('default', 'out', {
        podSelector: { matchLabels: { role: 'frontend' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] },
          { ports: [{ port: 53, protocol: 'UDP' }] },
        ],
      }),
    ],
    [
      policy('default', 'blocks', {
        podSelector: {},
        ingress: [
          {
            from: [{ ipBlock: { cidr: '127.244.0.0/16', except: ['127.244.1.20/32'] } }],
            ports: [{ port: 70, endPort: 85 }],
          },
          { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] },
        ],
      }),
    ],
  ];
  const ips = [WEB, CLIENT, OTHER_NS, '127.0.0.1', '127.18.0.2'];
  const flows: PolicyFlow[] = [];
  for (const srcIP of ips)
    for (const dstIP of ips)
      for (const [port, protocol] of [
        [80, 'TCP'],
        [81, 'TCP'],
        [53, 'UDP'],
        [80, 'UDP'],
      ] as const)
        if (srcIP !== dstIP) flows.push({ srcIP, dstIP, port, protocol });

  it.each(sets.map((s, i) => [i, s] as const))('allows what check allows (set %i)', (_, ps) => {
    const i = index(...ps);
    const compiled = i.compile();
    for (const f of flows)
      expect(filterAllows(compiled, f), JSON.stringify(f)).toBe(i.check(f).allowed);
  });

  it('resolves an egress named port per destination pod', () => {
    const [, out] = sets[1]!;
    const client = index(out!)
      .compile()
      .find((p) => p.name === 'client')!;
    expect(client.egress!.rules).toEqual([
      { policy: 'out', peers: [{ ips: [WEB] }], ports: [{ protocol: 'TCP', port: 80 }] },
      { policy: 'out', peers: 'any', ports: [{ protocol: 'UDP', port: 53 }] },
    ]);
  });
});
