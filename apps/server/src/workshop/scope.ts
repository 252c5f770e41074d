// What a student's browser receives on the WebSocket: their namespace only (its objects, the
// connection events to or from it, its counters and traffic generators), plus the Nodes (the
// graph draws pods on them) and their own Namespace object. The instructor and the viewers get
// every frame as it is.
import type { KubeObject, ServerMessage } from '@l4lab/protocol';
import { eventInNamespace } from './dashboardPolicy.ts';

export function objectInNamespace(o: KubeObject, ns: string): boolean {
  if (o.kind === 'Node') return true;
  if (o.kind === 'Namespace') return o.metadata.name === ns;
  return o.metadata.namespace === ns;
}

/**
 * The frame as a student of `ns` sees it. resourceVersions are kept as they are: a frame whose
 * changes were all elsewhere still arrives (empty), so the chain of frames never breaks.
 */
export function scopeMessage(
  msg: ServerMessage,
  ns: string,
  generatorOwners: ReadonlyMap<string, string>,
): ServerMessage {
  switch (msg.type) {
    case 'cluster_snapshot':
      return {
        ...msg,
        objects: msg.objects.filter((o) => objectInNamespace(o, ns)),
        traffic: msg.traffic.filter((g) => generatorOwners.get(g.id) === ns),
        counters: msg.counters.filter((c) => c.service.startsWith(`${ns}/`)),
      };
    case 'object_changes':
      return { ...msg, changes: msg.changes.filter((c) => objectInNamespace(c.object, ns)) };
    case 'connection_events': {
      const events = msg.events.filter((e) => eventInNamespace(e, ns));
      return {
        ...msg,
        events,
        // Sampling is counted for the whole lab: a student is told only of their own events.
        sampled: events.length === msg.events.length ? msg.sampled : 0,
        counters: msg.counters.filter((c) => c.service.startsWith(`${ns}/`)),
      };
    }
    case 'traffic_status':
      return { ...msg, generators: msg.generators.filter((g) => generatorOwners.get(g.id) === ns) };
    default:
      return msg;
  }
}
