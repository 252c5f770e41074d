// What a student's browser receives on the WebSocket: their namespace only (its objects, the
// connection events to or from it, its counters and traffic generators), plus the Nodes (the
// graph draws pods on them) and their own Namespace object. The instructor and the viewers get
// every frame as it is.
import type { KubeObject, ServerMessage, WorkshopUser } from '@l4lab/protocol';
import { ownedNamespaces } from './authorization.ts';
import { eventInNamespace } from './dashboardPolicy.ts';

export function objectInNamespaces(o: KubeObject, owned: readonly string[]): boolean {
  if (o.kind === 'Node') return true;
  if (o.kind === 'Namespace') return owned.includes(o.metadata.name);
  return owned.includes(o.metadata.namespace ?? '');
}

/**
 * The frame as a student of `ns` sees it. resourceVersions are kept as they are: a frame whose
 * changes were all elsewhere still arrives (empty), so the chain of frames never breaks.
 */
export function scopeMessage(
  msg: ServerMessage,
  user: WorkshopUser,
  generatorOwners: ReadonlyMap<string, string>,
): ServerMessage {
  const ns = user.namespace ?? '';
  const owned = ownedNamespaces(user);
  const ownsService = (key: string) => owned.includes(key.split('/')[0] ?? '');
  switch (msg.type) {
    case 'cluster_snapshot':
      return {
        ...msg,
        objects: msg.objects.filter((o) => objectInNamespaces(o, owned)),
        traffic: msg.traffic.filter((g) => generatorOwners.get(g.id) === ns),
        counters: msg.counters.filter((c) => ownsService(c.service)),
      };
    case 'object_changes':
      return { ...msg, changes: msg.changes.filter((c) => objectInNamespaces(c.object, owned)) };
    case 'connection_events': {
      const events = msg.events.filter((e) => owned.some((n) => eventInNamespace(e, n)));
      return {
        ...msg,
        events,
        // Sampling is counted for the whole lab: a student is told only of their own events.
        sampled: events.length === msg.events.length ? msg.sampled : 0,
        counters: msg.counters.filter((c) => ownsService(c.service)),
      };
    }
    case 'traffic_status':
      return { ...msg, generators: msg.generators.filter((g) => generatorOwners.get(g.id) === ns) };
    default:
      return msg;
  }
}
