// Builders of the rules' state for the conntrack join's tests (unit and the namespace lab).
// Addresses: nodes 127.18.0.2-3, pods 127.244.1.0/24 (node-1) and 127.244.2.0/24 (node-2),
// ClusterIPs 127.96.0.0/16, LoadBalancer IPs 127.200.0.0/24.
import { desiredFrontends } from '../frontends.ts';
import type { EndpointInfo, NodeInfo, ServicePortInfo } from '../types.ts';
import type { RulesSnapshot } from './join.ts';
import type { ConntrackEvent, ConntrackTuple } from './parse.ts';

export const NODES: readonly NodeInfo[] = [
  { name: 'node-1', ip: '127.18.0.2', podCIDR: { base: 0x7ff40100, size: 256 }, ready: true },
  { name: 'node-2', ip: '127.18.0.3', podCIDR: { base: 0x7ff40200, size: 256 }, ready: true },
];

/** The Service port `default/<name>:http` (TCP, ClusterIP), changed by `over`. */
export function makeService(name: string, over: Partial<ServicePortInfo> = {}): ServicePortInfo {
  return {
    name: `default/${name}:http`,
    namespace: 'default',
    service: name,
    portName: 'http',
    protocol: 'TCP',
    type: 'ClusterIP',
    clusterIP: '127.96.0.10',
    port: 80,
    externalIPs: [],
    loadBalancerIPs: [],
    loadBalancerSourceRanges: [],
    affinityTimeoutSeconds: 0,
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ...over,
  };
}

/** A ready endpoint of pod `pod` (namespace default) on `node`. */
export function makeEndpoint(
  ip: string,
  port: number,
  node: string,
  pod: string,
  over: Partial<EndpointInfo> = {},
): EndpointInfo {
  return {
    ip,
    port,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: node,
    pod,
    namespace: 'default',
    ...over,
  };
}

export interface ServiceEntry {
  svc: ServicePortInfo;
  endpoints: EndpointInfo[];
}

/** The state rules would be written from: every Service's frontends, endpoints and the pods. */
export function makeRules(
  entries: ServiceEntry[],
  pods: [ip: string, name: string, node: string][] = [],
  generation = 1,
): RulesSnapshot {
  const serviceMap = new Map(entries.map((e) => [e.svc.name, e.svc]));
  return {
    generation,
    routing: {
      serviceMap,
      endpointsMap: new Map(entries.map((e) => [e.svc.name, e.endpoints])),
      nodes: NODES,
      podsByIP: new Map(pods.map(([ip, name, node]) => [ip, { name: `default/${name}`, node }])),
    },
    frontends: [...desiredFrontends(serviceMap.values(), NODES).values()],
  };
}

type Addr = [ip: string, port: number];

export interface FlowSpec {
  id: number;
  at: number;
  client: Addr;
  frontend: Addr;
  endpoint: Addr;
  protocol?: 'TCP' | 'UDP';
  /** The address the endpoint answered (SNAT); default the client's. */
  snat?: string;
}

/** A conntrack NEW as the kernel reports a DNATed connection. */
export function ctNew(f: FlowSpec): ConntrackEvent {
  const { orig, reply } = tuples(f);
  const tcp = (f.protocol ?? 'TCP') === 'TCP';
  return {
    type: 'NEW',
    at: f.at,
    id: f.id,
    protocol: f.protocol ?? 'TCP',
    state: tcp ? 'SYN_SENT' : undefined,
    timeout: tcp ? 120 : 30,
    orig,
    reply,
    assured: false,
    unreplied: true,
    byUserspace: false,
  };
}

/** Its DESTROY: by default a TCP connection that sent 5 bytes, got 6 back and expired in TIME_WAIT. */
export function ctDestroy(
  f: FlowSpec,
  over: Partial<Omit<ConntrackEvent, 'orig' | 'reply'>> & {
    orig?: Partial<ConntrackTuple>;
    reply?: Partial<ConntrackTuple>;
  } = {},
): ConntrackEvent {
  const { orig, reply } = tuples(f);
  const tcp = (f.protocol ?? 'TCP') === 'TCP';
  const { orig: o, reply: r, ...rest } = over;
  return {
    type: 'DESTROY',
    at: f.at,
    id: f.id,
    protocol: f.protocol ?? 'TCP',
    state: tcp ? 'TIME_WAIT' : undefined,
    timeout: undefined,
    orig: { ...orig, packets: 5, bytes: tcp ? 273 : 32, ...o },
    reply: { ...reply, packets: 5, bytes: tcp ? 274 : 32, ...r },
    assured: true,
    unreplied: false,
    byUserspace: false,
    ...rest,
  };
}

function tuples(f: FlowSpec): { orig: ConntrackTuple; reply: ConntrackTuple } {
  const [cip, cport] = f.client;
  const [fip, fport] = f.frontend;
  const [eip, eport] = f.endpoint;
  return {
    orig: { src: cip, dst: fip, sport: cport, dport: fport },
    reply: { src: eip, dst: f.snat ?? cip, sport: eport, dport: cport },
  };
}
