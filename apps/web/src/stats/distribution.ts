import type { Service, TrafficStatus } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import { uniformVerdict, type UniformVerdict } from './chiSquare.ts';
import type { Snapshot } from './countWindow.ts';
import { serviceEndpoints } from './serviceEndpoints.ts';

export interface EndpointRow {
  /** `ns/pod` */
  endpoint: string;
  /** Connections (or requests) over the window. */
  count: number;
  /**
   * `ready`: kube-proxy may pick it now; `not-ready`: behind the Service (EndpointSlice or
   * selector) but not picked; `gone`: picked during the window, no longer behind the Service.
   */
  state: 'ready' | 'not-ready' | 'gone';
}

export interface SplitTest {
  /** The ready endpoints' counts since `from`. */
  counts: { endpoint: string; count: number }[];
  /** The later of the window's start and the last change of the ready endpoints (ms). */
  from: number;
  /** `from` is when the ready endpoints last changed, inside the window. */
  sinceChange: boolean;
  verdict: UniformVerdict;
}

export interface Split {
  /** Every endpoint behind the Service now (zeros included), then the gone ones. */
  rows: EndpointRow[];
  total: number;
  test: SplitTest;
}

export interface ServiceDistribution {
  /** `ns/name` */
  service: string;
  connections: Split;
  /** Connections refused or dropped for want of an endpoint, over the window. */
  refused: number;
  /**
   * Connections kube-proxy sent to a pod that the pods' network dropped (a NetworkPolicy), over
   * the window: not in the split, which counts connections a pod took.
   */
  blocked: number;
  /** The generators' requests per pod; undefined when no generator sends to this Service. */
  requests: Split | undefined;
  /** Connections the generators opened for those requests, over the window. */
  requestConnections: number;
  keepAlive: boolean;
  /** Why a uniform split is not what this Service promises (affinity, hashing modes, Local). */
  notUniform: string | undefined;
}

export interface DistributionInput {
  cluster: ClusterMirror;
  /** The counts now. */
  now: Snapshot;
  /** The counts at the window's start. */
  start: Snapshot;
  /** When a Service's ready endpoints last changed (the counts then). */
  readySince(service: string): Snapshot | undefined;
  defaultMode: string;
  visible(namespace: string, serviceName: string): boolean;
}

function whyNotUniform(svc: Service, defaultMode: string): string | undefined {
  if (svc.spec.sessionAffinity === 'ClientIP')
    return 'sessionAffinity ClientIP: each client sticks to one pod';
  const mode = svc.metadata.annotations?.['l4lab.dev/proxy-mode'] ?? defaultMode;
  if (mode === 'maglev' || mode === 'ipvs:sh' || mode === 'ipvs:dh')
    return `${mode} hashes clients onto pods`;
  if (mode === 'ipvs:lc' || mode === 'ipvs:wlc' || mode === 'ipvs:sed' || mode === 'ipvs:nq')
    return `${mode} follows open connections, not a uniform draw`;
  if (svc.spec.externalTrafficPolicy === 'Local' || svc.spec.internalTrafficPolicy === 'Local')
    return 'a Local traffic policy keeps traffic on the node it arrives at';
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

interface Tally {
  byEndpoint: Map<string, number>;
  refused: number;
  blocked: number;
}

/** Connections per Service (ports summed) per endpoint between two snapshots. */
function connectionTallies(now: Snapshot, base: Snapshot): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const [key, c] of now.counters) {
    const b = base.counters.get(key);
    const service = c.service.replace(/:[^:/]*$/, '');
    const tally = out.get(service) ?? {
      byEndpoint: new Map<string, number>(),
      refused: 0,
      blocked: 0,
    };
    out.set(service, tally);
    if (c.endpoint) {
      const n = Math.max(0, c.connections - (b?.connections ?? 0));
      tally.byEndpoint.set(c.endpoint, (tally.byEndpoint.get(c.endpoint) ?? 0) + n);
      tally.blocked += Math.max(0, c.dropped - (b?.dropped ?? 0));
    } else {
      tally.refused += Math.max(0, c.refused + c.dropped - (b ? b.refused + b.dropped : 0));
    }
  }
  return out;
}

interface RequestTally {
  byEndpoint: Map<string, number>;
  connections: number;
  requests: number;
}

/** Requests per pod the generators aiming at `svc` got answered between two snapshots. */
function requestTally(
  now: Snapshot,
  base: Snapshot,
  svc: Service,
  nodeIPs: Set<string>,
): RequestTally | undefined {
  const ns = svc.metadata.namespace ?? 'default';
  let out: RequestTally | undefined;
  for (const g of now.generators.values()) {
    if (!aims(g, svc, nodeIPs)) continue;
    out ??= { byEndpoint: new Map(), connections: 0, requests: 0 };
    const b = base.generators.get(g.id);
    for (const [pod, n] of Object.entries(g.byPod)) {
      const d = Math.max(0, n - (b?.byPod[pod] ?? 0));
      out.byEndpoint.set(`${ns}/${pod}`, (out.byEndpoint.get(`${ns}/${pod}`) ?? 0) + d);
    }
    const conns = (g: TrafficStatus) => g.connections ?? g.ok;
    out.connections += Math.max(0, conns(g) - (b ? conns(b) : 0));
    out.requests += Math.max(0, g.ok - (b?.ok ?? 0));
  }
  return out;
}

function split(
  counts: ReadonlyMap<string, number>,
  behind: ReadonlyMap<string, 'ready' | 'not-ready'>,
  tested: ReadonlyMap<string, number>,
  from: number,
  sinceChange: boolean,
): Split {
  const rows: EndpointRow[] = [...behind].map(([endpoint, state]) => ({
    endpoint,
    count: counts.get(endpoint) ?? 0,
    state,
  }));
  for (const [endpoint, count] of counts) {
    if (!behind.has(endpoint) && count > 0) rows.push({ endpoint, count, state: 'gone' });
  }
  rows.sort(
    (a, b) =>
      Number(a.state === 'gone') - Number(b.state === 'gone') ||
      a.endpoint.localeCompare(b.endpoint),
  );
  const ready = rows.filter((r) => r.state === 'ready');
  const testCounts = ready.map((r) => ({
    endpoint: r.endpoint,
    count: tested.get(r.endpoint) ?? 0,
  }));
  return {
    rows,
    total: rows.reduce((n, r) => n + r.count, 0),
    test: {
      counts: testCounts,
      from,
      sinceChange,
      verdict: uniformVerdict(testCounts.map((c) => c.count)),
    },
  };
}

/**
 * Per Service that exists now and had traffic in the window: how its connections (and the
 * generators' requests) spread over the pods behind it, and whether that split could be a
 * uniform draw among its ready endpoints, counted since those last changed.
 */
export function distributions(input: DistributionInput): ServiceDistribution[] {
  const { cluster, now, start } = input;
  const windowed = connectionTallies(now, start);
  const nodeIPs = new Set(
    [...cluster.nodes.values()].flatMap((n) => n.status.addresses.map((a) => a.address)),
  );
  const out: ServiceDistribution[] = [];
  for (const [service, svc] of cluster.services) {
    if (!input.visible(svc.metadata.namespace ?? 'default', svc.metadata.name)) continue;
    const tally = windowed.get(service);
    const req = requestTally(now, start, svc, nodeIPs);
    const connTotal = tally ? [...tally.byEndpoint.values()].reduce((a, b) => a + b, 0) : 0;
    const active =
      connTotal > 0 ||
      (tally?.refused ?? 0) > 0 ||
      (tally?.blocked ?? 0) > 0 ||
      (req?.requests ?? 0) > 0;
    if (!active) continue;
    const since = input.readySince(service);
    const base = since && since.t > start.t ? since : start;
    const sinceChange = base !== start;
    const behind = serviceEndpoints(cluster, service);
    const testTally = sinceChange ? connectionTallies(now, base).get(service) : tally;
    const testReq = sinceChange ? requestTally(now, base, svc, nodeIPs) : req;
    out.push({
      service,
      connections: split(
        tally?.byEndpoint ?? new Map(),
        behind,
        testTally?.byEndpoint ?? new Map(),
        base.t,
        sinceChange,
      ),
      refused: tally?.refused ?? 0,
      blocked: tally?.blocked ?? 0,
      requests: req
        ? split(req.byEndpoint, behind, testReq?.byEndpoint ?? new Map(), base.t, sinceChange)
        : undefined,
      requestConnections: req?.connections ?? 0,
      keepAlive: !!req && req.connections < req.requests,
      notUniform: whyNotUniform(svc, input.defaultMode),
    });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service));
}
