import type { AppState, AppStore } from '../store/createAppStore.ts';
import { createClusterSlice } from '../store/clusterSlice.ts';
import { reduceServerMessage } from '../store/reduceServerMessage.ts';
import { createTrafficSlice, RECENT_EVENTS } from '../store/trafficSlice.ts';
import type { RecordedFrame } from './recordingFile.ts';
import type { ReplayFeed } from './replayPlayer.ts';

/**
 * Frames fed at once (a seek) without the events the page's ring would drop anyway: only the
 * last `keep` individual events survive `recent`, so the older ones are left out before the
 * reducer copies the ring for each frame (a 30-minute recording is fed in well under a second).
 * Counters and sampled counts stay: they are what the replay reproduces.
 */
export function withinRing(
  frames: readonly RecordedFrame[],
  keep = RECENT_EVENTS,
): RecordedFrame[] {
  const out = frames.slice();
  let left = keep;
  for (let i = out.length - 1; i >= 0; i--) {
    const f = out[i]!;
    if (f.msg.type !== 'connection_events' || f.msg.events.length === 0) continue;
    const n = f.msg.events.length;
    if (n > left) out[i] = { t: f.t, msg: { ...f.msg, events: f.msg.events.slice(n - left) } };
    left = Math.max(0, left - n);
  }
  return out;
}

/** The store's lab state as before the first server frame (the UI's own state stays). */
export function emptyLab(store: AppStore): Partial<AppState> {
  const a = [store.setState, store.getState, store] as const;
  return { ...createClusterSlice(...a), ...createTrafficSlice(...a), rewindAt: undefined };
}

/**
 * The replay's way into the store: recorded frames through the same reducer as live frames, each
 * at its recorded time (`startMs` + t), in one store update per batch.
 */
export function storeFeed(store: AppStore, startMs: number, onReset: () => void): ReplayFeed {
  return {
    reset() {
      store.setState(emptyLab(store));
      onReset();
    },
    feed(frames) {
      const due = frames.length > 1 ? withinRing(frames) : frames;
      store.setState((s) => {
        let state = s;
        for (const f of due)
          state = { ...state, ...reduceServerMessage(state, f.msg, startMs + f.t) };
        return state;
      });
    },
  };
}
