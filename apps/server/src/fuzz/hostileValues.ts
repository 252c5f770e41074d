// Values a hostile or clumsy user puts where a manifest expects something else: wrong types,
// ports out of range or not whole, names Kubernetes refuses, unicode, IPv6 and malformed IPs, and
// the keys that reach JavaScript's prototype. Every address is loopback or not an address at all:
// an accepted Service never listens beyond 127.0.0.0/8.
import type { Random } from './random.ts';

export const PORTS: readonly unknown[] = [
  0,
  -1,
  1,
  80,
  65535,
  65536,
  30379,
  30380,
  32767,
  32768,
  2 ** 31,
  2 ** 53 + 1,
  1e21,
  -1e21,
  80.5,
  0.1,
  '80',
  'eighty',
  '0x50',
  '080',
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0,
  1e308,
];

/** Keys and values that name JavaScript's own objects rather than data. */
export const PROTO_WORDS: readonly string[] = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'then',
];

export const NAMES: readonly string[] = [
  '',
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(254),
  'Upper-Case',
  '-leading',
  'trailing-',
  'under_score',
  'dot.ted',
  'slash/name',
  '..',
  '.',
  'ñame',
  '名前',
  '😀',
  'a\u0000b',
  '\u202eevil',
  'zero\u200bwidth',
  'kube-system',
  'default',
  'kube-dns',
  '$(id)`id`',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '%s%n%x',
  ...PROTO_WORDS,
];

export const ADDRESSES: readonly string[] = [
  '::1',
  '::',
  'fe80::1%eth0',
  '2001:db8::1',
  '::ffff:127.0.0.1',
  '256.1.1.1',
  '127.1.2',
  '127.0.0.01',
  '0127.0.0.1',
  '127.0.0.1 ',
  ' 127.96.0.10',
  '127.0.0.1/8',
  '127.96.0.0',
  '127.96.255.255',
  '127.96.0.10',
  '127.255.255.255',
  'localhost',
  'None',
  '',
  '1e3',
];

const SCALARS: readonly unknown[] = [
  null,
  true,
  false,
  'yes',
  'no',
  'on',
  'off',
  '~',
  'null',
  '',
  ' ',
  0,
  -0,
  1.5,
  [],
  {},
  [null],
  { '': '' },
  'TCP',
  'UDP',
  'SCTP',
  'tcp',
  'None',
  'ClientIP',
  'Local',
  'Cluster',
  'ClusterIP',
  'NodePort',
  'LoadBalancer',
  'ExternalName',
  'Headless',
  'v1',
  'apps/v1',
  'v2',
];

/** A string of `n` code points drawn from awkward ranges (controls, surrogates, RTL, emoji). */
export function awkwardString(r: Random, n: number): string {
  const ranges: [number, number][] = [
    [0x00, 0x1f],
    [0x20, 0x7e],
    [0x80, 0xff],
    [0x200b, 0x202e],
    [0xd800, 0xdfff], // lone surrogates
    [0xfeff, 0xfeff],
    [0x1f600, 0x1f64f],
    [0x4e00, 0x4e50],
  ];
  let s = '';
  for (let i = 0; i < n; i++) {
    const [lo, hi] = r.pick(ranges);
    s += String.fromCharCode(...codeUnits(r.int(lo, hi)));
  }
  return s;
}

function codeUnits(cp: number): number[] {
  if (cp <= 0xffff) return [cp];
  const v = cp - 0x10000;
  return [0xd800 + (v >> 10), 0xdc00 + (v & 0x3ff)];
}

/** One value of any of the kinds above, sometimes nested a little. */
export function hostileValue(r: Random, depth = 0): unknown {
  switch (r.int(0, 9)) {
    case 0:
    case 1:
      return r.pick(PORTS);
    case 2:
      return r.pick(NAMES);
    case 3:
      return r.pick(ADDRESSES);
    case 4:
      return r.pick(PROTO_WORDS);
    case 5:
      return awkwardString(r, r.int(0, 24));
    case 6:
      return r.chance(0.02) ? 'x'.repeat(r.int(10_000, 100_000)) : r.int(-100_000, 100_000);
    case 7:
      return depth < 2 ? [hostileValue(r, depth + 1), hostileValue(r, depth + 1)] : [];
    case 8:
      return depth < 2 ? { [hostileKey(r)]: hostileValue(r, depth + 1) } : {};
    default:
      // A copy: mutations change what they are given, and a shared `{}` would carry one case's
      // changes into the next (and cases would no longer be reproducible alone).
      return structuredClone(r.pick(SCALARS));
  }
}

export function hostileKey(r: Random): string {
  if (r.chance(0.3)) return r.pick(PROTO_WORDS);
  if (r.chance(0.3))
    return r.pick(['port', 'nodePort', 'targetPort', 'name', 'type', 'clusterIP', 'selector']);
  return r.chance(0.5) ? r.pick(NAMES) : awkwardString(r, r.int(1, 8));
}
