import { useEffect, useState } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { labNow } from '../replay/labClock.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { REWIND_MS } from '../store/trafficSlice.ts';

const selectRewind = (s: AppState) => ({ rewindAt: s.rewindAt });

/** A time cursor over the last 60 s: the graph and the log show that moment; Play moves it on. */
export function RewindBar() {
  const { rewindAt } = useAppStore(selectRewind);
  const now = useNow(250);
  const [playing, setPlaying] = useState(false);
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const id = setInterval(() => {
      const t = performance.now();
      const { rewindAt: at, setRewind } = appStore.getState();
      if (at === undefined) return setPlaying(false);
      const next = at + (t - last);
      last = t;
      if (next >= labNow() - 100) {
        setRewind(undefined);
        setPlaying(false);
      } else setRewind(next);
    }, 50);
    return () => clearInterval(id);
  }, [playing]);
  const offset = rewindAt === undefined ? 0 : Math.max(-REWIND_MS, rewindAt - now);
  return (
    <div className="rewind-bar">
      <label>
        Rewind
        <input
          type="range"
          aria-label="Rewind (seconds ago)"
          min={-REWIND_MS / 1000}
          max={0}
          step={0.1}
          value={(offset / 1000).toFixed(1)}
          onChange={(e) => {
            const v = Number(e.target.value);
            appStore.getState().setRewind(v >= 0 ? undefined : labNow() + v * 1000);
          }}
        />
      </label>
      <span className="rewind-at" data-testid="rewind-at">
        {rewindAt === undefined ? 'live' : `${(offset / 1000).toFixed(1)} s`}
      </span>
      <button type="button" disabled={rewindAt === undefined} onClick={() => setPlaying((p) => !p)}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <button
        type="button"
        disabled={rewindAt === undefined}
        onClick={() => {
          setPlaying(false);
          appStore.getState().setRewind(undefined);
        }}
      >
        Live
      </button>
    </div>
  );
}
