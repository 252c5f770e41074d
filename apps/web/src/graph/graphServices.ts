import type { PortMapping, Service, ServiceCondition, ServicePort } from '@l4lab/protocol';
import { FRONTENDS_LISTENING, endpointConditions } from '@l4lab/protocol';
import { mappingText, serviceType } from '../format/kube.ts';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import type { TrafficEdge } from './graphTraffic.ts';

export type FrontendKind = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';

/**
 * One address and port a Service listens on: its ClusterIP, a node's NodePort, an LB IP, an
 * externalIP. A Service with two ports has two of each (scenario 08: one box per port).
 */
export interface GraphFrontend {
  id: string;
  kind: FrontendKind;
  service: string;
  /** `127.96.0.12:80`, `node-1 :30380`, `LB 127.200.0.1:80`; the port's name after it. */
  label: string;
  node?: string;
  /** The port it listens on (the nodePort for a NodePort). */
  port: number;
  /** The Service port it stands for (`spec.ports[].port`). */
  servicePort: number;
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
  /** It routes by topology (trafficDistribution, or the topology-mode annotation): zones matter. */
  topology?: boolean;
  /**
   * The endpoint each of its latest connections got (`2` of `2 of 3`), oldest first: round robin
   * shows its turns, random and hashing do not (scenario 12).
   */
  picks: number[];
}

export const PROXY_MODE_ANNOTATION = 'l4lab.dev/proxy-mode';

/**
 * What a Service asks of topology-aware routing, as kubectl would show the field: the annotation
 * (`service.kubernetes.io/topology-mode`, or the deprecated `topology-aware-hints`, which wins)
 * set to Auto, else `trafficDistribution`; undefined when neither.
 */
export function topologyAsk(svc: Service): string | undefined {
  const a = svc.metadata.annotations ?? {};
  const deprecated = a['service.kubernetes.io/topology-aware-hints'];
  const mode = deprecated ?? a['service.kubernetes.io/topology-mode'];
  if (mode === 'Auto' || mode === 'auto')
    return deprecated !== undefined ? `topology-aware-hints: ${mode}` : `topology-mode: ${mode}`;
  const td = svc.spec.trafficDistribution;
  return td ? `trafficDistribution: ${td}` : undefined;
}

export const serviceId = (s: Service) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;

/** The frontend id an event arrived on (see `frontendsOf`): one per address and listening port. */
export function frontendId(
  service: string,
  kind: FrontendKind,
  ip: string,
  port: number,
  node?: string,
) {
  if (kind === 'ClusterIP') return `${service}|ClusterIP|${port}`;
  if (kind === 'NodePort') return `${service}|NodePort|${node ?? ip}|${port}`;
  return `${service}|${kind}|${ip}|${port}`;
}

/** The key of the NodePort a LoadBalancer connection hops through (see `GraphModel.hops`). */
export const hopKey = (lbFrontend: string, node: string) => `${lbFrontend}@${node}`;

interface Ctx {
  nodes: { name: string; ip: string }[];
  mappings: readonly PortMapping[];
  mapped: boolean;
}

function shown(ctx: Ctx, ip: string, port: number): string | number {
  return ctx.mapped ? (mappingText(ctx.mappings, ip, port) ?? port) : port;
}

function frontendsOf(svc: Service, id: string, ctx: Ctx): GraphFrontend[] {
  const type = serviceType(svc);
  const ports = svc.spec.ports ?? [];
  const ip = svc.spec.clusterIP;
  if (type === 'ExternalName' || !ip || ip === 'None') return [];
  // With two ports or more, each box says which port it is (`:80 http`, `:8080 metrics`).
  const named = (p: ServicePort) => (ports.length > 1 && p.name ? ` ${p.name}` : '');
  const list: GraphFrontend[] = [];
  for (const p of ports) {
    list.push({
      id: frontendId(id, 'ClusterIP', ip, p.port),
      kind: 'ClusterIP',
      service: id,
      label: `${ip}:${shown(ctx, ip, p.port)}${named(p)}`,
      port: p.port,
      servicePort: p.port,
    });
  }
  if (type === 'NodePort' || type === 'LoadBalancer') {
    for (const n of ctx.nodes) {
      for (const p of ports) {
        if (!p.nodePort) continue;
        list.push({
          id: frontendId(id, 'NodePort', n.ip, p.nodePort, n.name),
          kind: 'NodePort',
          service: id,
          node: n.name,
          label: `${n.name} :${shown(ctx, n.ip, p.nodePort)}${named(p)}`,
          port: p.nodePort,
          servicePort: p.port,
        });
      }
    }
  }
  const external = [
    ...(svc.status?.loadBalancer?.ingress ?? []).flatMap((ing) =>
      ing.ip ? [{ kind: 'LoadBalancer' as const, ip: ing.ip, tag: 'LB ' }] : [],
    ),
    ...(svc.spec.externalIPs ?? []).map((eip) => ({
      kind: 'ExternalIP' as const,
      ip: eip,
      tag: 'ext ',
    })),
  ];
  for (const x of external) {
    for (const p of ports) {
      list.push({
        id: frontendId(id, x.kind, x.ip, p.port),
        kind: x.kind,
        service: id,
        label: `${x.tag}${x.ip}:${shown(ctx, x.ip, p.port)}${named(p)}`,
        port: p.port,
        servicePort: p.port,
      });
    }
  }
  return list;
}

const lbIps = (svc: Service) =>
  (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])).join(', ');

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
  const topology = dnsOnly ? undefined : topologyAsk(svc);
  if (topology) notes.push(topology);
  if (!dnsOnly && !svc.spec.selector) notes.push('no selector: manual endpoints');
  // A LoadBalancer's box leads with its external IP; its ClusterIP is still there, inside.
  if (type === 'LoadBalancer') notes.unshift(`clusterIP ${svc.spec.clusterIP ?? '<pending>'}`);
  const listening = svc.status?.conditions?.find((c) => c.type === FRONTENDS_LISTENING);
  if (listening?.status === 'False') notes.unshift(listeningNote(listening));
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
          : type === 'LoadBalancer'
            ? `LoadBalancer ${lbIps(svc) || '<pending>'}`
            : `${type} ${svc.spec.clusterIP ?? '<pending>'}`,
    ports: (svc.spec.ports ?? []).map(
      (p) =>
        `${p.name ? `${p.name} ` : ''}${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'} → ${p.targetPort ?? p.port}`,
    ),
    mode: dnsOnly ? '' : (annotated ?? defaultMode),
    picks: [],
    modeFromAnnotation: annotated !== undefined,
    dnsOnly,
    ...(topology ? { topology: true } : {}),
    notes:
      type === 'ExternalName'
        ? [
            `CNAME → ${(svc.spec.externalName ?? '?').replace(/\.svc\.cluster\.local\.?$/, '')}`,
            'no listener, no proxy hop',
          ]
        : notes,
  };
}

/**
 * kube-proxy's word when frontends cannot listen, short enough for the box: `⚠ 127.96.0.7:80 held
 * by a host process`, `⚠ not listening: too many open files` (the whole message is in details).
 */
export function listeningNote(c: Pick<ServiceCondition, 'reason' | 'message'>): string {
  const addresses = [
    ...c.message.matchAll(/(?:ClusterIP|NodePort|LoadBalancer|ExternalIP) (\S+?)\/(?:TCP|UDP)/g),
  ].map((m) => m[1]!);
  const where = addresses.length > 1 ? `${addresses[0]} +${addresses.length - 1}` : addresses[0];
  if (c.reason === 'AddressInUse') return `⚠ ${where ?? 'a frontend'} held by a host process`;
  if (c.reason === 'TooManyOpenFiles') return '⚠ not listening: too many open files';
  return `⚠ not listening: ${where ?? 'a frontend'}`;
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
  visible: (ns: string, serviceName?: string) => boolean,
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
    .filter(
      (s) =>
        visible(s.metadata.namespace ?? 'default', s.metadata.name) &&
        (!keep || keep(serviceId(s))),
    )
    .sort((a, b) => serviceId(a).localeCompare(serviceId(b)));
  const ids = new Set(list.map(serviceId));
  const services = list.map((s) => describe(s, input.defaultMode));
  const ready = new Set<string>();
  for (const slice of cluster.endpointSlices.values()) {
    const name = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (name && slice.endpoints.some((e) => endpointConditions(e).ready)) {
      ready.add(`${slice.metadata.namespace ?? 'default'}/${name}`);
    }
  }
  for (const s of services) {
    if (!s.dnsOnly && !ready.has(s.id)) s.notes.unshift('no ready endpoints: refused');
  }
  const frontends = list.flatMap((s) => frontendsOf(s, serviceId(s), ctx));
  const staticEdges: TrafficEdge[] = [];
  const hops = new Map<string, string>();
  for (const f of frontends) {
    staticEdges.push(edge(`${f.id}->svc`, 'frontend', f.id, 'service', f.service));
    if (f.kind === 'LoadBalancer') {
      for (const n of frontends) {
        if (n.service !== f.service || n.kind !== 'NodePort' || n.servicePort !== f.servicePort)
          continue;
        staticEdges.push(edge(`${f.id}->${n.id}`, 'frontend', f.id, 'frontend', n.id, 'lb'));
        if (n.node) hops.set(hopKey(f.id, n.node), n.id);
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
          endpointConditions(ep).ready ? 'endpoint' : 'unready',
        ),
      );
    }
  }
  return { services, frontends, staticEdges, hops };
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
