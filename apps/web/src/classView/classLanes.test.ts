import { describe, expect, it } from 'vitest';
import type { ConnectionEvent, EndpointCounters, KubeObject } from '@l4lab/protocol';
import { mirrorOf } from '../store/clusterMirror.ts';
import { makeService as service } from '../testing/builders.ts';
import { laneShapes, latestReasons, withTraffic } from './classLanes.ts';

// Addresses: services 127.100.0.0/16, pods 127.150.0.0/16 (test ranges).

const ns = (name: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KubeObject;

const pod = (namespace: string, name: string, ready: boolean): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'web' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  }) as KubeObject;

const slice = (namespace: string, svc: string, endpoints: [string, boolean][]): KubeObject =>
  ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc}-abc`,
      namespace,
      labels: { 'kubernetes.io/service-name': svc },
    },
    addressType: 'IPv4',
    endpoints: endpoints.map(([name, ready], i) => ({
      addresses: [`127.150.1.${i + 2}`],
      conditions: { ready },
      targetRef: { kind: 'Pod', namespace, name },
    })),
  }) as unknown as KubeObject;

const web = (namespace: string, ip: string) =>
  service(
    'web',
    {
      type: 'NodePort',
      clusterIP: ip,
      selector: { app: 'web' },
      ports: [{ port: 80, nodePort: 30080 }],
    },
    namespace,
  );

function counter(
  svc: string,
  endpoint: string,
  c: Partial<EndpointCounters> = {},
): [string, EndpointCounters] {
  const row = {
    service: svc,
    endpoint,
    connections: 0,
    active: 0,
    bytesIn: 0,
    bytesOut: 0,
    refused: 0,
    dropped: 0,
    reset: 0,
    ...c,
  };
  return [`${svc}|${endpoint}`, row];
}

function event(namespace: string, outcome: ConnectionEvent['outcome'], reason: string, t: number) {
  return {
    id: `${namespace}-${t}`,
    startedAt: t,
    protocol: 'TCP',
    client: { ip: '127.0.0.1', port: 40000 },
    frontend: { kind: 'ClusterIP', ip: '127.100.0.3', port: 80 },
    service: { namespace, name: 'web', port: 80 },
    mode: 'iptables',
    reason,
    bytesIn: 0,
    bytesOut: 0,
    outcome,
  } satisfies ConnectionEvent;
}

describe('laneShapes', () => {
  it('gives every student namespace a lane, sorted by name, without the system namespaces', () => {
    const cluster = mirrorOf(
      ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'student-10', 'student-2'].map(
        ns,
      ),
    );
    const lanes = laneShapes(cluster, [
      { name: 'ada', namespace: 'ada' }, // joined, nothing applied yet: a lane all the same
      { name: 'student-2', namespace: 'student-2' },
    ]);
    expect(lanes.map((l) => l.namespace)).toEqual(['ada', 'student-2', 'student-10']);
    expect(lanes[0]).toMatchObject({ student: 'ada', services: [] });
  });

  it("lists a Service's endpoints as pods, ready or not, and selected pods no slice lists yet", () => {
    const cluster = mirrorOf([
      ns('student-1'),
      web('student-1', '127.100.0.3'),
      pod('student-1', 'web-a', true),
      pod('student-1', 'web-b', false),
      pod('student-1', 'web-c', false),
      slice('student-1', 'web', [
        ['web-a', true],
        ['web-b', false],
      ]),
    ]);
    const [lane] = laneShapes(cluster, []);
    expect(lane?.services).toMatchObject([
      { id: 'student-1/web', type: 'NodePort', address: '127.100.0.3:80', nodePorts: [30080] },
    ]);
    expect(lane?.services[0]?.pods.map((p) => [p.name, p.ready])).toEqual([
      ['web-a', true],
      ['web-b', false],
      ['web-c', false], // Pending: not in the slice yet
    ]);
  });

  it('names headless and ExternalName Services by what they are', () => {
    const cluster = mirrorOf([
      service('db', { clusterIP: 'None', ports: [{ port: 5432 }] }, 'student-1'),
      service('ext', { type: 'ExternalName', externalName: 'db.example.test' }, 'student-1'),
    ]);
    expect(laneShapes(cluster, [])[0]?.services.map((s) => [s.type, s.address])).toEqual([
      ['Headless', 'None:5432'],
      ['ExternalName', 'db.example.test'],
    ]);
  });
});

describe('withTraffic', () => {
  const cluster = mirrorOf([
    web('student-1', '127.100.0.3'),
    web('student-2', '127.100.0.4'),
    slice('student-1', 'web', [
      ['web-a', true],
      ['web-b', true],
    ]),
  ]);
  const shapes = laneShapes(cluster, []);
  const at = (rows: [string, EndpointCounters][]) => new Map(rows);
  const old = at([
    counter('student-1/web:80', 'student-1/web-a', { connections: 100 }),
    counter('student-1/web:80', '', { refused: 5 }),
  ]);
  const now = at([
    counter('student-1/web:80', 'student-1/web-a', { connections: 130 }),
    counter('student-1/web:80', 'student-1/web-b', { connections: 12 }),
    counter('student-1/web:80', '', { refused: 7, dropped: 1 }),
    counter('student-2/web:80', '', { refused: 3 }),
  ]);
  const input = {
    counters: now,
    recent: [],
    windowMs: 60_000,
    buckets: 6,
  };

  it('counts the connections of the last 60 s per Service, per pod and per lane, from the counters', () => {
    const { lanes, windowSeconds } = withTraffic(shapes, {
      ...input,
      history: [
        { t: 0, counters: new Map() },
        { t: 5_000, counters: old }, // in force 60 s before now: the base
        { t: 40_000, counters: now },
      ],
      now: 65_000,
    });
    expect(windowSeconds).toBe(60);
    const [one, two] = lanes;
    expect(one).toMatchObject({ connections: 42, refused: 2, dropped: 1 });
    expect(one?.services[0]).toMatchObject({ connections: 42, refused: 2, dropped: 1 });
    expect(one?.services[0]?.pods.map((p) => [p.name, p.connections])).toEqual([
      ['web-a', 30],
      ['web-b', 12],
    ]);
    expect(two).toMatchObject({ connections: 0, refused: 3, dropped: 0 });
    // 10 s buckets from 5 s: the 45 attempts between the base and 40 s fall in 35-45 s.
    expect(one?.rates).toEqual([0, 0, 0, 4.5, 0, 0]);
  });

  it('says when it has seen less than a minute, and leaves the time before it unknown', () => {
    const { lanes, windowSeconds } = withTraffic(shapes, {
      ...input,
      history: [{ t: 45_000, counters: old }],
      now: 65_000,
    });
    expect(windowSeconds).toBe(20);
    expect(lanes[0]?.connections).toBe(42);
    expect(lanes[0]?.rates.slice(0, 4)).toEqual([null, null, null, null]);
  });

  it('counts nothing before the first snapshot (the counters run since the server started)', () => {
    const { lanes } = withTraffic(shapes, { ...input, history: [], now: 65_000 });
    expect(lanes[0]).toMatchObject({ connections: 0, refused: 0 });
  });
});

describe('latestReasons', () => {
  it("takes each namespace's newest connection's reason, not a close's", () => {
    const recent = [
      event('student-1', 'open', 'random 1 of 3', 1),
      event('student-2', 'refused', 'no endpoints: rejected', 2),
      event('student-1', 'open', 'random 3 of 3', 3),
      event('student-1', 'ok', 'random 3 of 3 (closed)', 4),
      event('kube-system', 'open', 'random 1 of 2', 5),
    ];
    const found = latestReasons(recent, new Set(['student-1', 'student-2', 'student-3']));
    expect(found.get('student-1')).toMatchObject({ reason: 'random 3 of 3', outcome: 'open' });
    expect(found.get('student-2')).toMatchObject({ outcome: 'refused' });
    expect(found.has('student-3')).toBe(false);
    expect(found.has('kube-system')).toBe(false);
  });
});
