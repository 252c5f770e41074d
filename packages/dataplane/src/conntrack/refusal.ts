// Why the kube-proxy table turned a packet away (`nft monitor trace`), in the userspace
// proxier's words for the same case.
import type { FrontendSpec } from '../frontends.ts';
import { DROP_SOURCE_RANGES } from '../nftables/chainNames.ts';
import { route } from '../trafficPolicy.ts';
import type { ServicePortInfo } from '../types.ts';
import { frontendOf, type RulesSnapshot } from './rulesSnapshot.ts';
import type { TraceVerdict } from './trace.ts';

/** Whether the rules turn the packet away as the trace saw (no endpoints, a policy, ranges). */
export function refuses(v: TraceVerdict, rules: RulesSnapshot): boolean {
  const spec = frontendOf(rules, v.protocol, v.dst, v.dport);
  if (!spec) return false;
  const svc = rules.routing.serviceMap.get(spec.spn);
  return svc !== undefined && refusal(v, spec, svc, rules).matches;
}

/**
 * Why a packet was refused or dropped, in the userspace proxier's words for the same case;
 * `matches`: the rules turn it away so (else the reason says that older rules did).
 */
export function refusal(
  v: TraceVerdict,
  spec: FrontendSpec,
  svc: ServicePortInfo,
  rules: RulesSnapshot,
): { reason: string; matches: boolean } {
  if (v.chain === DROP_SOURCE_RANGES) {
    const ranges = svc.loadBalancerSourceRanges.map((r) => r.text).join(', ');
    return {
      reason: `client ${v.src} not in loadBalancerSourceRanges (${ranges}): dropped`,
      matches: true,
    };
  }
  const st = rules.routing;
  const endpoints = st.endpointsMap.get(svc.name) ?? [];
  const node = spec.node ? st.nodes.find((n) => n.name === spec.node) : undefined;
  if (spec.kind === 'LoadBalancer' && !node && endpoints.length > 0 && v.verdict === 'drop')
    return {
      reason:
        'load balancer: no node passes the health check (externalTrafficPolicy Local): dropped',
      matches: true,
    };
  const r = route({
    svc,
    endpoints,
    frontend: spec.kind,
    node,
    clientNode: st.podsByIP.get(v.src)?.node,
  });
  if (r.action === v.verdict) return { reason: r.reason, matches: true };
  const now = r.action === 'forward' ? 'it has ready endpoints' : r.reason;
  return {
    reason: `${v.verdict === 'reject' ? 'rejected' : 'dropped'} by rules older than the current state (${now})`,
    matches: false,
  };
}
