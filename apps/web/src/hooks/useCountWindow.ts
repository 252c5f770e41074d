import { useSyncExternalStore } from 'react';
import { labNow } from '../replay/labClock.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import {
  emptyWindow,
  recordSnapshot,
  resetWindow,
  snapshotOf,
  type CountWindow,
  type WindowMode,
} from '../stats/countWindow.ts';

// Snapshots of the store's cumulative counters (one a second) and of when each Service's ready
// endpoints changed, so the Distribution panel can count over a window. Kept for the page's life,
// outside React: the panel may be unmounted and mounted again (presenter mode moves it).

export interface CountWindowState {
  countWindow: CountWindow;
  mode: WindowMode;
}

let state: CountWindowState = { countWindow: emptyWindow(), mode: 'window' };
const listeners = new Set<() => void>();
let recording = false;

function set(next: CountWindowState) {
  if (next.countWindow === state.countWindow && next.mode === state.mode) return;
  state = next;
  for (const l of listeners) l();
}

function record(s: AppState) {
  // Before the server's first snapshot the counters are empty, not zero: counting from there
  // would count everything since the lab started.
  if (!s.resourceVersion) return;
  set({
    ...state,
    countWindow: recordSnapshot(state.countWindow, snapshotOf(s, labNow()), s.cluster),
  });
}

function subscribe(listener: () => void) {
  if (!recording) {
    recording = true;
    record(appStore.getState());
    appStore.subscribe((s, prev) => {
      if (
        s.counters !== prev.counters ||
        s.generators !== prev.generators ||
        s.cluster !== prev.cluster
      )
        record(s);
    });
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Counting starts again now, and the panel shows the counts since. */
export function resetCounts(): void {
  const s = appStore.getState();
  if (!s.resourceVersion) return;
  set({ countWindow: resetWindow(state.countWindow, snapshotOf(s, labNow())), mode: 'reset' });
}

/** Forgets every kept count: the store's counters start over (a replay's start or seek, or back to live). */
export function clearCountWindow(): void {
  set({ countWindow: emptyWindow(), mode: state.mode });
}

export function setCountMode(mode: WindowMode): void {
  set({ ...state, mode });
}

/** The counts' window and the chosen mode; re-renders when a snapshot is kept, not per frame. */
export function useCountWindow(): CountWindowState {
  return useSyncExternalStore(subscribe, () => state);
}
