// Builders for the tests: objects and connection events as the lab serves them, small enough to
// write inline. Test addresses: pods 127.244.x.y, ClusterIPs 127.96.x.y, nodes 127.18.0.x,
// external clients 127.30.0.x (all loopback: "this machine"), off-machine clients 192.0.2.x
// (TEST-NET-1, never routed).
import type {
  ConnectionEvent,
  EndpointSlice,
  KubeObject,
  Pod,
  Service,
  ServiceSpec,
} from '@l4lab/protocol';
import type { EvaluationContext } from './evaluationContext.ts';

export const NS = 'student-1';
export const NOW = 1_800_000_000_000;

export function makePod(name: string, labels: Record<string, string>, ready = true, ns = NS): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export function makeService(name: string, spec: Partial<ServiceSpec> = {}, ns = NS): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { type: 'ClusterIP', clusterIP: '127.96.0.12', ports: [{ port: 80 }], ...spec },
  };
}

/** A slice of `service` with one endpoint per pod: `[pod name, ready]`. */
export function makeSlice(
  service: string,
  pods: [string, boolean][],
  ns = NS,
  name = `${service}-abcde`,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    endpoints: pods.map(([pod, ready], i) => ({
      addresses: [`127.244.1.${i + 10}`],
      conditions: { ready },
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', namespace: ns, name: pod, uid: `uid-${pod}` },
    })),
    ports: [{ name: '', port: 80, protocol: 'TCP' }],
  };
}

let seq = 0;

/** A completed connection to `service` that reached `pod` (undefined: no endpoint), 1 s ago. */
export function makeEvent(
  service: string,
  pod: string | undefined,
  mutate: (e: ConnectionEvent) => void = () => {},
): ConnectionEvent {
  const e: ConnectionEvent = {
    id: `c-${++seq}`,
    startedAt: NOW - 1000,
    endedAt: NOW - 990,
    protocol: 'TCP',
    client: { ip: '127.30.0.1', port: 40000 + seq },
    frontend: { kind: 'ClusterIP', ip: '127.96.0.12', port: 80 },
    service: { namespace: NS, name: service, port: 80 },
    endpoint: pod
      ? { pod, namespace: NS, ip: '127.244.1.10', port: 80, node: 'node-1' }
      : undefined,
    mode: 'iptables',
    reason: pod ? 'random 1 of 3' : `${NS}/${service}: has no endpoints`,
    bytesIn: 100,
    bytesOut: 600,
    durationMs: 10,
    outcome: pod ? 'ok' : 'refused',
  };
  mutate(e);
  return e;
}

/** `n` events to each pod named. */
export function eventsTo(service: string, counts: Record<string, number>): ConnectionEvent[] {
  return Object.entries(counts).flatMap(([pod, n]) =>
    Array.from({ length: n }, () => makeEvent(service, pod)),
  );
}

export function context(
  objects: KubeObject[] = [],
  events: ConnectionEvent[] = [],
  more: Partial<EvaluationContext> = {},
): EvaluationContext {
  return { objects, events, now: NOW, namespace: NS, ...more };
}
