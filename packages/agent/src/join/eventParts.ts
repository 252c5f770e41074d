// The parts of a ConnectionEvent the join fills in, in the one field order the lab's events have
// (monomorphic objects for the code that handles them).
import type { ConnectionEvent } from '@l4lab/protocol';
import type {
  ConntrackEvent,
  ConntrackTuple,
  EndpointInfo,
  FrontendSpec,
  NodeInfo,
  RulesSnapshot,
  ServicePortInfo,
} from '@l4lab/dataplane';

/** An `open` event of a flow through `spec`; mode, reason, endpoint and client pod left to fill. */
export function newEvent(
  id: string,
  e: ConntrackEvent,
  spec: FrontendSpec,
  svc: ServicePortInfo,
): ConnectionEvent {
  return {
    id,
    startedAt: e.at,
    endedAt: undefined,
    protocol: e.protocol,
    client: { ip: e.orig.src, port: e.orig.sport, pod: undefined, snatIP: undefined },
    frontend: { kind: spec.kind, ip: spec.ip, port: spec.port, node: spec.node },
    service: { namespace: svc.namespace, name: svc.service, port: svc.portName },
    endpoint: undefined,
    mode: '',
    reason: '',
    bytesIn: 0,
    bytesOut: 0,
    durationMs: undefined,
    outcome: 'open',
  };
}

export function eventEndpoint(ep: EndpointInfo): NonNullable<ConnectionEvent['endpoint']> {
  return { pod: ep.pod, namespace: ep.namespace, ip: ep.ip, port: ep.port, node: ep.nodeName };
}

/** An endpoint the watched slices do not list (not yet, or no longer): its pod, if known. */
export function podEndpoint(
  rules: RulesSnapshot,
  reply: ConntrackTuple,
): ConnectionEvent['endpoint'] {
  const pod = rules.routing.podsByIP.get(reply.src);
  const [namespace = '', name = ''] = pod ? pod.name.split('/') : [];
  return { pod: name, namespace, ip: reply.src, port: reply.sport, node: pod?.node ?? '' };
}

/** A node the watch has not listed (yet): known by the name its agent gave. */
export function stubNode(name: string): NodeInfo {
  return { name, ip: '', podCIDR: { base: 0, size: 0 }, ready: true };
}
