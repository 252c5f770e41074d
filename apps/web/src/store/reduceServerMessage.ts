import { PROTOCOL_VERSION, type ServerMessage, type TrafficStatus } from '@l4lab/protocol';
import type { AppState } from './createAppStore.ts';
import { mirrorOf, withObject } from './clusterMirror.ts';
import { continuesMirror } from './resourceVersionChain.ts';
import {
  attempts,
  counterKey,
  RATE_WINDOW_MS,
  RECENT_EVENTS,
  SAMPLE_MS,
  withHistory,
} from './trafficSlice.ts';

function generatorMap(list: readonly TrafficStatus[]) {
  return new Map(list.map((g) => [g.id, g]));
}

function connectionFrame(
  s: AppState,
  msg: Extract<ServerMessage, { type: 'connection_events' }>,
  now: number,
): Partial<AppState> {
  const counters = new Map(s.counters);
  for (const c of msg.counters) counters.set(counterKey(c), c);
  let total = 0;
  for (const c of counters.values()) total += attempts(c);
  const rateSamples = [
    ...s.rateSamples.filter((r) => now - r.t <= RATE_WINDOW_MS + 500),
    { t: now, total },
  ];
  const update: Partial<AppState> = {
    counters,
    rateSamples,
    sampledTotal: s.sampledTotal + msg.sampled,
  };
  const lastSample = s.counterSamples.at(-1);
  if (!lastSample || now - lastSample.t >= SAMPLE_MS) {
    update.counterSamples = [
      ...s.counterSamples.filter((c) => now - c.t <= RATE_WINDOW_MS + 1000),
      { t: now, counters },
    ];
  }
  if (msg.events.length > 0) {
    const merged = s.recent.concat(msg.events);
    update.recent = merged.length > RECENT_EVENTS ? merged.slice(-RECENT_EVENTS) : merged;
    update.lastBatch = { seq: s.lastBatch.seq + 1, events: msg.events };
  }
  return update;
}

/** What a server message changes in the store (pure: the caller passes the time). */
export function reduceServerMessage(
  s: AppState,
  msg: ServerMessage,
  now: number,
): Partial<AppState> {
  switch (msg.type) {
    case 'hello':
      return {
        server: msg.server,
        protocolVersionMismatch: msg.protocolVersion !== PROTOCOL_VERSION,
      };
    case 'cluster_snapshot': {
      const cluster = mirrorOf(msg.objects);
      return {
        cluster,
        history: withHistory(s.history, cluster, now),
        resourceVersion: msg.resourceVersion,
        mappings: msg.mappings,
        generators: generatorMap(msg.traffic),
        counters: new Map(msg.counters.map((c) => [counterKey(c), c])),
        rateSamples: [],
        counterSamples: [],
      };
    }
    case 'object_changes': {
      // A gapped frame is never applied: the connection resyncs from a snapshot instead.
      if (!continuesMirror(s.resourceVersion, msg)) return {};
      let cluster = s.cluster;
      for (const change of msg.changes) {
        cluster = withObject(cluster, change.object, change.type === 'DELETED');
      }
      return {
        cluster,
        history: withHistory(s.history, cluster, now),
        resourceVersion: msg.resourceVersion,
      };
    }
    case 'connection_events':
      return connectionFrame(s, msg, now);
    case 'traffic_status':
      // the server's whole list: a generator it forgot (DELETE of a stopped one) leaves it
      return { generators: generatorMap(msg.generators) };
    case 'port_mappings':
      return { mappings: msg.mappings };
    case 'apply_result':
      return {}; // settled by api/liveApply.ts (live mode)
    default: {
      const unknownMessage: never = msg;
      return unknownMessage;
    }
  }
}
