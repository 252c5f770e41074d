// NetworkPolicy validation (pkg/apis/networking/validation ValidateNetworkPolicy), in Kubernetes'
// words.
import {
  child,
  forbidden,
  GoLiteral,
  index,
  invalid,
  notSupported,
  required,
} from './fieldError.ts';
import { isDNS1123Subdomain, isIPv4, isValidPortName, isValidPortNum } from './names.ts';
import type { FieldError } from './types.ts';
import { validateLabelSelector, validateObjectMeta } from './validateMeta.ts';
import type { MetaShape, SelectorShape } from './validateMeta.ts';
import { CIDR_MSG, isCIDR } from './validateServiceFields.ts';

export interface NetworkPolicyPortShape {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeerShape {
  podSelector?: SelectorShape;
  namespaceSelector?: SelectorShape;
  ipBlock?: { cidr?: string; except?: string[] };
}

export interface NetworkPolicyShape {
  metadata?: MetaShape;
  spec?: {
    podSelector?: SelectorShape;
    ingress?: { ports?: NetworkPolicyPortShape[]; from?: NetworkPolicyPeerShape[] }[];
    egress?: { ports?: NetworkPolicyPortShape[]; to?: NetworkPolicyPeerShape[] }[];
    policyTypes?: string[];
  };
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const POLICY_TYPES = ['Egress', 'Ingress'];

export function validateNetworkPolicy(np: NetworkPolicyShape): FieldError[] {
  const errs = validateObjectMeta(np.metadata ?? {}, true, isDNS1123Subdomain);
  const spec = np.spec ?? {};
  errs.push(...validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector'));
  const rules = [
    ...(spec.ingress ?? []).map((r, i) => ({ path: index('spec.ingress', i), r, peers: 'from' })),
    ...(spec.egress ?? []).map((r, i) => ({ path: index('spec.egress', i), r, peers: 'to' })),
  ] as const;
  for (const { path, r, peers } of rules) {
    (r.ports ?? []).forEach((p, i) =>
      errs.push(...validatePort(p, index(child(path, 'ports'), i))),
    );
    const list = ('from' in r ? r.from : 'to' in r ? r.to : undefined) ?? [];
    list.forEach((peer, i) => errs.push(...validatePeer(peer, index(child(path, peers), i))));
  }
  const types = spec.policyTypes ?? [];
  if (types.length > POLICY_TYPES.length) {
    // Kubernetes passes the slice itself: its value prints as a Go literal.
    const literal = `[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`;
    errs.push(
      invalid(
        'spec.policyTypes',
        new GoLiteral(literal),
        'may not specify more than two policyTypes',
      ),
    );
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t))
      errs.push(notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  return errs;
}

/** ValidateNetworkPolicyPort: a known protocol, a port number or name, endPort after a number. */
function validatePort(p: NetworkPolicyPortShape, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol))
    errs.push(notSupported(child(path, 'protocol'), p.protocol, ['TCP', 'UDP', 'SCTP']));
  if (p.port === undefined) {
    if (p.endPort !== undefined)
      errs.push(
        invalid(
          child(path, 'endPort'),
          p.endPort,
          'may not be specified when `port` is not specified',
        ),
      );
  } else if (typeof p.port === 'number') {
    for (const msg of isValidPortNum(p.port)) errs.push(invalid(child(path, 'port'), p.port, msg));
    if (p.endPort !== undefined) {
      if (p.endPort < p.port)
        errs.push(
          invalid(child(path, 'endPort'), p.port, 'must be greater than or equal to `port`'),
        );
      for (const msg of isValidPortNum(p.endPort))
        errs.push(invalid(child(path, 'endPort'), p.endPort, msg));
    }
  } else {
    if (p.endPort !== undefined)
      errs.push(
        invalid(
          child(path, 'endPort'),
          p.endPort,
          'may not be specified when `port` is non-numeric',
        ),
      );
    for (const msg of isValidPortName(p.port)) errs.push(invalid(child(path, 'port'), p.port, msg));
  }
  return errs;
}

/** ValidateNetworkPolicyPeer: at least one of the three, and an ipBlock alone. */
function validatePeer(peer: NetworkPolicyPeerShape, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, 'podSelector')));
  }
  if (peer.namespaceSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector')));
  }
  if (peer.ipBlock) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, child(path, 'ipBlock')));
  }
  if (n === 0) errs.push(required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock)
    errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

/** ValidateIPBlock: a CIDR, and each `except` a strict subset of it. */
function validateIPBlock(b: { cidr?: string; except?: string[] }, path: string): FieldError[] {
  const cidr = b.cidr ?? '';
  if (cidr === '') return [required(child(path, 'cidr'), '')];
  if (!isCIDR(cidr)) return [invalid(child(path, 'cidr'), cidr, CIDR_MSG)];
  const errs: FieldError[] = [];
  const outer = cidrRange(cidr);
  (b.except ?? []).forEach((e, i) => {
    const p = index(child(path, 'except'), i);
    if (!isCIDR(e)) {
      errs.push(invalid(p, e, CIDR_MSG));
      return;
    }
    const inner = cidrRange(e);
    let subset: boolean;
    if (outer && inner) subset = inner.bits > outer.bits && contains(outer, inner.base);
    else if (cidr.includes(':') && e.includes(':')) {
      const o6 = cidrRange6(cidr);
      const i6 = cidrRange6(e);
      const shift = BigInt(128 - (o6?.bits ?? 0));
      subset = !o6 || !i6 || (i6.bits > o6.bits && i6.base >> shift === o6.base >> shift);
    } else subset = false; // one IPv4, one IPv6
    if (!subset) errs.push(invalid(p, e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

/** An IPv4 CIDR as its first address and prefix length; undefined for IPv6. */
function cidrRange(cidr: string): { base: number; bits: number } | undefined {
  const [addr = '', prefix = ''] = cidr.split('/');
  if (!isIPv4(addr)) return undefined;
  const bits = Number(prefix);
  const n = addr.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (n & mask) >>> 0, bits };
}

/**
 * An IPv6 CIDR as a 128-bit number and prefix length; undefined when it is not one this reads
 * (an IPv4 tail, `::ffff:1.2.3.4/120`, is left unchecked).
 */
function cidrRange6(cidr: string): { base: bigint; bits: number } | undefined {
  const [addr = '', prefix = ''] = cidr.split('/');
  if (!addr.includes(':') || addr.includes('.')) return undefined;
  const [head = '', tail, ...more] = addr.split('::');
  if (more.length > 0) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = 8 - h.length - t.length;
  if (fill < 0 || (tail === undefined && fill !== 0)) return undefined;
  let n = 0n;
  for (const w of [...h, ...Array<string>(fill).fill('0'), ...t])
    n = (n << 16n) | BigInt(parseInt(w, 16) || 0);
  return { base: n, bits: Number(prefix) };
}

function contains(c: { base: number; bits: number }, ip: number): boolean {
  const mask = c.bits === 0 ? 0 : (0xffffffff << (32 - c.bits)) >>> 0;
  return (ip & mask) >>> 0 === c.base;
}
