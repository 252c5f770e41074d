import type { ConnectionEvent, EndpointCounters, TrafficStatus } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';
import type { ClusterMirror } from './clusterMirror.ts';

/** How many individual events the browser keeps (a ring: oldest dropped first). */
export const RECENT_EVENTS = 12_000;
/** How long counter samples are kept for the connection rate. */
export const RATE_WINDOW_MS = 2000;
/** How far back the graph and the log can be rewound. */
export const REWIND_MS = 60_000;
/** Counter samples for per-edge rates: one every SAMPLE_MS at most, RATE_WINDOW_MS + 1 s kept. */
export const SAMPLE_MS = 400;

export interface RateSample {
  t: number;
  /** Cumulative connection attempts over all Service ports at time t. */
  total: number;
}

/** The cluster as it was from `t` on (mirrors are immutable, so this is a list of references). */
export interface MirrorAt {
  t: number;
  cluster: ClusterMirror;
}

export interface CounterSample {
  t: number;
  counters: ReadonlyMap<string, EndpointCounters>;
}

export interface TrafficSlice {
  /** Recent individual events, oldest first, at most RECENT_EVENTS. */
  recent: readonly ConnectionEvent[];
  /** The events of the last frame; `seq` increases with every frame that carried events. */
  lastBatch: { seq: number; events: readonly ConnectionEvent[] };
  /** Cumulative counters keyed `service|endpoint`. */
  counters: ReadonlyMap<string, EndpointCounters>;
  /** Events the server counted but did not send individually, since this page loaded. */
  sampledTotal: number;
  rateSamples: readonly RateSample[];
  counterSamples: readonly CounterSample[];
  /** The cluster over the last REWIND_MS, oldest first. */
  history: readonly MirrorAt[];
  generators: ReadonlyMap<string, TrafficStatus>;
}

export const createTrafficSlice: StateCreator<AppState, [], [], TrafficSlice> = () => ({
  recent: [],
  lastBatch: { seq: 0, events: [] },
  counters: new Map(),
  sampledTotal: 0,
  rateSamples: [],
  counterSamples: [],
  history: [],
  generators: new Map(),
});

export function counterKey(c: Pick<EndpointCounters, 'service' | 'endpoint'>): string {
  return `${c.service}|${c.endpoint}`;
}

/**
 * Connection attempts a counter stands for: connections to an endpoint; without one, refusals and
 * drops, and connections whose endpoint nobody saw (remote mode's client-side events, no agent).
 */
export function attempts(c: EndpointCounters): number {
  return c.endpoint === '' ? c.connections + c.refused + c.dropped : c.connections;
}

/** Appends a mirror to the history: coalesced within 250 ms, bounded to REWIND_MS (+ one base). */
export function withHistory(
  history: readonly MirrorAt[],
  cluster: ClusterMirror,
  now: number,
): MirrorAt[] {
  const last = history.at(-1);
  const kept = last && now - last.t < 250 ? history.slice(0, -1) : history.slice();
  kept.push({ t: now, cluster });
  let drop = 0;
  while (drop < kept.length - 1 && now - kept[drop + 1]!.t > REWIND_MS + 5000) drop++;
  return drop > 0 ? kept.slice(drop) : kept;
}

/** The cluster as it was at `t` (the first known state when `t` is older). */
export function mirrorAt(history: readonly MirrorAt[], t: number): ClusterMirror | undefined {
  let found: MirrorAt | undefined = history[0];
  for (const h of history) {
    if (h.t <= t) found = h;
    else break;
  }
  return found?.cluster;
}
