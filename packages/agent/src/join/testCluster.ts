// Builders of a real-looking cluster for the join's tests: Kubernetes JSON as a watch delivers
// it, and conntrack events as a node's kernel reports them.
//
// Addresses: nodes node-1..3 at 10.0.0.11-13 (InternalIP; node-1 also ExternalIP 192.0.2.11),
// pods 10.244.N.0/24 on node-N (its CNI bridge 10.244.N.1), Service CIDR 10.96.0.0/12,
// LoadBalancer ingress 203.0.113.0/24, externalIPs 192.0.2.50-59, clients outside the cluster
// 198.51.100.0/24. Endpoints serve on :8080.
import { connectionEventSchema, type ConnectionEvent, type Service } from '@l4lab/protocol';
import type { ConntrackEvent } from '@l4lab/dataplane';
import {
  ctDestroy as ctDestroyOf,
  ctNew as ctNewOf,
  type FlowSpec,
} from '@l4lab/dataplane/testing';
import { ClusterJoiner, type ClusterJoinOptions } from './clusterJoin.ts';
import type {
  WatchedEndpointSlice,
  WatchedNode,
  WatchedObjects,
  WatchedPod,
} from './clusterView.ts';
import { parseNodeProxyMode } from './nodeProxyMode.ts';

/** The Service `default/<name>`: ClusterIP 10.96.0.20, port `http` 80 -> 8080; then `mutate`. */
export function makeService(name: string, mutate: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'ClusterIP',
      selector: { app: name },
      clusterIP: '10.96.0.20',
      clusterIPs: ['10.96.0.20'],
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
  mutate(s);
  return s;
}

/** A NodePort Service (nodePort 30080); `mutate` after. */
export function makeNodePort(name: string, mutate: (s: Service) => void = () => {}): Service {
  return makeService(name, (s) => {
    s.spec.type = 'NodePort';
    s.spec.externalTrafficPolicy = 'Cluster';
    s.spec.ports = [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 }];
    mutate(s);
  });
}

/** A LoadBalancer Service (nodePort 30080, ingress 203.0.113.10); `mutate` after. */
export function makeLoadBalancer(name: string, mutate: (s: Service) => void = () => {}): Service {
  return makeNodePort(name, (s) => {
    s.spec.type = 'LoadBalancer';
    s.status = { loadBalancer: { ingress: [{ ip: '203.0.113.10', ipMode: 'VIP' }] } };
    mutate(s);
  });
}

export interface EndpointSpec {
  ip: string;
  node: string;
  pod: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

/** A slice of `service`'s endpoints on port `http` 8080, as the EndpointSlice controller writes it. */
export function makeSlice(
  service: string,
  endpoints: EndpointSpec[],
  over: Partial<Pick<WatchedEndpointSlice, 'addressType' | 'ports'>> & { name?: string } = {},
): WatchedEndpointSlice {
  return {
    metadata: {
      name: over.name ?? `${service}-abcde`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': service },
    },
    addressType: over.addressType ?? 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: {
        ready: e.ready ?? true,
        serving: e.serving ?? e.ready ?? true,
        terminating: e.terminating ?? false,
      },
      nodeName: e.node,
      targetRef: { kind: 'Pod', namespace: 'default', name: e.pod, uid: `uid-${e.pod}` },
    })),
    ports: over.ports ?? [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

export function makeNode(
  n: 1 | 2 | 3,
  extra: { type: string; address: string }[] = [],
): WatchedNode {
  return {
    metadata: { name: `node-${n}` },
    spec: { podCIDR: `10.244.${n}.0/24` },
    status: {
      addresses: [
        { type: 'InternalIP', address: `10.0.0.1${n}` },
        { type: 'Hostname', address: `node-${n}` },
        ...extra,
      ],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

export const NODES: WatchedNode[] = [
  makeNode(1, [{ type: 'ExternalIP', address: '192.0.2.11' }]),
  makeNode(2),
  makeNode(3),
];

export function makePod(
  name: string,
  ip: string,
  node: string,
  over: Partial<WatchedPod> = {},
): WatchedPod {
  return {
    metadata: { name, namespace: 'default' },
    spec: { nodeName: node },
    status: { phase: 'Running', podIP: ip },
    ...over,
  };
}

/** web-a on node-1, web-b and web-c on node-2 (sorted by IP: a, b, c). */
export const WEB: EndpointSpec[] = [
  { ip: '10.244.1.11', node: 'node-1', pod: 'web-a' },
  { ip: '10.244.2.12', node: 'node-2', pod: 'web-b' },
  { ip: '10.244.2.13', node: 'node-2', pod: 'web-c' },
];

export const PODS: WatchedPod[] = [
  ...WEB.map((e) => makePod(e.pod, e.ip, e.node)),
  makePod('client-1', '10.244.1.50', 'node-1'),
  makePod('client-2', '10.244.2.50', 'node-2'),
  makePod('client-3', '10.244.3.50', 'node-3'),
];

/**
 * A joiner fed with `objects` (nodes and pods above unless given) and kube-proxy's mode per
 * node; every event it emits is checked against the protocol's schema.
 */
export function makeJoiner(
  objects: WatchedObjects,
  modes: Record<string, string> = {},
  opts: Partial<ClusterJoinOptions> = {},
) {
  const events: ConnectionEvent[] = [];
  const j = new ClusterJoiner({
    emit: (e) => events.push(connectionEventSchema.parse(e)),
    ...opts,
  });
  j.objects.replace({ nodes: NODES, pods: PODS, ...objects });
  for (const [node, mode] of Object.entries(modes)) {
    const [kind = '', scheduler] = mode.split(':');
    j.setProxyMode(node, parseNodeProxyMode(kind, scheduler));
  }
  return { j, events, reasons: () => events.map((e) => e.reason) };
}

/** A translated (DNAT or IPVS) connection's addresses: the lab's builders' (testRules.ts). */
export type Flow = FlowSpec;

/** A conntrack NEW of a translated connection. */
export const ctNew = ctNewOf;

/**
 * Its DESTROY: by default 5 payload bytes in, 6 out; TCP expired in TIME_WAIT (timestamps on),
 * UDP one datagram each way.
 */
export function ctDestroy(f: Flow, over: Parameters<typeof ctDestroyOf>[1] = {}): ConntrackEvent {
  const udp = f.protocol === 'UDP';
  return ctDestroyOf(f, {
    ...over,
    orig: { ...(udp ? { packets: 1, bytes: 33 } : {}), ...over.orig },
    reply: { ...(udp ? { packets: 1, bytes: 34 } : {}), ...over.reply },
  });
}
