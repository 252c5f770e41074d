import type { EndpointSlice, Service } from '@l4lab/protocol';
import { SERVICE_NAME_LABEL } from '@l4lab/cluster';
import type { EndpointInfo, ServicePortInfo, ServicePortName } from './types.ts';
import { servicePortName } from './types.ts';

export const PROXY_MODE_ANNOTATION = 'l4lab.dev/proxy-mode';

/** The Service ports kube-proxy programs: none for ExternalName or headless Services. */
export function servicePorts(svc: Service): ServicePortInfo[] {
  const ip = svc.spec.clusterIP;
  if (svc.spec.type === 'ExternalName' || !ip || ip === 'None') return [];
  const ns = svc.metadata.namespace ?? 'default';
  const mode = svc.metadata.annotations?.[PROXY_MODE_ANNOTATION];
  return (svc.spec.ports ?? []).map((p) => ({
    name: servicePortName(ns, svc.metadata.name, p.name ?? ''),
    namespace: ns,
    service: svc.metadata.name,
    portName: p.name || p.port,
    protocol: p.protocol ?? 'TCP',
    clusterIP: ip,
    port: p.port,
    ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    ...(mode ? { proxyMode: mode } : {}),
  }));
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
    for (const port of slice.ports) {
      if (!port.port) continue;
      const key = servicePortName(namespace, service, port.name);
      const list = out.get(key) ?? [];
      for (const ep of slice.endpoints) {
        for (const ip of ep.addresses) {
          list.push({
            ip,
            port: port.port,
            ready: ep.conditions.ready,
            serving: ep.conditions.serving,
            terminating: ep.conditions.terminating,
            nodeName: ep.nodeName ?? '',
            pod: ep.targetRef?.name ?? ip,
            namespace: ep.targetRef?.namespace ?? namespace,
          });
        }
      }
      out.set(key, list);
    }
  }
  return out;
}
