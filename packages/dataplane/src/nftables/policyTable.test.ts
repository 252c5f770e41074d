// The NetworkPolicy table's script: its text for each kind of rule, the same verdicts as
// NetworkPolicyIndex.check for every flow (read back by a small reader of the rules this module
// writes), and the kernel's own check (loaded in a throwaway `unshare -Urn` namespace). Test
// addresses: nodes 127.18.0.2-3, pods 127.244.<n>.0/24.
import type { Namespace, NetworkPolicy, Node, Pod } from '@l4lab/protocol';
import {
  NetworkPolicyIndex,
  type CompiledRule,
  type IsolatedPod,
  type PolicyFlow,
} from '@l4lab/cluster';
import { describe, expect, it } from 'vitest';
import { POLICY_TABLE, podChainName, policyTableScript } from './policyTable.ts';
import {
  THROWAWAY_NAMESPACE_MISSING,
  ThrowawayNamespace,
  canUseThrowawayNamespace,
  runOnlyIf,
} from './testNamespace.ts';

const WEB = '127.244.1.10';
const CLIENT = '127.244.1.20';
const PROBE = '127.244.2.30';
const NODE_1 = '127.18.0.2';
const NODE_2 = '127.18.0.3';

const web: IsolatedPod = {
  namespace: 'default',
  name: 'web-1',
  ip: WEB,
  nodeIP: NODE_1,
  ingress: {
    policies: ['default-deny', 'allow-frontend'],
    rules: [
      {
        policy: 'allow-frontend',
        peers: [{ ips: [CLIENT, PROBE] }],
        ports: [
          { protocol: 'TCP', port: 80 },
          { protocol: 'TCP', port: 8000, endPort: 8080 },
        ],
      },
      {
        policy: 'allow-frontend',
        peers: [{ block: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
        ports: 'any',
      },
    ],
  },
};
const client: IsolatedPod = {
  namespace: 'default',
  name: 'client',
  ip: CLIENT,
  nodeIP: NODE_1,
  egress: {
    policies: ['deny-egress'],
    rules: [{ policy: 'allow-dns', peers: 'any', ports: [{ protocol: 'UDP', port: 53 }] }],
  },
};

/** An isolated pod with ingress rules only (egress left open). */
function ingressOnly(rules: NonNullable<IsolatedPod['ingress']>['rules']): IsolatedPod {
  return { namespace: 'default', name: 'web-1', ip: WEB, ingress: { policies: ['p'], rules } };
}

/** The rule lines of the pod's ingress chain (the pod itself, and its drop, left out). */
function ingressRules(rules: NonNullable<IsolatedPod['ingress']>['rules']): string[] {
  const script = policyTableScript([ingressOnly(rules)]);
  const chain = script.split('\tchain ingress-default/web-1 {\n')[1]!.split('\n\t}')[0]!;
  return chain
    .split('\n')
    .map((l) => l.trim())
    .filter(
      (l) =>
        !l.startsWith('counter drop') &&
        !l.startsWith('counter goto') &&
        !l.endsWith('"the pod itself"'),
    );
}

describe('policyTableScript', () => {
  it('replaces the table whole: base chains by address, one chain per isolated pod and direction', () => {
    expect(policyTableScript([client, web])).toBe(
      `add table ip l4lab-network-policies
delete table ip l4lab-network-policies
table ip l4lab-network-policies {
\tcomment "NetworkPolicies: the pods' network's table, not kube-proxy's"
\tchain ingress {
\t\ttype filter hook postrouting priority 200; policy accept;
\t\tct state != new accept
\t\tip daddr vmap { 127.244.1.10 : jump ingress-default/web-1 }
\t}
\tchain egress {
\t\ttype filter hook output priority 0; policy accept;
\t\tct state != new accept
\t\tip saddr vmap { 127.244.1.20 : jump egress-default/client }
\t}
\tchain ingress-default/web-1 {
\t\tip saddr 127.244.1.10 accept comment "the pod itself"
\t\tip saddr 127.18.0.2 accept comment "the pod's node"
\t\tip saddr { 127.244.1.20, 127.244.2.30 } meta l4proto tcp th dport 80 counter accept
\t\tip saddr { 127.244.1.20, 127.244.2.30 } meta l4proto tcp th dport 8000-8080 counter accept
\t\tip saddr 10.0.0.0/8 ip saddr != 10.1.0.0/16 counter accept
\t\tcounter goto ingress-denied comment "NetworkPolicies default-deny, allow-frontend: no ingress rule allows"
\t}
\tchain egress-default/client {
\t\tip daddr 127.244.1.20 ct status != dnat accept comment "the pod itself"
\t\tmeta l4proto udp th dport 53 counter accept
\t\tcounter goto egress-denied comment "NetworkPolicy deny-egress: no egress rule allows"
\t}
\tchain ingress-denied {
\t\tmeta nftrace set 1
\t\tdrop
\t}
\tchain egress-denied {
\t\tmeta nftrace set 1
\t\tdrop
\t}
}
`,
    );
  });

  it('deletes the table when no pod is isolated (or none has an IPv4 address)', () => {
    const none = `add table ip ${POLICY_TABLE}\ndelete table ip ${POLICY_TABLE}\n`;
    expect(policyTableScript([])).toBe(none);
    expect(policyTableScript([{ ...web, ip: 'fd00::10' }])).toBe(none);
    // A direction with no isolated pod has no base chain (nothing on that hook at all).
    expect(policyTableScript([web])).not.toContain('chain egress');
  });

  it('names chains namespace/name, hashed and made safe where nft would refuse the name', () => {
    expect(podChainName('ingress', { namespace: 'prod', name: 'db-0.x' })).toBe(
      'ingress-prod/db-0.x',
    );
    const odd = podChainName('egress', { namespace: 'Prod', name: 'db "0"' });
    expect(odd).toMatch(/^egress-[A-Z2-7]{8}-Prod\/db__0_$/);
    // Two long names that differ only past nft's 255 bytes still get two chains.
    const long = (end: string) =>
      podChainName('ingress', { namespace: 'a'.repeat(63), name: `${'b'.repeat(250)}${end}` });
    expect(long('1')).toHaveLength(255);
    expect(long('1')).toMatch(/^ingress-[A-Z2-7]{8}-a{63}\/b+$/);
    expect(long('1')).not.toBe(long('2'));
  });

  it('reads blocks as inBlock does: host bits dropped, nested exceptions merged, IPv6 left out', () => {
    const block = (cidr: string, except: string[] = []) =>
      ingressRules([{ policy: 'p', peers: [{ block: { cidr, except } }], ports: 'any' }]);
    expect(
      block('10.1.2.3/8', ['10.2.0.0/16', '10.2.3.0/24', '10.3.4.5/32', '11.0.0.0/8']),
    ).toEqual(['ip saddr 10.0.0.0/8 ip saddr != { 10.2.0.0/16, 10.3.4.5 } counter accept']);
    // Everything: no address match, only the exceptions.
    expect(block('0.0.0.0/0', ['127.244.0.0/16'])).toEqual([
      'ip saddr != 127.244.0.0/16 counter accept',
    ]);
    expect(block('0.0.0.0/0')).toEqual(['counter accept']);
    // An exception holding the whole block leaves nothing of it; an IPv6 block holds no lab address.
    expect(block('10.1.0.0/16', ['10.0.0.0/8'])).toEqual([]);
    expect(block('2001:db8::/64')).toEqual([]);
    expect(block('10.0.0.0/8', ['2001:db8::/64'])).toEqual(['ip saddr 10.0.0.0/8 counter accept']);
  });

  it('writes one accept per peer and port: ranges, protocols, a protocol alone', () => {
    expect(
      ingressRules([
        {
          policy: 'p',
          peers: [{ ips: [CLIENT] }, { block: { cidr: '127.0.0.0/8', except: [] } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 30000, endPort: 32767 },
            { protocol: 'SCTP' },
            { protocol: 'TCP', port: 90, endPort: 90 },
            { protocol: 'TCP', port: 90, endPort: 80 }, // no port is in it
          ],
        },
        { policy: 'q', peers: 'any', ports: 'any' },
      ]),
    ).toEqual([
      'ip saddr 127.244.1.20 meta l4proto udp th dport 53 counter accept',
      'ip saddr 127.244.1.20 meta l4proto tcp th dport 30000-32767 counter accept',
      'ip saddr 127.244.1.20 meta l4proto sctp counter accept',
      'ip saddr 127.244.1.20 meta l4proto tcp th dport 90 counter accept',
      'ip saddr 127.0.0.0/8 meta l4proto udp th dport 53 counter accept',
      'ip saddr 127.0.0.0/8 meta l4proto tcp th dport 30000-32767 counter accept',
      'ip saddr 127.0.0.0/8 meta l4proto sctp counter accept',
      'ip saddr 127.0.0.0/8 meta l4proto tcp th dport 90 counter accept',
      'counter accept',
    ]);
    // Two policies with the same rule: one line.
    const same: CompiledRule = {
      policy: 'a',
      peers: 'any',
      ports: [{ protocol: 'TCP', port: 80 }],
    };
    expect(ingressRules([same, { ...same, policy: 'b' }])).toEqual([
      'meta l4proto tcp th dport 80 counter accept',
    ]);
  });

  it("keeps the drop's comment within nft's 128 bytes", () => {
    const many = Array.from({ length: 20 }, (_, i) => `policy-number-${i}`);
    const script = policyTableScript([{ ...web, ingress: { policies: many, rules: [] } }]);
    const comment = /counter goto (?:in|e)gress-denied comment "([^"]*)"/.exec(script)![1]!;
    expect(comment).toHaveLength(128);
    expect(comment).toMatch(/^NetworkPolicies policy-number-0, policy-number-1, .*\.\.\.$/);
  });
});

// --- The rules read back, packet by packet, against the reference decision ---

const rawPod = (
  ns: string,
  name: string,
  ip: string,
  node: string,
  labels: Record<string, string>,
): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace: ns, name, labels },
    spec: {
      nodeName: node,
      containers: [
        {
          name: 'c',
          image: 'nginx',
          ports: [
            { name: 'http', containerPort: 80, protocol: 'TCP' },
            { name: 'dns', containerPort: 53, protocol: 'UDP' },
          ],
        },
      ],
    },
    status: { phase: 'Running', podIP: ip },
  }) as Pod;

const policy = (ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: ns, name },
  spec,
});

const rawNodes = [NODE_1, NODE_2].map(
  (ip, i) =>
    ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-${i + 1}` },
      spec: {},
      status: { addresses: [{ type: 'InternalIP', address: ip }] },
    }) as unknown as Node,
);
const rawNamespaces = ['default', 'prod'].map(
  (name) =>
    ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    }) as Namespace,
);
const rawPods = [
  rawPod('default', 'web-1', WEB, 'node-1', { app: 'web' }),
  rawPod('default', 'client', CLIENT, 'node-1', { role: 'frontend' }),
  rawPod('prod', 'probe', PROBE, 'node-2', { role: 'frontend' }),
];

/**
 * What the kernel does with a connection's first packet, read off the script: the client pod's
 * egress chain (after kube-proxy's DNAT), then the destination pod's ingress chain (after its
 * SNAT, from `seenSrcIP`). Knows only the statements policyTable.ts writes.
 */
function tableAllows(script: string, f: PolicyFlow): boolean {
  const chains = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of script.split('\n')) {
    const head = /^\tchain (\S+) \{$/.exec(line);
    if (head) chains.set(head[1]!, (current = []));
    else if (line === '\t}') current = undefined;
    else if (current) current.push(line.trim());
  }
  /** A base chain: `ct state != new accept`, then `ip saddr|daddr vmap { ip : jump chain, ... }`. */
  const judge = (base: string, packet: Packet): boolean => {
    const rules = chains.get(base);
    if (!rules) return true; // no pod isolated in this direction: nothing on the hook
    const m = /^ip ([sd]addr) vmap \{ (.*) \}$/.exec(rules.at(-1)!)!;
    const key = m[1] === 'saddr' ? packet.saddr : packet.daddr;
    const jump = m[2]!.split(', ').find((e) => e.startsWith(`${key} : jump `));
    return !jump || verdict(jump.slice(jump.lastIndexOf(' ') + 1), packet);
  };
  const verdict = (chain: string, packet: Packet): boolean => {
    for (const rule of chains.get(chain)!) {
      const body = rule.replace(/ comment "[^"]*"$/, '');
      if (body === 'counter goto ingress-denied' || body === 'counter goto egress-denied')
        return false;
      if (ruleMatches(body.replace(/ ?(?:counter )?accept$/, ''), packet)) return true;
    }
    throw new Error(`chain ${chain} ends without a verdict`);
  };
  const { protocol, port } = f;
  return (
    judge('egress', { saddr: f.srcIP, daddr: f.dstIP, protocol, port, dnat: !!f.seenSrcIP }) &&
    judge('ingress', { saddr: f.seenSrcIP ?? f.srcIP, daddr: f.dstIP, protocol, port })
  );
}

interface Packet {
  /** kube-proxy DNATed it (read here: it was masqueraded, so it came through a Service). */
  dnat?: boolean;
  saddr: string;
  daddr: string;
  protocol: string;
  port: number;
}

const MATCH =
  /^(?:ip ([sd]addr) (!= )?(\{ [^}]* \}|\S+)|meta l4proto (\w+)|th dport (\d+)(?:-(\d+))?|(ct status != dnat))(?: |$)/;

function ruleMatches(body: string, p: Packet): boolean {
  let rest = body;
  while (rest) {
    const m = MATCH.exec(rest);
    if (!m) throw new Error(`cannot read "${rest}"`);
    rest = rest.slice(m[0].length);
    const [, field, not, addrs, proto, port, end, notDnat] = m;
    if (notDnat) {
      if (p.dnat) return false;
    } else if (addrs) {
      const items = addrs.replace(/^\{ | \}$/g, '').split(', ');
      const ip = field === 'saddr' ? p.saddr : p.daddr;
      if (items.some((a) => inPrefix(ip, a)) === Boolean(not)) return false;
    } else if (proto) {
      if (proto !== p.protocol.toLowerCase()) return false;
    } else if (p.port < Number(port) || p.port > Number(end ?? port)) return false;
  }
  return true;
}

function inPrefix(ip: string, text: string): boolean {
  const [addr, bits = '32'] = text.split('/');
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(addr!) / size);
}

describe('the table read back', () => {
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
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'prod' } } },
            ],
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
            from: [
              {
                ipBlock: { cidr: '127.244.0.0/16', except: ['127.244.1.20/32', '127.244.3.0/24'] },
              },
            ],
            ports: [{ port: 70, endPort: 85 }, { protocol: 'UDP' }],
          },
          { from: [{ ipBlock: { cidr: '2001:db8::/64' } }] },
        ],
        egress: [{ to: [{ ipBlock: { cidr: '127.18.0.0/24' } }], ports: [{ protocol: 'SCTP' }] }],
        policyTypes: ['Ingress', 'Egress'],
      }),
    ],
  ];
  const ips = [WEB, CLIENT, PROBE, '127.0.0.1', NODE_1, NODE_2, '127.244.3.7'];
  const flows: PolicyFlow[] = [];
  for (const srcIP of ips)
    for (const dstIP of ips)
      for (const [port, protocol] of [
        [80, 'TCP'],
        [81, 'TCP'],
        [86, 'TCP'],
        [53, 'UDP'],
        [80, 'UDP'],
        [9, 'SCTP'],
      ] as const) {
        flows.push({ srcIP, dstIP, port, protocol });
        // A pod reaching itself through its Service (hairpin): masqueraded to its node.
        if (srcIP === dstIP) {
          flows.push({ srcIP, seenSrcIP: NODE_1, dstIP, port, protocol });
          continue;
        }
        // Masqueraded by kube-proxy: the destination sees a node's address.
        for (const seenSrcIP of [NODE_1, NODE_2])
          flows.push({ srcIP, seenSrcIP, dstIP, port, protocol });
      }

  it.each(sets.map((s, i) => [i, s] as const))(
    'gives check’s verdict for every flow (set %i)',
    (_, ps) => {
      const index = new NetworkPolicyIndex(ps, rawPods, rawNamespaces, rawNodes);
      const script = policyTableScript(index.compile());
      let denied = 0;
      for (const f of flows) {
        const want = index.check(f).allowed;
        if (!want) denied++;
        expect(tableAllows(script, f), JSON.stringify(f)).toBe(want);
      }
      // Each set both allows and denies (a reader that said one thing always would fail).
      expect(denied).toBeGreaterThan(0);
      expect(denied).toBeLessThan(flows.length);
    },
  );

  it('the kernel takes every script above and lists it back', async (ctx) => {
    runOnlyIf(ctx, canUseThrowawayNamespace(), THROWAWAY_NAMESPACE_MISSING);
    const ns = await ThrowawayNamespace.open();
    try {
      for (const ps of sets) {
        const index = new NetworkPolicyIndex(ps, rawPods, rawNamespaces, rawNodes);
        await ns.load(policyTableScript(index.compile()));
      }
      const odd: IsolatedPod = {
        namespace: 'a'.repeat(63),
        name: `${'b'.repeat(250)} "x"`,
        ip: '127.244.2.99',
        egress: { policies: Array.from({ length: 20 }, (_, i) => `policy-number-${i}`), rules: [] },
      };
      await ns.load(policyTableScript([web, client, odd]));
      // Loaded twice: the script replaces what is there.
      await ns.load(policyTableScript([web, client, odd]));
      const listed = await ns.nft(['list', 'table', 'ip', POLICY_TABLE]);
      expect(listed.stderr).toBe('');
      expect(listed.stdout).toContain('type filter hook postrouting priority 200; policy accept;');
      expect(listed.stdout).toContain(
        'ip saddr { 127.244.1.20, 127.244.2.30 } tcp dport 8000-8080 counter packets 0 bytes 0 accept',
      );
      expect(listed.stdout).toContain(
        'ip saddr 10.0.0.0/8 ip saddr != 10.1.0.0/16 counter packets 0 bytes 0 accept',
      );
      expect(listed.stdout.match(/^\tchain /gm)).toHaveLength(7);
      await ns.load(policyTableScript([]));
      const gone = await ns.nft(['list', 'table', 'ip', POLICY_TABLE]);
      expect(gone.stderr).toMatch(/No such file or directory/);
    } finally {
      ns.close();
    }
  });
});
