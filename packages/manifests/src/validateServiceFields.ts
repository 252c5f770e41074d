// Service address fields: clusterIP/clusterIPs, externalIPs, loadBalancerSourceRanges; and the
// number-or-name rule of targetPort.
import { GoLiteral, index, invalid, required } from './fieldError.ts';
import { goStringSlice } from './goLiteral.ts';
import { isIP, isIPv4, isValidPortName, isValidPortNum } from './names.ts';
import type { FieldError } from './types.ts';

export const IP_MSG = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
export const CIDR_MSG = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** targetPort: a number 1-65535 or an IANA_SVC_NAME. */
export function validatePortNumOrName(port: number | string, path: string): FieldError[] {
  const msgs = typeof port === 'number' ? isValidPortNum(port) : isValidPortName(port);
  return msgs.map((msg) => invalid(path, port, msg));
}

export interface ServiceIPsShape {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalIPs?: string[];
  loadBalancerSourceRanges?: string[];
}

export function validateServiceIPs(spec: ServiceIPsShape): FieldError[] {
  const errs: FieldError[] = [];
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const path = index('spec.externalIPs', i);
    if (!isIP(ip)) errs.push(invalid(path, ip, IP_MSG));
    else errs.push(...validateNonSpecialIP(ip, path));
  });
  (spec.loadBalancerSourceRanges ?? []).forEach((cidr, i) => {
    const value = cidr.trim();
    if (!isCIDR(value))
      errs.push(invalid(index('spec.LoadBalancerSourceRanges', i), value, CIDR_MSG));
  });
  if (spec.type === 'ExternalName') return errs;
  errs.push(...validateClusterIPs(spec));
  return errs;
}

/** clusterIP and clusterIPs: in step, valid addresses, `None` alone. */
export function validateClusterIPs(spec: ServiceIPsShape): FieldError[] {
  const errs: FieldError[] = [];
  const clusterIPs = spec.clusterIPs ?? [];
  const ipsValue = new GoLiteral(goStringSlice(spec.clusterIPs));
  if (spec.clusterIP) {
    if (clusterIPs.length === 0) errs.push(required('spec.clusterIPs'));
    else if (clusterIPs[0] !== spec.clusterIP) {
      errs.push(invalid('spec.clusterIPs', ipsValue, 'first value must match `clusterIP`'));
    }
  } else if (clusterIPs.length > 0) {
    errs.push(
      invalid('spec.clusterIPs', ipsValue, 'must be empty when `clusterIP` is not specified'),
    );
  }
  if (clusterIPs.length > 2)
    errs.push(invalid('spec.clusterIPs', ipsValue, 'may only hold up to 2 values'));
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        errs.push(invalid('spec.clusterIPs[0]', ip, "'None' must be the first and only value"));
      }
      return;
    }
    if (!isIP(ip)) errs.push(invalid(index('spec.clusterIPs', i), ip, IP_MSG));
  });
  return errs;
}

/** ValidateNonSpecialIP (with l4lab's loopback deviation): addresses nothing should route to. */
export function validateNonSpecialIP(ip: string, path: string): FieldError[] {
  const v4 = isIPv4(ip);
  const lower = ip.toLowerCase();
  const errs: FieldError[] = [];
  if (ip === '0.0.0.0' || /^[0:]+$/.test(ip))
    errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  // Kubernetes refuses the whole loopback range here. Every l4lab address is a loopback address,
  // so l4lab deviates: only the host's own 127.0.0.1 (and ::1) are refused (README: deviations).
  if (ip === '127.0.0.1' || (!v4 && /^[0:]*:0*1$/.test(ip))) {
    errs.push(
      invalid(
        path,
        ip,
        'may not be in the loopback range (127.0.0.0/8, ::1/128); in l4lab, use another 127.x.y.z address',
      ),
    );
  }
  if (ip.startsWith('169.254.') || /^fe[89ab][0-9a-f]:/.test(lower)) {
    errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (ip.startsWith('224.0.0.') || lower.startsWith('ff02:')) {
    errs.push(
      invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'),
    );
  }
  return errs;
}

/** netutils.ParseCIDRSloppy's rule: an IPv4 or IPv6 address and a prefix length within it. */
export function isCIDR(value: string): boolean {
  const [addr = '', prefix, ...rest] = value.split('/');
  if (prefix === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  if (isIPv4(addr)) return bits <= 32;
  return isIP(addr) && bits <= 128;
}
