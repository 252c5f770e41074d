// The pods' network's own nftables table: NetworkPolicies enforced in the kernel, as a network
// plugin (CNI) does beside kube-proxy, never inside kube-proxy's table. Each isolated pod gets a
// chain per direction with one accept per (peer x port) of the rules that apply to it, and a
// final drop; the base chains send a new connection there by the pod's address.
//
// Everything in the lab lives on `lo` in one network namespace, so a pod's connection leaves
// through `output` and `postrouting` before it comes back in:
//  - egress is judged in `output` at priority 0, after kube-proxy's DNAT (-100): the destination
//    is the endpoint kube-proxy chose, not the Service's address (as the pods' network sees it);
//  - ingress is judged in `postrouting` at priority 200, after kube-proxy's SNAT (100): a
//    masqueraded NodePort connection comes from the node's address, as a real pod sees it.
// Both come before conntrack confirms the connection (postrouting's last step): a dropped first
// packet never becomes a conntrack entry, and the traced chains it ends in (`meta nftrace set 1`)
// are how the events learn of it, from the kernel's own verdict.
// Only a connection's first packet is judged; its replies and later packets always pass.
import {
  intToIp,
  ipToInt,
  parsePrefix,
  prefixHas,
  type Ipv4Prefix,
  type CompiledPeer,
  type CompiledPort,
  type CompiledRule,
  type IsolatedPod,
} from '@l4lab/cluster';
import { NETWORK_POLICY_TABLE } from '@l4lab/protocol';
import { hash8 } from './chainNames.ts';

/** The table's name (NETWORK_POLICY_TABLE without its family). */
export const POLICY_TABLE = NETWORK_POLICY_TABLE.slice('ip '.length);
/**
 * Where a drop ends, per direction: traced chains (`meta nftrace set 1`), so `nft monitor trace`
 * tells the events of it (the packet never becomes a conntrack entry).
 */
export const EGRESS_DENIED = 'egress-denied';
export const INGRESS_DENIED = 'ingress-denied';

/** nft refuses a chain name over 255 bytes and a comment over 128. */
const CHAIN_NAME_MAX = 255;
const COMMENT_MAX = 128;

type Direction = 'ingress' | 'egress';

/**
 * The script that replaces the table in one `nft -f` transaction (all of it in force, or none):
 * with no isolated pod, the table is deleted (no pod isolated, nothing to judge).
 */
export function policyTableScript(pods: readonly IsolatedPod[]): string {
  const lines = [`add table ip ${POLICY_TABLE}`, `delete table ip ${POLICY_TABLE}`];
  const isolated = pods
    .filter((p) => isIPv4(p.ip))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
  const ingress = isolated.filter((p) => p.ingress);
  const egress = isolated.filter((p) => p.egress);
  if (ingress.length + egress.length === 0) return `${lines.join('\n')}\n`;
  lines.push(`table ip ${POLICY_TABLE} {`);
  lines.push(`\tcomment "NetworkPolicies: the pods' network's table, not kube-proxy's"`);
  const chains: string[][] = [];
  for (const [direction, selected, hook, key] of [
    ['ingress', ingress, 'postrouting priority 200', 'ip daddr'],
    ['egress', egress, 'output priority 0', 'ip saddr'],
  ] as const) {
    if (selected.length === 0) continue;
    const elements = selected.map((p) => `${p.ip} : jump ${podChainName(direction, p)}`);
    chains.push(
      block(`chain ${direction}`, [
        `type filter hook ${hook}; policy accept;`,
        'ct state != new accept',
        `${key} vmap { ${elements.join(', ')} }`,
      ]),
    );
  }
  for (const p of ingress) chains.push(podChain('ingress', p));
  for (const p of egress) chains.push(podChain('egress', p));
  if (ingress.length) chains.push(block(`chain ${INGRESS_DENIED}`, ['meta nftrace set 1', 'drop']));
  if (egress.length) chains.push(block(`chain ${EGRESS_DENIED}`, ['meta nftrace set 1', 'drop']));
  for (const c of chains) lines.push(...c);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** One isolated pod's chain for one direction: what its rules allow, then the drop. */
function podChain(direction: Direction, pod: IsolatedPod): string[] {
  const isolation = pod[direction]!;
  const remote = direction === 'ingress' ? 'ip saddr' : 'ip daddr';
  const rules: string[] = [];
  // The pod itself: a pod reaching its own address stays on its own loopback, no network plugin
  // sees it (not when kube-proxy sent it there: hairpin through a Service is judged).
  rules.push(
    direction === 'ingress'
      ? `ip saddr ${pod.ip} accept comment "the pod itself"`
      : `ip daddr ${pod.ip} ct status != dnat accept comment "the pod itself"`,
  );
  // From the pod's own node: always allowed in (NetworkPolicy's rule, for the kubelet's probes).
  if (direction === 'ingress' && pod.nodeIP && isIPv4(pod.nodeIP))
    rules.push(`ip saddr ${pod.nodeIP} accept comment "the pod's node"`);
  for (const rule of isolation.rules) rules.push(...ruleLines(rule, remote));
  const names = isolation.policies;
  const policies =
    names.length === 1 ? `NetworkPolicy ${names[0]}` : `NetworkPolicies ${names.join(', ')}`;
  const drop = `goto ${direction === 'egress' ? EGRESS_DENIED : INGRESS_DENIED}`;
  rules.push(`counter ${drop} comment "${comment(`${policies}: no ${direction} rule allows`)}"`);
  return block(`chain ${podChainName(direction, pod)}`, [...new Set(rules)]);
}

/**
 * One counted accept per (peer x port), so the room sees which rule let a connection in; a rule
 * left with no peer or no port allows nothing.
 */
function ruleLines(rule: CompiledRule, remote: string): string[] {
  const peers = rule.peers === 'any' ? [''] : rule.peers.flatMap((p) => peerMatch(p, remote));
  const ports = rule.ports === 'any' ? [''] : rule.ports.flatMap(portMatch);
  const out: string[] = [];
  for (const peer of peers)
    for (const port of ports) out.push([peer, port, 'counter accept'].filter(Boolean).join(' '));
  return out;
}

/** `ip saddr { a, b }`, or a block less its exceptions; [] when it can hold no lab address. */
function peerMatch(peer: CompiledPeer, remote: string): string[] {
  if (peer.ips) {
    const ips = [...new Set(peer.ips.filter(isIPv4))];
    return ips.length === 0 ? [] : [`${remote} ${anySet(ips)}`];
  }
  // Read as the decision (inBlock) reads it: nft takes `10.1.2.3/8` as 10.0.0.0/8 too.
  const cidr = parsePrefix(peer.block.cidr);
  // An IPv6 block (or one that is no block): no lab address is in it.
  if (!cidr) return [];
  const excepts = peer.block.except.flatMap((e) => {
    const p = parsePrefix(e);
    return p ? [p] : [];
  });
  // An exception holding the whole block leaves nothing; one apart from it changes nothing.
  if (excepts.some((e) => covers(e, cidr))) return [];
  const except = withoutNested(excepts.filter((e) => covers(cidr, e)));
  const parts = cidr.bits === 0 ? [] : [`${remote} ${prefixText(cidr)}`];
  if (except.length) parts.push(`${remote} != ${anySet(except.map(prefixText))}`);
  return [parts.join(' ')];
}

/** `meta l4proto tcp`, with `th dport 80` or `th dport 80-90`; [] for a port no flow has. */
function portMatch(p: CompiledPort): string[] {
  const proto = `meta l4proto ${p.protocol.toLowerCase()}`;
  if (p.port === undefined) return [proto];
  if (!Number.isInteger(p.port) || p.port < 0 || p.port > 65535) return [];
  if (p.endPort === undefined || p.endPort === p.port) return [`${proto} th dport ${p.port}`];
  if (!Number.isInteger(p.endPort) || p.endPort < p.port) return [];
  return [`${proto} th dport ${p.port}-${Math.min(p.endPort, 65535)}`];
}

/**
 * `ingress-default/web-1`: the direction and the pod's `namespace/name` (a `/` can be in neither,
 * so no two pods share one). A name nft would not take, or too long for it, is written as
 * kube-proxy writes its own: a hash of the whole name, then what of it fits, made safe.
 */
export function podChainName(
  direction: Direction,
  pod: { namespace: string; name: string },
): string {
  const path = `${pod.namespace}/${pod.name}`;
  const plain = `${direction}-${path}`;
  if (DNS_NAME.test(pod.namespace) && DNS_NAME.test(pod.name) && plain.length <= CHAIN_NAME_MAX)
    return plain;
  // The hash is upper case: never a plain name (Kubernetes names are lower case).
  const hashed = `${direction}-${hash8(path)}-${path.replace(/[^a-zA-Z0-9/._-]/g, '_')}`;
  return hashed.slice(0, CHAIN_NAME_MAX);
}

const DNS_NAME = /^[a-z0-9][a-z0-9.-]*$/;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function block(header: string, body: readonly string[]): string[] {
  return [`\t${header} {`, ...body.map((l) => `\t\t${l}`), '\t}'];
}

function anySet(items: readonly string[]): string {
  return items.length === 1 ? items[0]! : `{ ${items.join(', ')} }`;
}

/** Printable ASCII without quotes or backslashes, cut to nft's limit. */
function comment(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return safe.length <= COMMENT_MAX ? safe : `${safe.slice(0, COMMENT_MAX - 3)}...`;
}

/** An address as a pod, node or Service has one here: IPv4, in its plain spelling. */
function isIPv4(ip: string): boolean {
  try {
    return intToIp(ipToInt(ip)) === ip;
  } catch {
    return false;
  }
}

/** Whether `outer` holds all of `inner`. */
function covers(outer: Ipv4Prefix, inner: Ipv4Prefix): boolean {
  return outer.bits <= inner.bits && prefixHas(outer, inner.base);
}

/** Prefixes either nest or are apart: keeping the outermost of each nest leaves no overlap. */
function withoutNested(ps: readonly Ipv4Prefix[]): Ipv4Prefix[] {
  const sorted = [...ps].sort((a, b) => a.bits - b.bits || a.base - b.base);
  const out: Ipv4Prefix[] = [];
  for (const p of sorted) if (!out.some((o) => covers(o, p))) out.push(p);
  return out.sort((a, b) => a.base - b.base || a.bits - b.bits);
}

function prefixText(p: Ipv4Prefix): string {
  return p.bits === 32 ? intToIp(p.base) : `${intToIp(p.base)}/${p.bits}`;
}
