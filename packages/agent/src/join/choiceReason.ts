// Why the node's kernel sent a connection to the endpoint its conntrack entry shows, in the
// words the lab uses for the same decision (pickAt: "random 2 of 3"), and no more than the
// conntrack entry and the watched objects can back.
import { pickAt, type EndpointInfo, type Route } from '@l4lab/dataplane';
import { ipvsChoice, type NodeProxyMode } from './nodeProxyMode.ts';

export interface ChosenFlow {
  mode: NodeProxyMode;
  node: string;
  /** The endpoint (`reply.src:reply.sport`) and, when the watched objects list it, its info. */
  where: string;
  endpoint: EndpointInfo | undefined;
  clientIP: string;
  frontendIP: string;
}

export function choiceReason(r: Route, f: ChosenFlow): string {
  if (r.action !== 'forward')
    return `sent to ${f.where} by rules older than the current state (${r.reason})`;
  const eps = r.eligible;
  const i = f.endpoint ? eps.indexOf(f.endpoint) : -1;
  const m = f.mode;
  if (i < 0) {
    const how =
      m.kind === 'ipvs'
        ? `ipvs:${m.scheduler}`
        : m.kind === 'unknown'
          ? `kube-proxy's mode on ${f.node} unknown`
          : 'random';
    return `${how}: ${f.where} is not one of the ${eps.length} eligible endpoints (as watched)`;
  }
  switch (m.kind) {
    case 'iptables':
    case 'nftables':
      // iptables' statistic chain (1/n, 1/(n-1), ...) and nftables' numgen: uniform, as the lab's.
      return pickAt(eps, i, 'random').reason;
    case 'ipvs': {
      const note = eps[0]!.ready ? '' : ' (terminating, still serving)';
      return `${ipvsChoice(m.scheduler, eps.length, f)}${note}`;
    }
    case 'unknown':
      return pickAt(eps, i, `kube-proxy's mode on ${f.node} unknown:`).reason;
  }
}
