import type { EndpointCounters, StudentInfo } from '@l4lab/protocol';
import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

// The projector's view of the whole class (workshop mode): which view the graph panel shows,
// the spotlight the instructor put on one student, and a minute of counters for per-lane counts.

export type GraphPanelMode = 'class' | 'graph';

/** The counters as they were at `t` (maps are replaced per frame, never mutated: a reference). */
export interface CounterSnapshot {
  t: number;
  counters: ReadonlyMap<string, EndpointCounters>;
}

/** The Class view counts connections over this window. */
export const CLASS_WINDOW_MS = 60_000;
/** One counter snapshot a second: the lanes' sparklines and 60 s counts are read from them. */
export const CLASS_SAMPLE_MS = 1000;

type Student = Pick<StudentInfo, 'name' | 'namespace'>;

export interface ClassViewSlice {
  /** The user's choice of view; undefined: the role's default (Class for the viewer). */
  graphPanelMode: GraphPanelMode | undefined;
  /** The namespace the instructor spotlights (GET /api/workshop), if any. */
  spotlight: string | undefined;
  /** A spotlight this browser went back to the Class view from (shown again when it changes). */
  spotlightLeft: string | undefined;
  /** The workshop's students (names of namespaces), from the same poll. */
  classStudents: readonly Student[];
  /** Counter snapshots over the last CLASS_WINDOW_MS (plus the one before it), oldest first. */
  classCounters: readonly CounterSnapshot[];
  setGraphPanelMode(mode: GraphPanelMode): void;
  setClassStatus(spotlight: string | undefined, students: readonly Student[]): void;
  /** This browser put (or ended) the spotlight: follow it at once, before the next poll. */
  spotlightOn(namespace: string | undefined): void;
  leaveSpotlight(): void;
  sampleClassCounters(now: number): void;
}

export const createClassViewSlice: StateCreator<AppState, [], [], ClassViewSlice> = (set, get) => ({
  graphPanelMode: undefined,
  spotlight: undefined,
  spotlightLeft: undefined,
  classStudents: [],
  classCounters: [],
  // Choosing a view leaves the spotlight on this screen (the Class view is the way back).
  setGraphPanelMode: (graphPanelMode) =>
    set((s) => ({ graphPanelMode, spotlightLeft: s.spotlight ?? s.spotlightLeft })),
  setClassStatus: (spotlight, students) =>
    set((s) => ({
      spotlight,
      // A spotlight that ends forgets the "left" mark: the same student spotlit again shows.
      spotlightLeft: spotlight === undefined ? undefined : s.spotlightLeft,
      classStudents: sameStudents(s.classStudents, students)
        ? s.classStudents
        : students.map(({ name, namespace }) => ({ name, namespace })),
    })),
  spotlightOn: (spotlight) => set({ spotlight, spotlightLeft: undefined }),
  leaveSpotlight: () => set((s) => ({ spotlightLeft: s.spotlight, graphPanelMode: 'class' })),
  sampleClassCounters: (now) =>
    set((s) => ({ classCounters: withCounterSnapshot(s.classCounters, get().counters, now) })),
});

function sameStudents(a: readonly Student[], b: readonly Student[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => x.name === b[i]?.name && x.namespace === b[i]?.namespace)
  );
}

function attemptsOf(counters: ReadonlyMap<string, EndpointCounters>): number {
  let total = 0;
  for (const c of counters.values()) total += c.connections + c.refused + c.dropped;
  return total;
}

/**
 * Appends a snapshot and forgets those older than the window, keeping the last one at or before
 * its start (the base the window's counts are taken from). Counters that went down (the server
 * restarted, or a student was reset) start the history over: differences across it mean nothing.
 */
export function withCounterSnapshot(
  history: readonly CounterSnapshot[],
  counters: ReadonlyMap<string, EndpointCounters>,
  now: number,
  windowMs = CLASS_WINDOW_MS,
): CounterSnapshot[] {
  const last = history.at(-1);
  if (last && attemptsOf(counters) < attemptsOf(last.counters)) return [{ t: now, counters }];
  const kept = [...history, { t: now, counters }];
  let drop = 0;
  while (drop < kept.length - 1 && kept[drop + 1]!.t <= now - windowMs) drop++;
  return drop > 0 ? kept.slice(drop) : kept;
}

type ClassState = Pick<
  AppState,
  'user' | 'workshop' | 'graphPanelMode' | 'spotlight' | 'spotlightLeft'
>;

/** Workshop mode, seen by the instructor or the projector (a student sees only their own). */
export const selectClassAvailable = (s: Pick<AppState, 'user' | 'workshop'>): boolean =>
  (s.workshop ?? false) && (s.user?.role === 'instructor' || s.user?.role === 'viewer');

/** The spotlit namespace this screen follows now (undefined: none, or the user went back). */
export function spotlightShown(s: ClassState): string | undefined {
  if (!selectClassAvailable(s) || s.spotlight === undefined) return undefined;
  return s.spotlight === s.spotlightLeft ? undefined : s.spotlight;
}

/** The graph panel shows the Class view: chosen, or the viewer's default, and no spotlight. */
export function showClassView(s: ClassState): boolean {
  if (!selectClassAvailable(s) || spotlightShown(s) !== undefined) return false;
  const mode = s.graphPanelMode ?? (s.user?.role === 'viewer' ? 'class' : 'graph');
  return mode === 'class';
}
