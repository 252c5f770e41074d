import type { PortMapping, Service } from '@l4lab/protocol';
import { mappingText, serviceType } from '../format/kube.ts';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import type { TrafficEdge } from './graphTraffic.ts';

export type FrontendKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';

/** One address a Service listens on: its ClusterIP, a node's NodePort, an LB IP, an externalIP. */
export interface GraphFrontend {
  id: string;
  kind: FrontendKind;
  service: string;
  /** `127.96.0.12:80`, `node-1 127.18.0.2:30380` */
  label: string;
  node?: string;
}

export interface GraphService {
  id: string;
  namespace: string;
  name: string;
  type: string;
  /** `ClusterIP 127.96.0.12`, `headless · DNS only`, `ExternalName → x.y.svc.cluster.local` */
  detail: string;
  ports: string[];
  /** Proxy mode in effect (annotation or the cluster's default); empty for DNS-only Services. */
  mode: string;
  modeFromAnnotation: boolean;
  dnsOnly: boolean;
  /** Extra facts: `sessionAffinity: ClientIP`, `externalTrafficPolicy: Local`. */
  notes: string[];
}

export const PROXY_MODE_ANNOTATION = 'l4lab.dev/proxy-mode';

export const serviceId = (s: Service) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;

/** The frontend id an event arrived on (see `frontendsOf`). */
export function frontendId(service: string, kind: FrontendKind, ip: string, node?: string) {
  if (kind === 'ClusterIP') return `${service}|ClusterIP`;
  if (kind === 'NodePort') return `${service}|NodePort|${node ?? ip}`;
  return `${service}|${kind}|${ip}`;
}

interface Ctx {
  nodes: { name: string; ip: string }[];
  mappings: readonly PortMapping[];
  mapped: boolean;
}

function at(ctx: Ctx, ip: string, ports: number[]): string {
  const shown = ports.map((p) => (ctx.mapped ? (mappingText(ctx.mappings, ip, p) ?? p) : p));
  return `${ip}:${shown.join(',')}`;
}

function frontendsOf(svc: Service, id: string, ctx: Ctx): GraphFrontend[] {
  const type = serviceType(svc);
  const ports = svc.spec.ports ?? [];
  const ip = svc.spec.clusterIP;
  if (type === 'ExternalName' || !ip || ip === 'None') return [];
  const list: GraphFrontend[] = [
    {
      id: frontendId(id, 'ClusterIP', ip),
      kind: 'ClusterIP',
      service: id,
      label: at(
        ctx,
        ip,
        ports.map((p) => p.port),
      ),
    },
  ];
  const nodePorts = ports.flatMap((p) => (p.nodePort ? [p.nodePort] : []));
  if ((type === 'NodePort' || type === 'LoadBalancer') && nodePorts.length > 0) {
    for (const n of ctx.nodes) {
      list.push({
        id: frontendId(id, 'NodePort', n.ip, n.name),
        kind: 'NodePort',
        service: id,
        node: n.name,
        label: `${n.name} :${nodePorts
          .map((p) => (ctx.mapped ? (mappingText(ctx.mappings, n.ip, p) ?? p) : p))
          .join(',')}`,
      });
    }
  }
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    list.push({
      id: frontendId(id, 'LoadBalancer', ing.ip),
      kind: 'LoadBalancer',
      service: id,
      label: `LB ${at(
        ctx,
        ing.ip,
        ports.map((p) => p.port),
      )}`,
    });
  }
  for (const eip of svc.spec.externalIPs ?? []) {
    list.push({
      id: frontendId(id, 'ExternalIP', eip),
      kind: 'ExternalIP',
      service: id,
      label: `ext ${at(
        ctx,
        eip,
        ports.map((p) => p.port),
      )}`,
    });
  }
  return list;
}

function describe(svc: Service, defaultMode: string): GraphService {
  const id = serviceId(svc);
  const type = serviceType(svc);
  const headless = svc.spec.clusterIP === 'None';
  const annotated = svc.metadata.annotations?.[PROXY_MODE_ANNOTATION];
  const dnsOnly = headless || type === 'ExternalName';
  const notes: string[] = [];
  if (svc.spec.sessionAffinity === 'ClientIP') notes.push('sessionAffinity: ClientIP');
  if (svc.spec.externalTrafficPolicy === 'Local') notes.push('externalTrafficPolicy: Local');
  if (svc.spec.internalTrafficPolicy === 'Local') notes.push('internalTrafficPolicy: Local');
  if (!dnsOnly && !svc.spec.selector) notes.push('no selector: manual endpoints');
  return {
    id,
    namespace: svc.metadata.namespace ?? 'default',
    name: svc.metadata.name,
    type: headless ? 'headless' : type,
    detail:
      type === 'ExternalName'
        ? 'ExternalName · DNS only'
        : headless
          ? 'headless · DNS only, no proxy'
          : `${type} ${svc.spec.clusterIP ?? '<pending>'}`,
    ports: (svc.spec.ports ?? []).map(
      (p) =>
        `${p.name ? `${p.name} ` : ''}${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'} → ${p.targetPort ?? p.port}`,
    ),
    mode: dnsOnly ? '' : (annotated ?? defaultMode),
    modeFromAnnotation: annotated !== undefined,
    dnsOnly,
    notes:
      type === 'ExternalName'
        ? [
            `CNAME → ${(svc.spec.externalName ?? '?').replace(/\.svc\.cluster\.local\.?$/, '')}`,
            'no listener, no proxy hop',
          ]
        : notes,
  };
}

/** `x.ns.svc.cluster.local` (or `x.ns`) -> `ns/x`, when it names a Service of this cluster. */
export function aliasTarget(name: string | undefined, services: ReadonlySet<string>) {
  if (!name) return undefined;
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?\.?$/.exec(name);
  const id = m ? `${m[2]}/${m[1]}` : undefined;
  return id && services.has(id) ? id : undefined;
}

export function buildServices(
  input: {
    cluster: ClusterMirror;
    mappings: readonly PortMapping[];
    mapped: boolean;
    defaultMode: string;
  },
  visible: (ns: string) => boolean,
  /** Only these Services (by `ns/name`); all when omitted. */
  keep?: (id: string) => boolean,
) {
  const { cluster } = input;
  const nodes = [...cluster.nodes.values()]
    .map((n) => ({
      name: n.metadata.name,
      ip: n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '',
    }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const ctx: Ctx = { nodes, mappings: input.mappings, mapped: input.mapped };
  const list = [...cluster.services.values()]
    .filter((s) => visible(s.metadata.namespace ?? 'default') && (!keep || keep(serviceId(s))))
    .sort((a, b) => serviceId(a).localeCompare(serviceId(b)));
  const ids = new Set(list.map(serviceId));
  const services = list.map((s) => describe(s, input.defaultMode));
  const ready = new Set<string>();
  for (const slice of cluster.endpointSlices.values()) {
    const name = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (name && slice.endpoints.some((e) => e.conditions.ready)) {
      ready.add(`${slice.metadata.namespace ?? 'default'}/${name}`);
    }
  }
  for (const s of services) {
    if (!s.dnsOnly && !ready.has(s.id)) s.notes.unshift('no ready endpoints: refused');
  }
  const frontends = list.flatMap((s) => frontendsOf(s, serviceId(s), ctx));
  const staticEdges: TrafficEdge[] = [];
  for (const f of frontends) {
    staticEdges.push(edge(`${f.id}->svc`, 'frontend', f.id, 'service', f.service));
    if (f.kind === 'LoadBalancer') {
      for (const n of frontends.filter((x) => x.service === f.service && x.kind === 'NodePort')) {
        staticEdges.push(edge(`${f.id}->${n.id}`, 'frontend', f.id, 'frontend', n.id, 'lb'));
      }
    }
  }
  for (const s of list) {
    const target = aliasTarget(s.spec.externalName, ids);
    if (s.spec.type === 'ExternalName' && target) {
      staticEdges.push(
        edge(`${serviceId(s)}=>alias`, 'service', serviceId(s), 'service', target, 'alias'),
      );
    }
  }
  const seen = new Set<string>();
  for (const slice of cluster.endpointSlices.values()) {
    const name = slice.metadata.labels?.['kubernetes.io/service-name'];
    const ns = slice.metadata.namespace ?? 'default';
    if (!name || !ids.has(`${ns}/${name}`)) continue;
    for (const ep of slice.endpoints) {
      if (ep.targetRef?.kind !== 'Pod') continue;
      const pod = `${ep.targetRef.namespace ?? ns}/${ep.targetRef.name}`;
      const id = `${ns}/${name}->${pod}`;
      if (seen.has(id)) continue;
      seen.add(id);
      staticEdges.push(
        edge(
          id,
          'service',
          `${ns}/${name}`,
          'pod',
          pod,
          ep.conditions.ready ? 'endpoint' : 'unready',
        ),
      );
    }
  }
  return { services, frontends, staticEdges };
}

function edge(
  id: string,
  fromLane: TrafficEdge['fromLane'],
  from: string,
  toLane: TrafficEdge['toLane'],
  to: string,
  style: TrafficEdge['style'] = 'plain',
): TrafficEdge {
  return { id, fromLane, from, toLane, to, style, rate: 0, tip: [] };
}
