import type { EndpointCounters, TrafficStatus } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';
import { readySetKey } from './serviceEndpoints.ts';

// The Distribution panel counts over a window, from the store's cumulative counters: it keeps
// references to the counters as they were (the store replaces its maps, never mutates them), and
// subtracts. Pure: the caller passes the time.

/** The default window: the last 60 s. */
export const WINDOW_MS = 60_000;
/** One kept snapshot per second at most: the window's start is known to within a second. */
export const SNAPSHOT_EVERY_MS = 1000;

export type WindowMode = 'window' | 'reset';

/** The cumulative counts at a moment. */
export interface Snapshot {
  t: number;
  /** The store's connection counters, keyed `service|endpoint`. */
  counters: ReadonlyMap<string, EndpointCounters>;
  /** The traffic generators, with their requests per pod. */
  generators: ReadonlyMap<string, TrafficStatus>;
}

export interface CountWindow {
  /** Oldest first: one before the window's start, then one per SNAPSHOT_EVERY_MS. */
  snapshots: readonly Snapshot[];
  /** Where "since reset" starts: when the page opened, until Reset is pressed. */
  resetAt: Snapshot | undefined;
  /**
   * Per Service (`ns/name`): its ready endpoints, and the snapshot when they became those
   * (undefined: they have not changed since the page first saw the Service).
   */
  readySets: ReadonlyMap<string, { key: string; since: Snapshot | undefined }>;
  /** The cluster the ready sets were read from (they are read again when it changes). */
  cluster: ClusterMirror | undefined;
}

export function emptyWindow(): CountWindow {
  return { snapshots: [], resetAt: undefined, readySets: new Map(), cluster: undefined };
}

function withReadySets(w: CountWindow, snap: Snapshot, cluster: ClusterMirror) {
  let changed = w.readySets.size !== cluster.services.size;
  const next = new Map<string, { key: string; since: Snapshot | undefined }>();
  for (const service of cluster.services.keys()) {
    const key = readySetKey(cluster, service);
    const before = w.readySets.get(service);
    if (before?.key === key) next.set(service, before);
    else {
      next.set(service, { key, since: before ? snap : undefined });
      changed = true;
    }
  }
  return changed ? next : w.readySets;
}

/**
 * Records the counts at `snap.t` (and the cluster then). Returns `w` itself when nothing worth
 * keeping changed, so a React state holding it does not re-render.
 */
export function recordSnapshot(
  w: CountWindow,
  snap: Snapshot,
  cluster: ClusterMirror,
  windowMs = WINDOW_MS,
): CountWindow {
  const readySets = cluster === w.cluster ? w.readySets : withReadySets(w, snap, cluster);
  const last = w.snapshots.at(-1);
  const keep = !last || snap.t - last.t >= SNAPSHOT_EVERY_MS;
  if (!keep && readySets === w.readySets && w.resetAt) {
    return cluster === w.cluster ? w : { ...w, cluster };
  }
  let snapshots = w.snapshots;
  if (keep) {
    const kept = [...w.snapshots, snap];
    // Keep the newest snapshot at or before the window's start: it is the window's base.
    let drop = 0;
    while (drop < kept.length - 1 && kept[drop + 1]!.t <= snap.t - windowMs) drop++;
    snapshots = drop > 0 ? kept.slice(drop) : kept;
  }
  return { snapshots, resetAt: w.resetAt ?? snap, readySets, cluster };
}

/** "Since reset" starts again now. */
export function resetWindow(w: CountWindow, snap: Snapshot): CountWindow {
  return { ...w, resetAt: snap };
}

/**
 * The snapshot the counts start from: the newest at or before `now − windowMs` (or the oldest
 * kept, when the page is younger than the window), or the reset.
 */
export function windowStart(
  w: CountWindow,
  mode: WindowMode,
  now: number,
  windowMs = WINDOW_MS,
): Snapshot | undefined {
  if (mode === 'reset') return w.resetAt;
  let found = w.snapshots[0];
  for (const s of w.snapshots) {
    if (s.t <= now - windowMs) found = s;
    else break;
  }
  return found;
}

/** The counts in a store state at `t`. */
export function snapshotOf(s: Pick<Snapshot, 'counters' | 'generators'>, t: number): Snapshot {
  return { t, counters: s.counters, generators: s.generators };
}
