import { describe, expect, it } from 'vitest';
import type {
  EndpointCounters,
  EndpointSlice,
  KubeObject,
  Pod,
  Service,
  TrafficStatus,
} from '@l4lab/protocol';
import { emptyMirror, mirrorOf, type ClusterMirror } from '../store/clusterMirror.ts';
import {
  emptyWindow,
  recordSnapshot,
  resetWindow,
  windowStart,
  type CountWindow,
  type Snapshot,
  type WindowMode,
} from './countWindow.ts';
import { distributions, type ServiceDistribution } from './distribution.ts';

// Addresses: services 127.100.0.0/16, pods 127.150.0.0/16 (test ranges). Times in ms from 0.

function makeService(name: string, mutate?: (s: Service) => void): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, clusterIP: '127.100.0.10', ports: [{ port: 80 }] },
  };
  mutate?.(s);
  return s;
}

function makePod(name: string, app: string, phase: 'Pending' | 'Running' = 'Running'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app } },
    spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    status: { phase },
  };
}

/** An EndpointSlice of Service `service` with `ready` and `unready` pods. */
function makeSlice(service: string, ready: string[], unready: string[] = []): EndpointSlice {
  const ep = (pod: string, isReady: boolean, i: number) => ({
    addresses: [`127.150.0.${i + 2}`],
    conditions: { ready: isReady, serving: isReady, terminating: false },
    targetRef: { kind: 'Pod' as const, namespace: 'default', name: pod, uid: pod },
  });
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service}-abcde`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: 'IPv4',
    endpoints: [
      ...ready.map((p, i) => ep(p, true, i)),
      ...unready.map((p, i) => ep(p, false, ready.length + i)),
    ],
    ports: [{ name: '', port: 80, protocol: 'TCP' }],
  };
}

/** A lab with Service `api` and its pods: `ready` in the EndpointSlice and ready. */
function lab(ready: string[], extra: KubeObject[] = []): ClusterMirror {
  return mirrorOf([
    makeService('api'),
    ...ready.map((p) => makePod(p, 'api')),
    makeSlice('api', ready),
    ...extra,
  ]);
}

/** Cumulative connection counts `{ 'default/api': { 'api-x': 3 } }` as the store keeps them. */
function counters(
  counts: Record<string, Record<string, number>>,
): ReadonlyMap<string, EndpointCounters> {
  const out = new Map<string, EndpointCounters>();
  for (const [service, pods] of Object.entries(counts)) {
    for (const [pod, connections] of Object.entries(pods)) {
      const endpoint = pod === '' ? '' : `default/${pod}`;
      out.set(`${service}:80|${endpoint}`, {
        service: `${service}:80`,
        endpoint,
        connections: endpoint ? connections : 0,
        active: 0,
        bytesIn: 0,
        bytesOut: 0,
        refused: endpoint ? 0 : connections,
        dropped: 0,
        reset: 0,
      });
    }
  }
  return out;
}

function generator(byPod: Record<string, number>, connections: number): TrafficStatus {
  const ok = Object.values(byPod).reduce((a, b) => a + b, 0);
  return {
    id: 'g1',
    target: 'api.default:80',
    resolved: '127.100.0.10:80',
    from: 'host',
    protocol: 'http',
    rate: 40,
    state: 'running',
    startedAt: 0,
    sent: ok,
    ok,
    errors: 0,
    byPod,
    latencyMs: { p50: 1, p90: 1, p99: 1 },
    connections,
  };
}

function snap(
  t: number,
  counts: Record<string, Record<string, number>>,
  gens: TrafficStatus[] = [],
): Snapshot {
  return { t, counters: counters(counts), generators: new Map(gens.map((g) => [g.id, g])) };
}

/** Feeds `steps` (a snapshot and the cluster then) to a window, as the page's hook does. */
function record(steps: [Snapshot, ClusterMirror][]): CountWindow {
  return steps.reduce((w, [s, c]) => recordSnapshot(w, s, c), emptyWindow());
}

function panel(w: CountWindow, now: Snapshot, cluster: ClusterMirror, mode: WindowMode = 'window') {
  return distributions({
    cluster,
    now,
    start: windowStart(w, mode, now.t) ?? now,
    readySince: (service) => w.readySets.get(service)?.since,
    defaultMode: 'iptables',
    visible: () => true,
  });
}

const rows = (
  d: ServiceDistribution | undefined,
  unit: 'connections' | 'requests' = 'connections',
) => Object.fromEntries((d?.[unit]?.rows ?? []).map((r) => [r.endpoint.split('/')[1], r.count]));

describe('distributions', () => {
  const pods = ['api-7c9f8d6b5-aaaaa', 'api-7c9f8d6b5-bbbbb'];
  const [a, b] = pods as [string, string];

  it('counts the last 60 s by default, and everything since reset on request', () => {
    const cluster = lab(pods);
    const w = record([
      [snap(0, { 'default/api': { [a]: 10, [b]: 0 } }), cluster],
      [snap(5_000, { 'default/api': { [a]: 60, [b]: 0 } }), cluster], // a burst, 65 s before now
      [snap(40_000, { 'default/api': { [a]: 75, [b]: 15 } }), cluster],
    ]);
    const now = snap(70_000, { 'default/api': { [a]: 90, [b]: 30 } });
    expect(rows(panel(w, now, cluster)[0])).toEqual({ [a]: 30, [b]: 30 });
    expect(rows(panel(w, now, cluster, 'reset')[0])).toEqual({ [a]: 80, [b]: 30 });
    // Reset: nothing has happened since, so the Service has nothing to show.
    expect(panel(resetWindow(w, now), now, cluster, 'reset')).toEqual([]);
    // And 60 s after the last connection, the window is empty too.
    const later = recordSnapshot(w, now, cluster);
    expect(panel(later, { ...now, t: 131_000 }, cluster)).toEqual([]);
  });

  it('lists every pod behind the Service, at 0 too, and not-ready pods the selector matches', () => {
    const c = 'api-7c9f8d6b5-ccccc';
    const cluster = lab([...pods, c], [makePod('api-7c9f8d6b5-ddddd', 'api', 'Pending')]);
    // The page opens on an empty store; the cluster arrives a moment later: not a change.
    const w = record([
      [snap(0, {}), emptyMirror()],
      [snap(300, {}), cluster],
    ]);
    const d = panel(w, snap(30_000, { 'default/api': { [a]: 40, [b]: 35 } }), cluster)[0]!;
    expect(d.connections.test).toMatchObject({ from: 0, sinceChange: false });
    expect(d.connections.rows.map((r) => [r.endpoint, r.count, r.state])).toEqual([
      [`default/${a}`, 40, 'ready'],
      [`default/${b}`, 35, 'ready'],
      [`default/${c}`, 0, 'ready'],
      ['default/api-7c9f8d6b5-ddddd', 0, 'not-ready'],
    ]);
    // One ready endpoint got nothing of 75: never called uniform.
    expect(d.connections.test.verdict.kind).toBe('not-uniform');
  });

  it('scenario 11 (keep-alive, 2 clients, 3 pods): the request view lists the idle pod and says not uniform', () => {
    const c = 'api-7c9f8d6b5-ccccc';
    const cluster = lab([...pods, c]);
    const w = record([[snap(0, {}, [generator({}, 0)]), cluster]]);
    const now = snap(20_000, { 'default/api': { [a]: 1, [b]: 1 } }, [
      generator({ [a]: 410, [b]: 395 }, 2),
    ]);
    const d = panel(w, now, cluster)[0]!;
    expect(rows(d, 'requests')).toEqual({ [a]: 410, [b]: 395, [c]: 0 });
    expect(d.requests?.test.verdict.kind).toBe('not-uniform');
    expect(d.keepAlive).toBe(true);
    expect(d.requestConnections).toBe(2);
    // Two connections over three pods: too few for χ², and it says how many more are needed.
    expect(d.connections.test.verdict).toEqual({ kind: 'too-few', total: 2, more: 13 });
  });

  it('shows only Services that exist now', () => {
    const cluster = lab(pods);
    const w = record([[snap(0, {}), cluster]]);
    const now = snap(10_000, {
      'default/api': { [a]: 5, [b]: 5 },
      'default/deleted': { 'deleted-6d4cf56db6-xxxxx': 50 },
    });
    expect(panel(w, now, cluster).map((d) => d.service)).toEqual(['default/api']);
  });

  it('after a pod is replaced, tests only since the ready endpoints changed (plain random stays uniform)', () => {
    const c = 'api-7c9f8d6b5-ccccc';
    const before = lab(pods);
    const during = lab([b]); // a killed: b alone for a moment
    const after = lab([b, c]);
    const w = record([
      [snap(0, {}), before],
      [snap(20_000, { 'default/api': { [a]: 100, [b]: 100 } }), during],
      [snap(21_000, { 'default/api': { [a]: 100, [b]: 110 } }), after],
    ]);
    const now = snap(40_000, { 'default/api': { [a]: 100, [b]: 210, [c]: 100 } });
    const d = panel(w, now, after)[0]!;
    expect(rows(d)).toEqual({ [a]: 100, [b]: 210, [c]: 100 });
    expect(d.connections.rows.find((r) => r.endpoint.endsWith(a))?.state).toBe('gone');
    expect(d.connections.test).toMatchObject({
      counts: [
        { endpoint: `default/${b}`, count: 100 },
        { endpoint: `default/${c}`, count: 100 },
      ],
      from: 21_000,
      sinceChange: true,
    });
    expect(d.connections.test.verdict.kind).toBe('no-evidence');
  });

  it('counts refusals, and says why a Service with affinity is not expected to be uniform', () => {
    const cluster = mirrorOf([
      makeService('api', (s) => (s.spec.sessionAffinity = 'ClientIP')),
      ...pods.map((p) => makePod(p, 'api')),
      makeSlice('api', pods),
    ]);
    const w = record([[snap(0, { 'default/api': { '': 4 } }), cluster]]);
    const d = panel(w, snap(5_000, { 'default/api': { '': 7, [a]: 3 } }), cluster)[0]!;
    expect(d.refused).toBe(3);
    expect(d.notUniform).toMatch(/sessionAffinity ClientIP/);
  });

  it('counts connections a NetworkPolicy dropped on the way to a pod apart from the split', () => {
    const cluster = mirrorOf([
      makeService('api'),
      ...pods.map((p) => makePod(p, 'api')),
      makeSlice('api', pods),
    ]);
    const blocked = (n: number) => {
      const s = snap(n * 1000, { 'default/api': { [a]: 2 } });
      const key = `default/api:80|default/${a}`;
      (s.counters as Map<string, EndpointCounters>).set(key, {
        ...s.counters.get(key)!,
        dropped: n,
      });
      return s;
    };
    const w = record([[blocked(1), cluster]]);
    const d = panel(w, blocked(5), cluster)[0]!;
    expect([d.blocked, d.refused, d.connections.total]).toEqual([4, 0, 0]);
  });
});
