// The proxy modes l4lab emulates: kube-proxy's iptables / nftables (uniform random), its IPVS
// schedulers, and Maglev (Cilium's kube-proxy replacement; kube-proxy itself has no such mode:
// IPVS's `mh` scheduler is not accepted by kube-proxy's --ipvs-scheduler).

export const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'sed', 'nq'] as const;
export type IpvsScheduler = (typeof IPVS_SCHEDULERS)[number];

export type ProxyMode =
  | { kind: 'iptables'; name: 'iptables' }
  | { kind: 'ipvs'; scheduler: IpvsScheduler; name: `ipvs:${IpvsScheduler}` }
  | { kind: 'maglev'; name: 'maglev' };

export const PROXY_MODES: readonly string[] = [
  'iptables',
  'nftables',
  'ipvs',
  ...IPVS_SCHEDULERS.map((s) => `ipvs:${s}`),
  'maglev',
];

/** Parses `iptables`, `nftables` (same choice), `ipvs` (= ipvs:rr, IPVS's default), `ipvs:<sched>`, `maglev`. */
export function parseProxyMode(text: string): ProxyMode | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'iptables' || t === 'nftables') return { kind: 'iptables', name: 'iptables' };
  if (t === 'maglev') return { kind: 'maglev', name: 'maglev' };
  if (t === 'ipvs') return { kind: 'ipvs', scheduler: 'rr', name: 'ipvs:rr' };
  const m = /^ipvs:([a-z]+)$/.exec(t);
  if (m && (IPVS_SCHEDULERS as readonly string[]).includes(m[1]!)) {
    const scheduler = m[1] as IpvsScheduler;
    return { kind: 'ipvs', scheduler, name: `ipvs:${scheduler}` };
  }
  return undefined;
}
