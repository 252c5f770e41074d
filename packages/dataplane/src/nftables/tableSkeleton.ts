// The shared part of the kube-proxy table: base chains on the netfilter hooks, the dispatch maps
// every Service port adds elements to, the no-endpoints and firewall checks, and masquerading.
// Shaped like kube-proxy's nftables mode (pkg/proxy/nftables setupNFTables); where the lab
// differs (several virtual nodes in one network namespace, everything on `lo`) a comment says why.
import { intToIp } from '@l4lab/cluster';
import type { NodeInfo } from '../types.ts';
import { DROP_NO_ENDPOINTS, DROP_SOURCE_RANGES, REJECT_NO_ENDPOINTS } from './chainNames.ts';
import type { RulesetBuilder } from './model.ts';

export const SERVICE_IPS = 'service-ips';
export const SERVICE_NODEPORTS = 'service-nodeports';
export const NODEPORT_IPS = 'nodeport-ips';
export const NO_ENDPOINT_SERVICES = 'no-endpoint-services';
export const NO_ENDPOINT_NODEPORTS = 'no-endpoint-nodeports';
export const FIREWALL_IPS = 'firewall-ips';
/** Lab only: the SNAT address of each node, by the node's bits in the packet mark. */
export const NODE_SNAT_IPS = 'node-snat-ips';
/** Lab only: the node of a pod address (for hairpin SNAT). */
export const POD_CIDR_NODE_IPS = 'pod-cidr-node-ips';
export const MARK_FOR_MASQUERADE = 'mark-for-masquerade';
export const MASQUERADING = 'masquerading';

/** kube-proxy's --masquerade-bit 14. */
export const MASQUERADE_MARK = 0x4000;
/**
 * Lab only: the node a connection entered, in mark bits 16-23 (node-1 = 1). kube-proxy's
 * `masquerade` takes the outgoing interface's address; here every packet leaves on `lo`, whose
 * 127.0.0.1/8 is host-scoped (masquerade finds no address and drops the packet), and all nodes
 * share the namespace, so SNAT names the node's own IP instead.
 */
export const NODE_MARK_SHIFT = 16;
export const NODE_MARK_MASK = 0xff0000;

export function hex(mark: number): string {
  return `0x${mark.toString(16).padStart(8, '0')}`;
}

/** The mark that says "SNAT to this node" (node index 1..255 in `nodes`). */
export function nodeMark(nodes: readonly NodeInfo[], node: string): number | undefined {
  const i = nodes.findIndex((n) => n.name === node);
  return i < 0 || i >= 255 ? undefined : MASQUERADE_MARK | ((i + 1) << NODE_MARK_SHIFT);
}

export function podCIDRText(n: NodeInfo): string | undefined {
  const { base, size } = n.podCIDR;
  if (!size || (size & (size - 1)) !== 0) return undefined;
  return `${intToIp(base)}/${32 - Math.log2(size)}`;
}

// nft 1.0.6 accepts the names `dstnat` / `srcnat` only on some hooks: the numbers are the same.
const DSTNAT = -100;
const SRCNAT = 100;
/** Filter chains run before DNAT, on the Service's own address (kube-proxy: dstnat - 10). */
const FILTER = DSTNAT - 10;

const PORT_MAP = 'ipv4_addr . inet_proto . inet_service : verdict';

export function writeSkeleton(b: RulesetBuilder, nodes: readonly NodeInfo[]): void {
  writeSets(b, nodes);
  const base = (name: string, type: string, hook: string, priority: number) =>
    b.chain(name, undefined, `type ${type} hook ${hook} priority ${priority}; policy accept;`);
  base('filter-prerouting', 'filter', 'prerouting', FILTER).rules.push(
    'ct state new jump firewall-check',
  );
  for (const hook of ['input', 'forward']) {
    base(`filter-${hook}`, 'filter', hook, FILTER).rules.push(
      'ct state new jump nodeport-endpoints-check',
      'ct state new jump service-endpoints-check',
    );
  }
  // The lab's clients all live in this namespace: their packets meet the rules in `output`.
  // loadBalancerSourceRanges first, as the userspace proxier checks them first.
  base('filter-output', 'filter', 'output', FILTER).rules.push(
    'ct state new jump firewall-check',
    'ct state new jump nodeport-endpoints-check',
    'ct state new jump service-endpoints-check',
  );
  b.chain('firewall-check').rules.push(`ip daddr . meta l4proto . th dport vmap @${FIREWALL_IPS}`);
  b.chain('service-endpoints-check').rules.push(
    `ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_SERVICES}`,
  );
  b.chain('nodeport-endpoints-check').rules.push(
    `ip daddr @${NODEPORT_IPS} ip daddr . meta l4proto . th dport vmap @${NO_ENDPOINT_NODEPORTS}`,
  );
  // Every refused or dropped packet passes one of these; `nft monitor trace` reports it.
  b.chain(REJECT_NO_ENDPOINTS).rules.push('meta nftrace set 1', 'counter reject');
  b.chain(DROP_NO_ENDPOINTS).rules.push('meta nftrace set 1', 'counter drop');
  b.chain(DROP_SOURCE_RANGES).rules.push('meta nftrace set 1', 'counter drop');

  base('nat-prerouting', 'nat', 'prerouting', DSTNAT).rules.push('jump services');
  base('nat-output', 'nat', 'output', DSTNAT).rules.push('jump services');
  base('nat-postrouting', 'nat', 'postrouting', SRCNAT).rules.push(`jump ${MASQUERADING}`);
  b.chain('services').rules.push(
    `ip daddr . meta l4proto . th dport vmap @${SERVICE_IPS}`,
    `ip daddr @${NODEPORT_IPS} ip daddr . meta l4proto . th dport vmap @${SERVICE_NODEPORTS}`,
  );
  b.chain(MARK_FOR_MASQUERADE).rules.push(`meta mark set meta mark | ${hex(MASQUERADE_MARK)}`);
  b.chain(MASQUERADING).rules.push(
    `meta mark & ${hex(MASQUERADE_MARK)} == 0 return`,
    `meta mark set meta mark ^ ${hex(MASQUERADE_MARK)}`,
    // Traffic that entered a node (externalTrafficPolicy Cluster): that node's IP.
    `counter snat ip to meta mark & ${hex(NODE_MARK_MASK)} map @${NODE_SNAT_IPS}`,
    // Hairpin (a pod reaching itself through its Service): its own node's IP.
    `counter snat ip to ip daddr map @${POD_CIDR_NODE_IPS}`,
    'counter snat ip to 127.0.0.1',
  );
}

function writeSets(b: RulesetBuilder, nodes: readonly NodeInfo[]): void {
  const set = (name: string, kind: 'set' | 'map', decl: string[]) =>
    b.set({ name, kind, decl, elements: [] });
  set(NODEPORT_IPS, 'set', [
    'type ipv4_addr',
    'comment "IPs that accept NodePort traffic (every virtual node)"',
  ]);
  set(NO_ENDPOINT_SERVICES, 'map', [
    `type ${PORT_MAP}`,
    'comment "vmap to drop or reject packets to services with no endpoints"',
  ]);
  // Keyed by the node's address too: a NodePort on node-2 has its own verdict there.
  set(NO_ENDPOINT_NODEPORTS, 'map', [
    `type ${PORT_MAP}`,
    'comment "vmap to drop or reject packets to service nodeports with no endpoints"',
  ]);
  set(FIREWALL_IPS, 'map', [
    `type ${PORT_MAP}`,
    'comment "destinations that are subject to LoadBalancerSourceRanges"',
  ]);
  set(SERVICE_IPS, 'map', [
    `type ${PORT_MAP}`,
    'comment "ClusterIP, ExternalIP and LoadBalancer IP traffic"',
  ]);
  set(SERVICE_NODEPORTS, 'map', [`type ${PORT_MAP}`, 'comment "NodePort traffic"']);
  set(NODE_SNAT_IPS, 'map', [
    'type mark : ipv4_addr',
    'comment "SNAT address of the node a connection entered"',
  ]);
  set(POD_CIDR_NODE_IPS, 'map', [
    'type ipv4_addr : ipv4_addr',
    'flags interval',
    'comment "node IP of each pod CIDR"',
  ]);
  nodes.forEach((n, i) => {
    if (!n.ip) return;
    b.element(NODEPORT_IPS, n.ip);
    if (i < 255) b.element(NODE_SNAT_IPS, `${hex((i + 1) << NODE_MARK_SHIFT)} : ${n.ip}`);
    const cidr = podCIDRText(n);
    if (cidr) b.element(POD_CIDR_NODE_IPS, `${cidr} : ${n.ip}`);
  });
}
