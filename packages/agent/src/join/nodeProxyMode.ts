// kube-proxy's mode on one node of a real cluster, as read from its `/proxyMode` endpoint (or its
// ConfigMap): what the join may claim about how that node's kernel picked an endpoint.
import { IPVS_SCHEDULERS } from '@l4lab/dataplane';

export type NodeProxyMode =
  | { kind: 'iptables' }
  | { kind: 'nftables' }
  /** `scheduler`: kube-proxy's `ipvs.scheduler` (`--ipvs-scheduler`); IPVS's default is rr. */
  | { kind: 'ipvs'; scheduler: string }
  /** No answer yet, or a mode this join does not know (kernelspace on Windows, ...). */
  | { kind: 'unknown' };

export const UNKNOWN_MODE: NodeProxyMode = { kind: 'unknown' };

/**
 * `proxyMode`: what kube-proxy's `/proxyMode` answers (`iptables`, `ipvs`, `nftables`);
 * `ipvsScheduler`: its configured scheduler ('' = the kernel's default, rr).
 */
export function parseNodeProxyMode(proxyMode: string, ipvsScheduler = ''): NodeProxyMode {
  const mode = proxyMode.trim().toLowerCase();
  if (mode === 'iptables' || mode === 'nftables') return { kind: mode };
  if (mode === 'ipvs')
    return { kind: 'ipvs', scheduler: ipvsScheduler.trim().toLowerCase() || 'rr' };
  return UNKNOWN_MODE;
}

/** The event's `mode`, spelled as the lab's proxyMode.ts spells it (`ipvs:rr`). */
export function modeName(m: NodeProxyMode): string {
  return m.kind === 'ipvs' ? `ipvs:${m.scheduler}` : m.kind;
}

/** The lab's names of IPVS's schedulers (endpointChooser.ts), with the weights kube-proxy sets (1). */
const IPVS_LABELS: Record<(typeof IPVS_SCHEDULERS)[number], string> = {
  rr: 'round robin',
  wrr: 'weighted round robin',
  lc: 'least connections',
  wlc: 'weighted least connections',
  sed: 'shortest expected delay',
  nq: 'never queue: shortest expected delay',
  sh: 'source hash',
  dh: 'destination hash',
};

/** What IPVS decided from that the conntrack entry does not show. */
const IPVS_HIDDEN: Record<(typeof IPVS_SCHEDULERS)[number], string> = {
  rr: "the turn is the kernel's",
  wrr: "the turn is the kernel's",
  lc: "the connection counts are the kernel's",
  wlc: "the connection counts are the kernel's",
  sed: "the connection counts are the kernel's",
  nq: "the connection counts are the kernel's",
  sh: "the bucket table is the kernel's",
  dh: "the bucket table is the kernel's",
};

function isLabScheduler(s: string): s is (typeof IPVS_SCHEDULERS)[number] {
  return (IPVS_SCHEDULERS as readonly string[]).includes(s);
}

/**
 * How IPVS picked among `n` real servers, without a position: the scheduler's state (rr's turn,
 * lc's counts, sh's and dh's bucket table) lives in the node's kernel, in its own server order.
 * `round robin (ipvs:rr; the turn is the kernel's): one of 3`.
 */
export function ipvsChoice(
  scheduler: string,
  n: number,
  flow: { clientIP: string; frontendIP: string },
): string {
  if (!isLabScheduler(scheduler)) return `IPVS scheduler ${scheduler}: one of ${n}`;
  const of = scheduler === 'sh' ? flow.clientIP : scheduler === 'dh' ? flow.frontendIP : '';
  const label = of ? `${IPVS_LABELS[scheduler]} of ${of}` : IPVS_LABELS[scheduler];
  return `${label} (ipvs:${scheduler}; ${IPVS_HIDDEN[scheduler]}): one of ${n}`;
}
