import {
  endpointConditions,
  type ConnectionEvent,
  type ConnectionOutcome,
  type Pod,
  type Service,
  type StudentInfo,
} from '@l4lab/protocol';
import { podSuffix } from '../graph/textSize.ts';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import type { CounterSnapshot } from '../store/classViewSlice.ts';
import { laneTotals, snapshotAt, windowOf, type Totals } from './laneTotals.ts';

// The Class view's lanes as plain data: one per student namespace, its Services, their endpoints
// and the connections of the last minute. Two steps, so the cheap one runs often: `laneShapes`
// (objects; rebuilt when the cluster changes) and `withTraffic` (counters; four times a second).

/** Namespaces that are not a student's: the cluster's own, and the lab's. */
export const NOT_STUDENT_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
  // l4lab's own objects, should it keep any in the cluster.
  'l4lab',
  'l4lab-system',
]);

export interface LanePod {
  /** `ns/name`, as counters and events name endpoints. */
  id: string;
  name: string;
  /** The name without its owner's prefix (`qt5kt` for `web-65855b874c-qt5kt`): what tells pods apart. */
  label: string;
  /** Ready endpoint (green), or selected / listed but not ready (amber). */
  ready: boolean;
  /** Connections to this pod through this Service in the window. */
  connections: number;
}

export type LaneServiceType =
  'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName' | 'Headless';

export interface LaneService {
  /** `ns/name` */
  id: string;
  name: string;
  type: LaneServiceType;
  /** `127.96.0.12:80`, with `:30080` NodePorts after it; the external name for ExternalName. */
  address: string;
  nodePorts: number[];
  pods: LanePod[];
  connections: number;
  refused: number;
  dropped: number;
}

export interface LaneShape {
  namespace: string;
  /** The student's name (their namespace when the roster does not know it). */
  student: string;
  services: LaneService[];
}

export interface LatestReason {
  service: string;
  reason: string;
  outcome: ConnectionOutcome;
  at: number;
}

export interface ClassLane extends LaneShape {
  connections: number;
  refused: number;
  dropped: number;
  latest: LatestReason | undefined;
  /** Connection attempts per second, oldest bucket first; null where no counters were seen yet. */
  rates: (number | null)[];
}

export interface ClassTraffic {
  lanes: ClassLane[];
  /** The window the counts cover, in seconds (under 60 for a minute after the page opens). */
  windowSeconds: number;
}

const namespaceOf = (o: { metadata: { namespace?: string } }) => o.metadata.namespace ?? 'default';

function serviceType(svc: Service): LaneServiceType {
  if (svc.spec.type === 'ExternalName') return 'ExternalName';
  if (svc.spec.clusterIP === 'None') return 'Headless';
  return svc.spec.type ?? 'ClusterIP';
}

function addressOf(svc: Service, type: LaneServiceType): string {
  if (type === 'ExternalName') return svc.spec.externalName ?? '';
  const ports = svc.spec.ports ?? [];
  const first = ports[0];
  const ip = type === 'Headless' ? 'None' : (svc.spec.clusterIP ?? '');
  const more = ports.length > 1 ? ` +${ports.length - 1}` : '';
  return first ? `${ip}:${first.port}${more}` : ip;
}

/**
 * The pods behind a Service: its EndpointSlices' endpoints (ready as their condition says), then
 * pods its selector picks that no slice lists yet (no IP, or not ready), as not ready.
 */
function podsBehind(svc: Service, cluster: ClusterMirror, podsOfNs: readonly Pod[]): LanePod[] {
  const ns = namespaceOf(svc);
  const byPodName = new Map(podsOfNs.map((p) => [p.metadata.name, p]));
  const lanePod = (id: string, name: string, ready: boolean): LanePod => {
    const owner = byPodName.get(name)?.metadata.ownerReferences?.[0]?.name ?? '';
    return { id, name, label: podSuffix(name, owner), ready, connections: 0 };
  };
  const pods = new Map<string, LanePod>();
  for (const slice of cluster.endpointSlices.values()) {
    if (namespaceOf(slice) !== ns) continue;
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
    for (const ep of slice.endpoints) {
      const name = ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : ep.addresses[0];
      if (!name) continue;
      const id = `${ep.targetRef?.namespace ?? ns}/${name}`;
      const ready = endpointConditions(ep).ready || pods.get(id)?.ready === true;
      pods.set(id, lanePod(id, name, ready));
    }
  }
  const selector = Object.entries(svc.spec.selector ?? {});
  if (selector.length > 0) {
    for (const p of podsOfNs) {
      const id = `${ns}/${p.metadata.name}`;
      if (pods.has(id) || !selector.every(([k, v]) => p.metadata.labels?.[k] === v)) continue;
      pods.set(id, lanePod(id, p.metadata.name, false));
    }
  }
  return [...pods.values()].sort((a, b) => byName(a.name, b.name));
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });

/** Lanes for every student namespace (objects only), sorted by namespace (student-2 before -10). */
export function laneShapes(
  cluster: ClusterMirror,
  students: readonly Pick<StudentInfo, 'name' | 'namespace'>[],
): LaneShape[] {
  const names = new Map(students.map((s) => [s.namespace, s.name]));
  const namespaces = new Set<string>([
    ...[...cluster.namespaces.values()].map((n) => n.metadata.name),
    ...names.keys(),
    ...[...cluster.services.values()].map(namespaceOf),
  ]);
  const podsByNs = new Map<string, Pod[]>();
  for (const p of cluster.pods.values()) {
    const list = podsByNs.get(namespaceOf(p)) ?? [];
    list.push(p);
    podsByNs.set(namespaceOf(p), list);
  }
  const servicesByNs = new Map<string, Service[]>();
  for (const svc of cluster.services.values()) {
    const list = servicesByNs.get(namespaceOf(svc)) ?? [];
    list.push(svc);
    servicesByNs.set(namespaceOf(svc), list);
  }
  return [...namespaces]
    .filter((ns) => !NOT_STUDENT_NAMESPACES.has(ns))
    .sort(byName)
    .map((namespace) => ({
      namespace,
      student: names.get(namespace) ?? namespace,
      services: (servicesByNs.get(namespace) ?? [])
        .sort((a, b) => byName(a.metadata.name, b.metadata.name))
        .map((svc) => {
          const type = serviceType(svc);
          return {
            id: `${namespace}/${svc.metadata.name}`,
            name: svc.metadata.name,
            type,
            address: addressOf(svc, type),
            nodePorts: (svc.spec.ports ?? []).flatMap((p) => (p.nodePort ? [p.nodePort] : [])),
            pods: podsBehind(svc, cluster, podsByNs.get(namespace) ?? []),
            connections: 0,
            refused: 0,
            dropped: 0,
          };
        }),
    }));
}

/** Whether an event starts a connection (its close repeats the reason with outcome `ok`). */
const starts = (e: ConnectionEvent) =>
  e.outcome === 'open' || e.outcome === 'refused' || e.outcome === 'dropped';

/** The latest routing reason per namespace, read backwards from the newest event. */
export function latestReasons(
  recent: readonly ConnectionEvent[],
  namespaces: ReadonlySet<string>,
): Map<string, LatestReason> {
  const found = new Map<string, LatestReason>();
  for (let i = recent.length - 1; i >= 0 && found.size < namespaces.size; i--) {
    const e = recent[i]!;
    const ns = e.service.namespace;
    if (!starts(e) || found.has(ns) || !namespaces.has(ns)) continue;
    found.set(ns, {
      service: e.service.name,
      reason: e.reason,
      outcome: e.outcome,
      at: e.startedAt,
    });
  }
  return found;
}

/**
 * The totals at each bucket boundary of the window, oldest first (null before the first snapshot:
 * the page was not open then); the last boundary is now.
 */
function boundaries(
  history: readonly CounterSnapshot[],
  current: Totals,
  now: number,
  windowMs: number,
  buckets: number,
): (Totals | null)[] {
  const width = windowMs / buckets;
  return Array.from({ length: buckets + 1 }, (_, b) => {
    if (b === buckets) return current;
    const at = snapshotAt(history, now - windowMs + b * width);
    return at ? laneTotals(at.counters) : null;
  });
}

/** Connection attempts per second in each bucket, for one key of the totals. */
function ratesOf(edges: readonly (Totals | null)[], key: string, bucketMs: number) {
  const attempts = (t: Totals | null) => (t ? (t.get(key)?.attempts ?? 0) : null);
  return edges.slice(1).map((to, b) => {
    const a = attempts(edges[b]!);
    const z = attempts(to);
    return a === null || z === null ? null : Math.max(0, z - a) / (bucketMs / 1000);
  });
}

/** The lanes with the window's counts, the latest reason and the rate buckets. */
export function withTraffic(
  shapes: readonly LaneShape[],
  input: {
    counters: CounterSnapshot['counters'];
    history: readonly CounterSnapshot[];
    recent: readonly ConnectionEvent[];
    now: number;
    windowMs: number;
    buckets: number;
  },
): ClassTraffic {
  const { now, windowMs } = input;
  const current = laneTotals(input.counters);
  const { base, seconds } = windowOf(input.history, now, windowMs);
  // No snapshot yet: nothing is known to be recent (the counters run since the server started).
  const before = laneTotals(base ? base.counters : input.counters);
  const edges = boundaries(input.history, current, now, windowMs, input.buckets);
  const inWindow = (key: string, field: 'connections' | 'refused' | 'dropped') =>
    Math.max(0, (current.get(key)?.[field] ?? 0) - (before.get(key)?.[field] ?? 0));
  const latest = latestReasons(input.recent, new Set(shapes.map((l) => l.namespace)));
  const lanes = shapes.map((shape) => ({
    ...shape,
    services: shape.services.map((svc) => ({
      ...svc,
      connections: inWindow(svc.id, 'connections'),
      refused: inWindow(svc.id, 'refused'),
      dropped: inWindow(svc.id, 'dropped'),
      pods: svc.pods.map((p) => ({
        ...p,
        connections: inWindow(`${svc.id}|${p.id}`, 'connections'),
      })),
    })),
    connections: inWindow(shape.namespace, 'connections'),
    refused: inWindow(shape.namespace, 'refused'),
    dropped: inWindow(shape.namespace, 'dropped'),
    latest: latest.get(shape.namespace),
    rates: ratesOf(edges, shape.namespace, windowMs / input.buckets),
  }));
  return { lanes, windowSeconds: seconds };
}
