import type { FrontendKind } from '@l4lab/protocol';
import { categorizeEndpoints, type Topology } from './endpointSelection.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from './types.ts';

export type Route =
  | {
      action: 'forward';
      eligible: EndpointInfo[];
      snatIP?: string;
      policy: string;
      /** The endpoints are those hinted for this node or its zone (topology-aware routing). */
      topology?: 'PreferSameNode' | 'PreferSameZone';
    }
  | { action: 'reject'; reason: string }
  | { action: 'drop'; reason: string };

export interface RouteRequest {
  svc: ServicePortInfo;
  endpoints: EndpointInfo[];
  frontend: FrontendKind;
  /** The node the connection entered (NodePort, or the node a LoadBalancer chose). */
  node: NodeInfo | undefined;
  /** The node the client pod runs on (ClusterIP traffic from a pod). */
  clientNode: string | undefined;
  /** That node's zone label. */
  clientZone?: string | undefined;
}

/**
 * What topology made of the Cluster-policy endpoints on the node kube-proxy runs on (`where`),
 * and how a reason says it: nothing when the Service asks nothing and no endpoint is hinted.
 */
function withTopology(
  svc: ServicePortInfo,
  cluster: EndpointInfo[],
  t: Topology | undefined,
  where: { node: string; zone: string | undefined } | undefined,
): { eligible: EndpointInfo[]; text: string; mode?: 'PreferSameNode' | 'PreferSameZone' } {
  const ask = svc.topology ?? 'topology hints';
  const all = `all ${cluster.length} used`;
  if (t && t.mode !== '') {
    const to = t.mode === 'PreferSameNode' ? where!.node : where!.zone;
    return {
      eligible: t.eligible,
      mode: t.mode,
      text: `${ask}: ${t.eligible.length} of ${cluster.length} endpoints hinted for ${to}`,
    };
  }
  if (!svc.topology) return { eligible: cluster, text: '' };
  if (!t || !where) return { eligible: cluster, text: `${ask}: the client is on no node, ${all}` };
  const why =
    t.why === 'no-zone-label'
      ? `${where.node} has no zone label`
      : t.why === 'none-for-zone'
        ? `no endpoint hinted for ${where.zone}`
        : 'the endpoints carry no hints';
  return { eligible: cluster, text: `${ask}: ${why}, ${all}` };
}

/**
 * kube-proxy's CategorizeEndpoints plus the REJECT / DROP rules: no endpoint at all is rejected;
 * a Local policy without a local endpoint is dropped; externalTrafficPolicy Cluster SNATs the
 * client to the node it entered.
 */
export function route(r: RouteRequest): Route {
  const { svc } = r;
  const sets = categorizeEndpoints(r.endpoints);
  const cluster = sets.cluster;
  if (cluster.length === 0) {
    return {
      action: 'reject',
      reason: `${svc.namespace}/${svc.service}:${svc.portName} has no endpoints`,
    };
  }
  const external = r.frontend !== 'ClusterIP';
  if (external && svc.externalTrafficPolicy === 'Local') {
    const node = r.node?.name ?? '';
    const local = sets.local(node);
    if (local.length === 0) {
      return {
        action: 'drop',
        reason: `externalTrafficPolicy Local: no local endpoints on ${node || 'this node'}: dropped`,
      };
    }
    return {
      action: 'forward',
      eligible: local,
      policy: `externalTrafficPolicy Local (${node}, client IP kept)`,
    };
  }
  if (!external && svc.internalTrafficPolicy === 'Local') {
    const node = r.clientNode;
    const local = node ? sets.local(node) : [];
    if (local.length === 0) {
      return {
        action: 'drop',
        reason: `internalTrafficPolicy Local: no local endpoints${node ? ` on ${node}` : ' (client is not a pod)'}: dropped`,
      };
    }
    return { action: 'forward', eligible: local, policy: `internalTrafficPolicy Local (${node})` };
  }
  // Cluster policy: every ready endpoint, or those hinted for the node kube-proxy runs on.
  const here = external
    ? r.node && { node: r.node.name, zone: r.node.zone }
    : r.clientNode !== undefined
      ? { node: r.clientNode, zone: r.clientZone }
      : undefined;
  // (per connection: no look-up at all for a Service without hints that asks for none)
  const t =
    !sets.hinted && !svc.topology
      ? { eligible: cluster, text: '' }
      : withTopology(svc, cluster, here ? sets.topology(here.node, here.zone) : undefined, here);
  const topology = t.mode ? { topology: t.mode } : {};
  if (external && r.node) {
    return {
      action: 'forward',
      eligible: t.eligible,
      snatIP: r.node.ip,
      policy: [`SNAT to ${r.node.name} (${r.node.ip})`, t.text].filter(Boolean).join('; '),
      ...topology,
    };
  }
  return { action: 'forward', eligible: t.eligible, policy: t.text, ...topology };
}
