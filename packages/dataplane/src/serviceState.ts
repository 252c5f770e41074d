import type { EndpointSlice, Node, Service } from '@l4lab/protocol';
import { endpointConditions } from '@l4lab/protocol';
import {
  LABEL_TOPOLOGY_ZONE,
  SERVICE_NAME_LABEL,
  hintsMode,
  ipToInt,
  parseCidr,
} from '@l4lab/cluster';
import type { EndpointInfo, NodeInfo, ServicePortInfo, ServicePortName } from './types.ts';
import { servicePortName } from './types.ts';

export const PROXY_MODE_ANNOTATION = 'l4lab.dev/proxy-mode';

function sourceRanges(cidrs: string[] | undefined): ServicePortInfo['loadBalancerSourceRanges'] {
  const out: ServicePortInfo['loadBalancerSourceRanges'] = [];
  for (const text of cidrs ?? []) {
    const [ip, bits] = text.trim().split('/');
    const b = Number(bits ?? 32);
    if (!ip || !Number.isInteger(b) || b < 0 || b > 32) continue;
    const mask = b === 0 ? 0 : (~0 << (32 - b)) >>> 0;
    try {
      out.push({ base: (ipToInt(ip) & mask) >>> 0, mask, text: text.trim() });
    } catch {
      // validation rejects malformed ranges; a stale one is ignored here
    }
  }
  return out;
}

/** The Service ports kube-proxy programs: none for ExternalName or headless Services. */
export function servicePorts(svc: Service): ServicePortInfo[] {
  const ip = svc.spec.clusterIP;
  const type = svc.spec.type ?? 'ClusterIP';
  if (type === 'ExternalName' || !ip || ip === 'None') return [];
  const ns = svc.metadata.namespace ?? 'default';
  const mode = svc.metadata.annotations?.[PROXY_MODE_ANNOTATION];
  const affinity =
    svc.spec.sessionAffinity === 'ClientIP'
      ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800)
      : 0;
  const lbIPs =
    type === 'LoadBalancer'
      ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter(Boolean)
      : [];
  const ranges = type === 'LoadBalancer' ? sourceRanges(svc.spec.loadBalancerSourceRanges) : [];
  const hints = hintsMode(svc);
  const topology =
    hints === 'none'
      ? undefined
      : hints === 'auto'
        ? 'topology-mode Auto'
        : `trafficDistribution ${hints}`;
  return (svc.spec.ports ?? []).map((p) => ({
    name: servicePortName(ns, svc.metadata.name, p.name ?? ''),
    namespace: ns,
    service: svc.metadata.name,
    portName: p.name || p.port,
    protocol: p.protocol ?? 'TCP',
    type,
    clusterIP: ip,
    port: p.port,
    ...(p.nodePort && type !== 'ClusterIP' ? { nodePort: p.nodePort } : {}),
    externalIPs: svc.spec.externalIPs ?? [],
    loadBalancerIPs: lbIPs,
    loadBalancerSourceRanges: ranges,
    affinityTimeoutSeconds: affinity,
    externalTrafficPolicy: svc.spec.externalTrafficPolicy ?? 'Cluster',
    internalTrafficPolicy: svc.spec.internalTrafficPolicy ?? 'Cluster',
    ...(svc.spec.healthCheckNodePort ? { healthCheckNodePort: svc.spec.healthCheckNodePort } : {}),
    ...(mode ? { proxyMode: mode } : {}),
    ...(topology ? { topology } : {}),
  }));
}

export function nodeInfo(node: Node): NodeInfo {
  const ip = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
  const cidr = parseCidr(node.spec.podCIDR);
  return {
    name: node.metadata.name,
    ip,
    podCIDR: { base: cidr.base, size: cidr.size },
    ready: node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    ...(node.metadata.labels?.[LABEL_TOPOLOGY_ZONE]
      ? { zone: node.metadata.labels[LABEL_TOPOLOGY_ZONE] }
      : {}),
  };
}

/**
 * The endpoints of every port of one Service, from all its EndpointSlices (kube-proxy's
 * EndpointSliceCache): slice ports are matched to Service ports by name.
 */
export function endpointsFromSlices(
  namespace: string,
  service: string,
  slices: Iterable<EndpointSlice>,
): Map<ServicePortName, EndpointInfo[]> {
  const out = new Map<ServicePortName, EndpointInfo[]>();
  for (const slice of slices) {
    if (slice.metadata.labels?.[SERVICE_NAME_LABEL] !== service) continue;
    // kube-proxy of an IPv4 cluster reads only IPv4 slices (a hand-written one may be IPv6 or FQDN).
    if (slice.addressType !== 'IPv4') continue;
    for (const port of slice.ports) {
      if (!port.port) continue;
      const key = servicePortName(namespace, service, port.name);
      const list = out.get(key) ?? [];
      for (const ep of slice.endpoints) {
        const { ready, serving, terminating } = endpointConditions(ep);
        for (const ip of ep.addresses) {
          // The lab's network is loopback: an address written by hand outside 127.0.0.0/8 is
          // never proxied to, so no Service sends a connection off this machine.
          if (!ip.startsWith('127.')) continue;
          list.push({
            ip,
            port: port.port,
            ready,
            serving,
            terminating,
            nodeName: ep.nodeName ?? '',
            pod: ep.targetRef?.name ?? ip,
            namespace: ep.targetRef?.namespace ?? namespace,
            ...(ep.hints?.forZones?.length
              ? { zoneHints: ep.hints.forZones.map((z) => z.name) }
              : {}),
            ...(ep.hints?.forNodes?.length
              ? { nodeHints: ep.hints.forNodes.map((n) => n.name) }
              : {}),
          });
        }
      }
      out.set(key, list);
    }
  }
  return out;
}
