// The rules a conntrack event is joined with: the state the rules in force were written from,
// and, while a transaction is being written, the state it writes (the kernel runs it from its
// commit, before the proxier hears that nft returned). Which of them decided a flow, and
// whether its endpoint has left them since.
import type { RoutingState } from '../connectionRouter.ts';
import type { FrontendSpec } from '../frontends.ts';
import { usableEndpoint } from '../nftables/conntrackCleaner.ts';
import type { ConntrackEvent } from './parse.ts';

/** The state the rules in force were written from (NftablesProxier.rulesInForce()). */
export interface RulesSnapshot {
  generation: number;
  routing: RoutingState;
  frontends: readonly FrontendSpec[];
  /**
   * The rules of a transaction being written: the kernel runs them from its commit, a moment
   * before the proxier hears that `nft` returned, so a packet's events may be read by then.
   */
  writing?: RulesSnapshot;
}

const frontendIndexes = new WeakMap<readonly FrontendSpec[], Map<string, FrontendSpec>>();

/** The Service frontend a flow was addressed to, by `TCP/ip:port` (FrontendSpec.key). */
export function frontendOf(
  rules: RulesSnapshot,
  protocol: 'TCP' | 'UDP',
  ip: string,
  port: number,
): FrontendSpec | undefined {
  let index = frontendIndexes.get(rules.frontends);
  if (!index) {
    index = new Map(rules.frontends.map((f) => [f.key, f]));
    frontendIndexes.set(rules.frontends, index);
  }
  return index.get(`${protocol}/${ip}:${port}`);
}

/**
 * The rules a flow was NATed by: those in force, unless only the ones being written send it
 * where it went (it came in the moment between their commit and `nft` returning).
 */
export function rulesThatNATed(e: ConntrackEvent, inForce: RulesSnapshot): RulesSnapshot {
  const next = inForce.writing;
  if (!next || sendsTo(e, inForce)) return inForce;
  return sendsTo(e, next) ? next : inForce;
}

/** Whether the rules send the flow's frontend to the endpoint it went to (a usable one of it). */
function sendsTo(e: ConntrackEvent, rules: RulesSnapshot): boolean {
  const spec = frontendOf(rules, e.protocol, e.orig.dst, e.orig.dport);
  const eps = spec ? rules.routing.endpointsMap.get(spec.spn) : undefined;
  return (
    eps?.some((x) => x.ip === e.reply.src && x.port === e.reply.sport && usableEndpoint(x)) ?? false
  );
}

/**
 * Whether the flow's endpoint is gone from the rules in force (or no longer usable), or its pod
 * is: what makes kube-proxy delete a flow's conntrack entry (stale endpoints after a sync, a
 * pod deleted, restarted or given another IP). Read at the DESTROY, which comes after both.
 */
export function endpointLeft(e: ConntrackEvent, rules: RulesSnapshot): boolean {
  const st = rules.routing;
  const spec = frontendOf(rules, e.protocol, e.orig.dst, e.orig.dport);
  const eps = spec ? (st.endpointsMap.get(spec.spn) ?? []) : [];
  const ep = eps.find((x) => x.ip === e.reply.src && x.port === e.reply.sport);
  if (!ep || !usableEndpoint(ep)) return true;
  // A pod on the host network has its node's address, by which no pod is indexed: the state lists it.
  if (st.nodes.some((n) => n.ip === ep.ip)) return false;
  // An endpoint without a pod (targetRef) is named by its address (serviceState.ts).
  const pod = ep.pod === ep.ip ? undefined : `${ep.namespace}/${ep.pod}`;
  return pod !== undefined && st.podsByIP.get(ep.ip)?.name !== pod;
}
