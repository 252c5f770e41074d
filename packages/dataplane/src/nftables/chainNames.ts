// Names of the kube-proxy table's chains and sets, built as kube-proxy's nftables mode builds them
// (pkg/proxy/nftables: hashAndTruncate, servicePortChainNameBase, ...), so a user who has read a
// real node's `nft list table ip kube-proxy` recognises every name here.
import { createHash } from 'node:crypto';
import type { EndpointInfo, ServicePortInfo } from '../types.ts';

export const TABLE = 'kube-proxy';

/** nftables names are at most 256 bytes; kube-proxy keeps 16 for the longest prefix. */
const NAME_LENGTH_MAX = 256;
const BASE_LENGTH_MAX = NAME_LENGTH_MAX - 16;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The first 8 characters of the base32 (RFC 4648) text of a SHA-256: 40 bits, 5 bytes. */
export function hash8(text: string): string {
  const d = createHash('sha256').update(text).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = 0; out.length < 8; i++) {
    value = (value << 8) | d[i]!;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/**
 * `HASH-name`, cut to fit: the hash keeps a cut name unique and tells apart names that differ in
 * one digit (two endpoints of one Service).
 */
export function hashAndTruncate(name: string): string {
  const out = `${hash8(name)}-${name}`;
  return out.length > BASE_LENGTH_MAX ? `${out.slice(0, BASE_LENGTH_MAX - 3)}...` : out;
}

/** `default/web/tcp/http`: the ServicePort's name as kube-proxy writes it (unnamed: empty). */
export function servicePortPath(svc: ServicePortInfo): string {
  const port = svc.name.slice(svc.name.lastIndexOf(':') + 1);
  return `${svc.namespace}/${svc.service}/${svc.protocol.toLowerCase()}/${port}`;
}

/** The names of everything one Service port owns in the table. */
export interface ServicePortChains {
  /** Cluster policy: every eligible endpoint (kube-proxy's `service-`). */
  service: string;
  /** internalTrafficPolicy Local: picks the client's node's chain (kube-proxy's `local-`). */
  local: string;
  /** Topology hints: picks the client's node's `service-` chain (each node's kube-proxy's). */
  topology: string;
  /** A LoadBalancer IP: picks the node the load balancer sends to (kube-proxy's `external-`). */
  external: string;
  /** loadBalancerSourceRanges (kube-proxy's `firewall-`). */
  firewall: string;
  /** Local policy on one node: that node's endpoints. */
  localOn(node: string): string;
  /** Cluster policy on one node, topology considered: the endpoints hinted for it or its zone. */
  serviceOn(node: string): string;
  /** Traffic entering one node (NodePort, externalIP, LoadBalancer through that node). */
  externalOn(node: string): string;
  endpoint(ep: EndpointInfo): string;
  affinity(ep: EndpointInfo): string;
}

export function servicePortChains(svc: ServicePortInfo): ServicePortChains {
  const path = servicePortPath(svc);
  const base = hashAndTruncate(path);
  // Several virtual nodes share one network namespace here, so the per-node variants of
  // kube-proxy's chains carry the node's name (`__node-1`, as endpoint chains carry `__ip/port`).
  const onNode = (node: string) => hashAndTruncate(`${path}__${node}`);
  const ofEndpoint = (ep: EndpointInfo) => hashAndTruncate(`${path}__${ep.ip}/${ep.port}`);
  return {
    service: `service-${base}`,
    local: `local-${base}`,
    topology: `topology-${base}`,
    external: `external-${base}`,
    firewall: `firewall-${base}`,
    localOn: (node) => `local-${onNode(node)}`,
    serviceOn: (node) => `service-${onNode(node)}`,
    externalOn: (node) => `external-${onNode(node)}`,
    endpoint: (ep) => `endpoint-${ofEndpoint(ep)}`,
    affinity: (ep) => `affinity-${ofEndpoint(ep)}`,
  };
}

/** Chains whose first statement is `meta nftrace set 1`: `nft monitor trace` tells these packets. */
export const REJECT_NO_ENDPOINTS = 'reject-no-endpoints';
export const DROP_NO_ENDPOINTS = 'drop-no-endpoints';
/** A LoadBalancer client outside loadBalancerSourceRanges (traced like the two above). */
export const DROP_SOURCE_RANGES = 'drop-source-ranges';
export const TRACED_CHAINS: readonly string[] = [
  REJECT_NO_ENDPOINTS,
  DROP_NO_ENDPOINTS,
  DROP_SOURCE_RANGES,
];
