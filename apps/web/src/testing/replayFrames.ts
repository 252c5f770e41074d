import type { ConnectionEvent, EndpointCounters, ServerMessage } from '@l4lab/protocol';
import { makeNode, makeService } from './builders.ts';

// Frames as the server sends them, for the replay's tests. Addresses: test ranges (services
// 127.100.x, pods 127.150.x, external clients 127.30.0.x).

export const HELLO: ServerMessage = {
  type: 'hello',
  protocolVersion: 1,
  server: {
    version: '0.1.0',
    runtime: 'builtin',
    runtimeReason: 'test',
    dataplane: 'userspace',
    proxyMode: 'iptables',
    addressMode: 'native',
  },
};

export function snapshot(resourceVersion = '10'): ServerMessage {
  return {
    type: 'cluster_snapshot',
    resourceVersion,
    objects: [makeNode(1), makeService('web', { ports: [{ port: 80 }] })],
    mappings: [],
    traffic: [],
    counters: [],
  };
}

export function objectChanges(from: string, to: string, name: string): ServerMessage {
  return {
    type: 'object_changes',
    fromResourceVersion: from,
    resourceVersion: to,
    changes: [{ type: 'ADDED', object: makeService(name, { ports: [{ port: 80 }] }) }],
  };
}

export function event(id: string, startedAt: number, pod = 'web-1'): ConnectionEvent {
  return {
    id,
    startedAt,
    protocol: 'TCP',
    client: { ip: '127.30.0.2', port: 40000 },
    frontend: { kind: 'ClusterIP', ip: '127.100.0.10', port: 80 },
    service: { namespace: 'default', name: 'web', port: 80 },
    endpoint: { pod, namespace: 'default', ip: '127.150.0.5', port: 80, node: 'node-1' },
    mode: 'iptables',
    reason: 'random 1 of 1',
    bytesIn: 10,
    bytesOut: 20,
    outcome: 'ok',
  };
}

export function counters(pod: string, connections: number): EndpointCounters {
  return {
    service: 'default/web:80',
    endpoint: `default/${pod}`,
    connections,
    active: 0,
    bytesIn: 0,
    bytesOut: 0,
    refused: 0,
    dropped: 0,
    reset: 0,
  };
}

/** A connection_events frame with `n` events and the cumulative count of web-1 after them. */
export function connections(ids: string, n: number, total: number, at = 0): ServerMessage {
  const events = Array.from({ length: n }, (_, i) => event(`${ids}-${i}`, at + i));
  return { type: 'connection_events', events, sampled: 0, counters: [counters('web-1', total)] };
}
