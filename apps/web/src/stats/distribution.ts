import type { EndpointCounters, Service, TrafficStatus } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import { chiSquareUniform, type ChiSquare } from './chiSquare.ts';

export interface Share {
  endpoint: string;
  count: number;
  /** The endpoint is in the Service's EndpointSlices and ready now. */
  ready: boolean;
}

export interface ServiceDistribution {
  service: string;
  connections: Share[];
  refused: number;
  /** Requests per pod answered through this Service (traffic generators' counts). */
  requests: Share[];
  /** Connections the generators opened for those requests. */
  requestConnections: number;
  keepAlive: boolean;
  connTest: ChiSquare | undefined;
  reqTest: ChiSquare | undefined;
  /** Why a uniform split is not what this Service promises (affinity, hashing modes). */
  notUniform: string | undefined;
}

function readyEndpoints(cluster: ClusterMirror, service: string): Set<string> {
  const [ns, name] = service.split('/');
  const ready = new Set<string>();
  for (const s of cluster.endpointSlices.values()) {
    if (s.metadata.namespace !== ns || s.metadata.labels?.['kubernetes.io/service-name'] !== name)
      continue;
    for (const ep of s.endpoints) {
      if (ep.conditions.ready && ep.targetRef)
        ready.add(`${ep.targetRef.namespace ?? ns}/${ep.targetRef.name}`);
    }
  }
  return ready;
}

function whyNotUniform(svc: Service | undefined, defaultMode: string): string | undefined {
  if (!svc) return undefined;
  if (svc.spec.sessionAffinity === 'ClientIP')
    return 'sessionAffinity ClientIP: each client sticks to one pod';
  const mode = svc.metadata.annotations?.['l4lab.dev/proxy-mode'] ?? defaultMode;
  if (mode === 'maglev' || mode === 'ipvs:sh' || mode === 'ipvs:dh')
    return `${mode} hashes clients onto pods`;
  if (mode === 'ipvs:lc' || mode === 'ipvs:wlc' || mode === 'ipvs:sed' || mode === 'ipvs:nq') {
    return `${mode} follows open connections, not a uniform draw`;
  }
  return undefined;
}

/** Targets of a generator that mean this Service: its DNS names and its addresses. */
function aims(g: TrafficStatus, svc: Service, nodeIPs: Set<string>): boolean {
  const ns = svc.metadata.namespace ?? 'default';
  const host = g.target.replace(/:\d+$/, '');
  const names = [
    svc.metadata.name,
    `${svc.metadata.name}.${ns}`,
    `${svc.metadata.name}.${ns}.svc`,
    `${svc.metadata.name}.${ns}.svc.cluster.local`,
  ];
  const ips = [
    svc.spec.clusterIP,
    ...(svc.spec.externalIPs ?? []),
    ...(svc.status?.loadBalancer?.ingress?.map((i) => i.ip) ?? []),
  ];
  const resolved = g.resolved.replace(/:\d+$/, '');
  const nodePorts = (svc.spec.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : []));
  const port = Number(g.resolved.split(':').pop());
  return (
    names.includes(host) ||
    ips.includes(resolved) ||
    (nodeIPs.has(resolved) && nodePorts.includes(port))
  );
}

export function distributions(
  cluster: ClusterMirror,
  counters: Iterable<EndpointCounters>,
  generators: Iterable<TrafficStatus>,
  defaultMode: string,
  visible: (ns: string) => boolean,
): ServiceDistribution[] {
  const byService = new Map<string, Map<string, number>>();
  const refused = new Map<string, number>();
  for (const c of counters) {
    const service = c.service.replace(/:[^:/]*$/, '');
    if (!visible(service.split('/')[0]!)) continue;
    const rows = byService.get(service) ?? new Map<string, number>();
    byService.set(service, rows);
    if (c.endpoint) rows.set(c.endpoint, (rows.get(c.endpoint) ?? 0) + c.connections);
    else refused.set(service, (refused.get(service) ?? 0) + c.refused + c.dropped);
  }
  const gens = [...generators];
  const nodeIPs = new Set(
    [...cluster.nodes.values()].flatMap((n) => n.status.addresses.map((a) => a.address)),
  );
  return [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, rows]) => {
      const ready = readyEndpoints(cluster, service);
      for (const r of ready) if (!rows.has(r)) rows.set(r, 0);
      const connections = [...rows.entries()]
        .map(([endpoint, count]) => ({ endpoint, count, ready: ready.has(endpoint) }))
        .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
      const svc = cluster.services.get(service);
      const ns = service.split('/')[0]!;
      const req = new Map<string, number>();
      let requestConnections = 0;
      let keepAlive = false;
      for (const g of gens) {
        if (!svc || !aims(g, svc, nodeIPs)) continue;
        for (const [pod, n] of Object.entries(g.byPod))
          req.set(`${ns}/${pod}`, (req.get(`${ns}/${pod}`) ?? 0) + n);
        requestConnections += g.connections ?? g.ok;
        if ((g.connections ?? g.ok) < g.ok) keepAlive = true;
      }
      const requests = [...req.entries()]
        .map(([endpoint, count]) => ({ endpoint, count, ready: ready.has(endpoint) }))
        .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
      const tested = (list: Share[]) =>
        chiSquareUniform(list.filter((s) => s.ready || s.count > 0).map((s) => s.count));
      return {
        service,
        connections,
        refused: refused.get(service) ?? 0,
        requests,
        requestConnections,
        keepAlive,
        connTest: tested(connections),
        reqTest: tested(requests),
        notUniform: whyNotUniform(svc, defaultMode),
      };
    });
}
