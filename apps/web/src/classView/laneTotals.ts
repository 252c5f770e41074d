import type { EndpointCounters } from '@l4lab/protocol';
import type { CounterSnapshot } from '../store/classViewSlice.ts';

// Cumulative counters summed per namespace, per Service and per Service -> pod, once per counters
// map (maps are replaced, never mutated, so a map's sums never change: a WeakMap keeps them).

export interface Total {
  connections: number;
  refused: number;
  dropped: number;
  /** connections + refused + dropped: every attempt, for the rate. */
  attempts: number;
}

/** Keyed `ns`, `ns/service` and `ns/service|ns/pod`. */
export type Totals = ReadonlyMap<string, Total>;

type Counters = ReadonlyMap<string, EndpointCounters>;

const cache = new WeakMap<Counters, Totals>();

function add(totals: Map<string, Total>, key: string, c: EndpointCounters) {
  const t = totals.get(key) ?? { connections: 0, refused: 0, dropped: 0, attempts: 0 };
  t.connections += c.connections;
  t.refused += c.refused;
  t.dropped += c.dropped;
  t.attempts += c.connections + c.refused + c.dropped;
  totals.set(key, t);
}

/** The sums of one counters map (computed once per map). */
export function laneTotals(counters: Counters): Totals {
  const cached = cache.get(counters);
  if (cached) return cached;
  const totals = new Map<string, Total>();
  for (const c of counters.values()) {
    // `ns/name:port`: the port may be a name, never the Service's name.
    const service = c.service.slice(0, c.service.lastIndexOf(':'));
    const ns = service.slice(0, service.indexOf('/'));
    add(totals, ns, c);
    add(totals, service, c);
    if (c.endpoint) add(totals, `${service}|${c.endpoint}`, c);
  }
  cache.set(counters, totals);
  return totals;
}

/** The snapshot in force at `t` (the last at or before it), if the history reaches that far. */
export function snapshotAt(
  history: readonly CounterSnapshot[],
  t: number,
): CounterSnapshot | undefined {
  let at: CounterSnapshot | undefined;
  for (const h of history) {
    if (h.t <= t) at = h;
    else break;
  }
  return at;
}

/**
 * What the window's counts are taken from: the snapshot in force `windowMs` ago, else the oldest
 * one (the page opened less than a window ago), and how many seconds that covers.
 */
export function windowOf(
  history: readonly CounterSnapshot[],
  now: number,
  windowMs: number,
): { base: CounterSnapshot | undefined; seconds: number } {
  const base = snapshotAt(history, now - windowMs) ?? history[0];
  const seconds = base ? Math.min(windowMs, Math.max(0, now - base.t)) / 1000 : 0;
  return { base, seconds };
}
