import type { ConnectionEvent, EndpointCounters, TrafficStatus } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

/** How many individual events the browser keeps (a ring: oldest dropped first). */
export const RECENT_EVENTS = 2000;
/** How long counter samples are kept for the connection rate. */
export const RATE_WINDOW_MS = 2000;

export interface RateSample {
  t: number;
  /** Cumulative connection attempts over all Service ports at time t. */
  total: number;
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
  generators: ReadonlyMap<string, TrafficStatus>;
}

export const createTrafficSlice: StateCreator<AppState, [], [], TrafficSlice> = () => ({
  recent: [],
  lastBatch: { seq: 0, events: [] },
  counters: new Map(),
  sampledTotal: 0,
  rateSamples: [],
  generators: new Map(),
});

export function counterKey(c: Pick<EndpointCounters, 'service' | 'endpoint'>): string {
  return `${c.service}|${c.endpoint}`;
}

/** Connection attempts a counter stands for: connections to an endpoint, refusals/drops without one. */
export function attempts(c: EndpointCounters): number {
  return c.endpoint === '' ? c.refused + c.dropped : c.connections;
}
