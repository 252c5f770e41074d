import type { FrontendKind } from '@l4lab/protocol';
import { categorizeEndpoints } from './endpointSelection.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from './types.ts';

export type Route =
  | { action: 'forward'; eligible: EndpointInfo[]; snatIP?: string; policy: string }
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
  if (external && r.node) {
    return {
      action: 'forward',
      eligible: cluster,
      snatIP: r.node.ip,
      policy: `SNAT to ${r.node.name} (${r.node.ip})`,
    };
  }
  return { action: 'forward', eligible: cluster, policy: '' };
}
