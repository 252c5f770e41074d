import { describe, expect, it } from 'vitest';
import type { ConnectionEvent, KubeObject } from '@l4lab/protocol';
import { mirrorOf } from '../store/clusterMirror.ts';
import { makeNode as node, makeService as service } from '../testing/builders.ts';
import { buildGraphModel, type GraphInput } from './graphModel.ts';

// Addresses: nodes 127.19.0.2-4, services 127.100.0.0/16, LB pool 127.201.0.0/24 (test ranges).

function input(objects: KubeObject[], recent: ConnectionEvent[] = []): GraphInput {
  return {
    cluster: mirrorOf(objects),
    counters: new Map(),
    countersBefore: undefined,
    recent,
    mappings: [],
    mapped: false,
    showSystem: false,
    now: 10_000,
    past: false,
    defaultMode: 'iptables',
  };
}

/** An EndpointSlice of `service` with one ready endpoint, the pod `pod` at `ip`. */
function endpointSlice(ns: string, service: string, pod: string, ip: string): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service}-abc`,
      namespace: ns,
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [ip],
        conditions: { ready: true },
        targetRef: { kind: 'Pod', namespace: ns, name: pod },
      },
    ],
  } as unknown as KubeObject;
}

describe('buildGraphModel: topology', () => {
  it("says a Service's topology ask in its box, and then each node's zone", () => {
    const plain = service('web', { clusterIP: '127.100.0.6', ports: [{ port: 80 }] });
    const m = buildGraphModel(input([node(1), node(2), plain]));
    expect(m.nodes.map((n) => n.zone)).toEqual([undefined, undefined]);
    const close = service('near', {
      clusterIP: '127.100.0.7',
      trafficDistribution: 'PreferClose',
      ports: [{ port: 80 }],
    });
    const auto: typeof close = {
      ...service('auto', { clusterIP: '127.100.0.8', ports: [{ port: 80 }] }),
      metadata: {
        name: 'auto',
        namespace: 'default',
        annotations: { 'service.kubernetes.io/topology-mode': 'Auto' },
      },
    };
    const t = buildGraphModel(input([node(1), node(2), plain, close, auto]));
    const notes = (id: string) => t.services.find((s) => s.id === id)!.notes;
    expect(notes('default/near')).toContain('trafficDistribution: PreferClose');
    expect(notes('default/auto')).toContain('topology-mode: Auto');
    expect(notes('default/web').some((n) => n.includes('topology'))).toBe(false);
    expect(t.nodes.map((n) => n.zone)).toEqual(['zone-a', 'zone-b']);
  });
});

describe('buildGraphModel', () => {
  const lb = service(
    'web',
    { type: 'LoadBalancer', clusterIP: '127.100.0.5', ports: [{ port: 80, nodePort: 30080 }] },
    'default',
    { loadBalancer: { ingress: [{ ip: '127.201.0.1' }] } },
  );

  it('gives a LoadBalancer Service its ClusterIP, a NodePort per node, its LB IP, and the LB -> node hops', () => {
    const m = buildGraphModel(input([node(1), node(2), node(3), lb]));
    expect(m.frontends.map((f) => f.label)).toEqual([
      '127.100.0.5:80',
      'node-1 :30080',
      'node-2 :30080',
      'node-3 :30080',
      'LB 127.201.0.1:80',
    ]);
    expect(m.edges.filter((e) => e.style === 'lb')).toHaveLength(3);
  });

  it('draws ExternalName as a DNS alias and headless as DNS only, without frontends', () => {
    const m = buildGraphModel(
      input([
        service('alias', { type: 'ExternalName', externalName: 'db.data.svc.cluster.local' }),
        service('db', { clusterIP: 'None', ports: [{ port: 5432 }] }, 'data'),
      ]),
    );
    expect(m.frontends).toEqual([]);
    expect(m.services.every((s) => s.dnsOnly)).toBe(true);
    expect(m.edges.find((e) => e.style === 'alias')).toMatchObject({
      from: 'default/alias',
      to: 'data/db',
    });
  });

  it("says on a Service's box when kube-proxy cannot listen on one of its frontends", () => {
    const held = service('web', { clusterIP: '127.100.0.7', ports: [{ port: 80 }] }, 'default', {
      conditions: [
        {
          type: 'FrontendsListening',
          status: 'False',
          reason: 'AddressInUse',
          message:
            'ClusterIP 127.100.0.7:80/TCP: address already in use by another process on this host; NodePort 127.19.0.2:30080/TCP: address already in use by another process on this host',
          lastTransitionTime: '2026-12-05T00:00:00Z',
        },
      ],
    });
    const m = buildGraphModel(input([node(1), held]));
    expect(m.services[0]!.notes).toContain('⚠ 127.100.0.7:80 +1 held by a host process');
  });

  it('hides kube-system unless asked', () => {
    const dns = service(
      'kube-dns',
      { clusterIP: '127.100.0.10', ports: [{ port: 53 }] },
      'kube-system',
    );
    expect(buildGraphModel(input([dns])).services).toEqual([]);
    expect(buildGraphModel({ ...input([dns]), showSystem: true }).services).toHaveLength(1);
  });

  it("hides default/kubernetes (the API server's Service) with kube-system, not other Services of default", () => {
    const api = service('kubernetes', { clusterIP: '127.100.0.1', ports: [{ port: 443 }] });
    const web = service('web', { clusterIP: '127.100.0.9', ports: [{ port: 80 }] });
    expect(buildGraphModel(input([api, web])).services.map((s) => s.name)).toEqual(['web']);
    expect(buildGraphModel({ ...input([api, web]), showSystem: true }).services).toHaveLength(2);
  });

  it('links a client to the frontend its connection entered through, with a rate', () => {
    const e = {
      id: 'c1',
      startedAt: 9_500,
      protocol: 'TCP',
      client: { ip: '127.30.0.1', port: 40000 },
      frontend: { kind: 'LoadBalancer', ip: '127.201.0.1', port: 80, node: 'node-2' },
      service: { namespace: 'default', name: 'web', port: 80 },
      mode: 'iptables',
      reason: 'LB -> node-2; random 1 of 1',
      bytesIn: 0,
      bytesOut: 0,
      outcome: 'open',
    } satisfies ConnectionEvent;
    const m = buildGraphModel(input([node(1), node(2), node(3), lb], [e]));
    expect(m.clients.map((c) => c.ip)).toEqual(['127.30.0.1']);
    const link = m.edges.find((x) => x.fromLane === 'client');
    expect(link).toMatchObject({ to: 'default/web|LoadBalancer|127.201.0.1|80' });
    expect(link?.rate).toBeCloseTo(0.5, 6);
  });

  it('shows one Service alone: its frontends, and only the pods behind it, on every node', () => {
    const pod = (name: string, app: string, n: number): KubeObject =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app } },
        spec: { nodeName: `node-${n}`, containers: [{ name: 'c', image: 'nginx' }] },
        status: { phase: 'Running', podIP: `127.245.${n}.2` },
      }) as KubeObject;
    const objects = [
      node(1),
      node(2),
      lb,
      service('db', { clusterIP: '127.100.0.6', selector: { app: 'db' }, ports: [{ port: 5432 }] }),
      { ...service('web-mirror', { clusterIP: '127.100.0.7', ports: [{ port: 80 }] }) },
      pod('web-1', 'web', 1),
      pod('db-1', 'db', 2),
      endpointSlice('default', 'web-mirror', 'web-1', '127.245.1.2'),
    ];
    const pods = (m: ReturnType<typeof buildGraphModel>) =>
      m.nodes.flatMap((n) => n.pods.map((p) => p.name));

    const all = buildGraphModel(input(objects));
    expect(all.services.map((x) => x.id)).toEqual([
      'default/db',
      'default/web',
      'default/web-mirror',
    ]);
    expect(pods(all)).toEqual(['web-1', 'db-1']);

    const db = buildGraphModel({ ...input(objects), focus: 'default/db' });
    expect(db.services.map((x) => x.id)).toEqual(['default/db']);
    expect(db.frontends.map((f) => f.label)).toEqual(['127.100.0.6:5432']);
    expect(db.nodes.map((n) => n.name)).toEqual(['node-1', 'node-2']); // every node, for locality
    expect(pods(db)).toEqual(['db-1']); // by its selector

    // A Service without a selector: the pods of its EndpointSlices.
    const mirror = buildGraphModel({ ...input(objects), focus: 'default/web-mirror' });
    expect(pods(mirror)).toEqual(['web-1']);
    // A focus on a Service that is gone shows everything.
    expect(buildGraphModel({ ...input(objects), focus: 'default/gone' }).services).toHaveLength(3);
  });
});

describe('picks', () => {
  it('a Service box lists the endpoint its latest connections got: round robin shows its turns', () => {
    const svc = service('rr', { clusterIP: '127.100.0.7', ports: [{ port: 80 }] });
    const events = [1, 2, 3, 1, 2, 3].map(
      (n, i) =>
        ({
          id: `c${i}`,
          startedAt: 9_000 + i * 10,
          protocol: 'TCP',
          client: { ip: '127.30.0.1', port: 40000 + i },
          frontend: { kind: 'ClusterIP', ip: '127.100.0.7', port: 80 },
          service: { namespace: 'default', name: 'rr', port: 80 },
          endpoint: {
            pod: `default/rr-${n}`,
            namespace: 'default',
            ip: '127.150.1.2',
            port: 80,
            node: 'node-1',
          },
          mode: 'ipvs:rr',
          reason: `round robin ${n} of 3`,
          bytesIn: 0,
          bytesOut: 0,
          outcome: 'open',
        }) as ConnectionEvent,
    );
    const m = buildGraphModel(input([node(1), svc], events));
    expect(m.services[0]?.picks).toEqual([1, 2, 3, 1, 2, 3]);
  });
});

describe('focus', () => {
  const pod = (name: string, labels: Record<string, string>) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Running', podIP: '127.150.1.9' },
    }) as KubeObject;

  it('shows the Service alone with its pods and the pods no Service is in front of (clients)', () => {
    const objects = [
      node(1),
      service('web', { clusterIP: '127.100.0.3', selector: { app: 'web' }, ports: [{ port: 80 }] }),
      service('api', { clusterIP: '127.100.0.4', selector: { app: 'api' }, ports: [{ port: 80 }] }),
      pod('web-1', { app: 'web' }),
      pod('api-1', { app: 'api' }),
      pod('client-1', { app: 'client' }),
    ];
    const m = buildGraphModel({ ...input(objects), focus: 'default/web' });
    expect(m.services.map((s) => s.id)).toEqual(['default/web']);
    expect(m.nodes.flatMap((n) => n.pods.map((p) => p.name)).sort()).toEqual(['client-1', 'web-1']);
  });
});

describe('namespace (the workshop spotlight)', () => {
  const pod = (ns: string, name: string) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
      status: { phase: 'Running', podIP: '127.150.1.9' },
    }) as KubeObject;
  const web = (ns: string, ip: string) =>
    service('web', { clusterIP: ip, selector: { app: 'web' }, ports: [{ port: 80 }] }, ns);
  const open = (ns: string, i: number, ip: string): ConnectionEvent => ({
    id: `${ns}-${i}`,
    startedAt: 9_000 + i,
    protocol: 'TCP',
    client: { ip: '127.30.0.1', port: 40000 + i },
    frontend: { kind: 'ClusterIP', ip, port: 80 },
    service: { namespace: ns, name: 'web', port: 80 },
    endpoint: { pod: 'web-1', namespace: ns, ip: '127.150.1.9', port: 80, node: 'node-1' },
    mode: 'iptables',
    reason: 'random 1 of 1',
    bytesIn: 0,
    bytesOut: 0,
    outcome: 'open',
  });
  const counters = (ns: string, connections: number) => ({
    service: `${ns}/web:80`,
    endpoint: `${ns}/web-1`,
    connections,
    active: 0,
    bytesIn: 0,
    bytesOut: 0,
    refused: 0,
    dropped: 0,
    reset: 0,
  });
  const objects = [
    node(1),
    web('student-1', '127.100.0.3'),
    web('student-2', '127.100.0.4'),
    pod('student-1', 'web-1'),
    pod('student-2', 'web-1'),
  ];
  const events = [
    open('student-1', 1, '127.100.0.3'),
    open('student-1', 2, '127.100.0.3'),
    ...Array.from({ length: 40 }, (_, i) => open('student-2', 10 + i, '127.100.0.4')),
  ];

  it("shows only that namespace's Services, pods and connections", () => {
    const m = buildGraphModel({ ...input(objects, events), namespace: 'student-1' });
    expect(m.services.map((s) => s.id)).toEqual(['student-1/web']);
    expect(m.nodes.flatMap((n) => n.pods.map((p) => p.id))).toEqual(['student-1/web-1']);
    expect(m.edges.filter((e) => e.fromLane === 'client').map((e) => e.to)).toEqual([
      'student-1/web|ClusterIP|80',
    ]);
    const all = buildGraphModel(input(objects, events));
    expect(all.services).toHaveLength(2);
  });

  it("scales a client's rate to the counters of the Services shown, not to every namespace's", () => {
    const m = buildGraphModel({
      ...input(objects, events),
      namespace: 'student-1',
      counters: new Map(
        [counters('student-1', 2), counters('student-2', 40)].map((c) => [
          `${c.service}|${c.endpoint}`,
          c,
        ]),
      ),
      countersBefore: { t: 8_000, counters: new Map() },
    });
    // 2 connections in the 2 s window: 1 conn/s (not 21, the whole class's rate).
    expect(m.edges.find((e) => e.fromLane === 'client')?.rate).toBeCloseTo(1, 6);
  });

  it("names the open connections after what the dataplane knows: the kernel's are conntrack entries", () => {
    // The Service -> pod link comes from its EndpointSlice.
    const slice = endpointSlice('student-1', 'web', 'web-1', '127.150.1.9');
    const withCounters = (kernel: boolean) =>
      buildGraphModel({
        ...input([...objects, slice], events),
        namespace: 'student-1',
        counters: new Map([
          [`student-1/web:80|student-1/web-1`, { ...counters('student-1', 2), active: 1 }],
        ]),
        kernel,
      })
        .edges.find((e) => e.toLane === 'pod')
        ?.tip.join(' | ');
    expect(withCounters(false)).toContain('2 connections in all · 1 open now');
    expect(withCounters(true)).toContain('2 connections in all · 1 in conntrack');
  });
});
