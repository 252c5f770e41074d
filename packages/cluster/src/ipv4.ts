// IPv4 helpers for the address plan (all addresses are real loopback addresses on Linux).

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`invalid IPv4 address: ${ip}`);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  bits: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!ip || !Number.isInteger(bits) || bits < 8 || bits > 30) {
    throw new Error(`invalid CIDR: ${cidr}`);
  }
  const size = 2 ** (32 - bits);
  const base = ipToInt(ip) - (ipToInt(ip) % size);
  return { base, bits, size };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= c.base && n < c.base + c.size;
}

/** An IPv4 prefix of any length (a NetworkPolicy's ipBlock), host bits dropped. */
export interface Ipv4Prefix {
  base: number;
  bits: number;
}

/** `10.1.2.3/8` as 10.0.0.0/8; undefined for IPv6 or anything else that holds no IPv4 address. */
export function parsePrefix(cidr: string): Ipv4Prefix | undefined {
  const [addr = '', bitsText = ''] = cidr.split('/');
  let n: number;
  try {
    n = ipToInt(addr);
  } catch {
    return undefined;
  }
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  return { base: (n & prefixMask(bits)) >>> 0, bits };
}

export function prefixMask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Whether the prefix holds the address `n` (ipToInt's number). */
export function prefixHas(p: Ipv4Prefix, n: number): boolean {
  return (n & prefixMask(p.bits)) >>> 0 === p.base;
}
