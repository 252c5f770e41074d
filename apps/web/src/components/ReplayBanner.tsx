import { useEffect } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { clockText, recordedText } from '../replay/replayFormat.ts';
import {
  backToLive,
  pauseReplay,
  playReplay,
  seekReplay,
  setReplaySpeed,
} from '../replay/replayController.ts';
import { REPLAY_SPEEDS } from '../replay/replayPlayer.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import type { ReplayState } from '../store/replaySlice.ts';
import '../styles/replay.css';

const selectReplay = (s: AppState) => ({ replay: s.replay, error: s.replayError });

function ReplayControls({ replay }: { replay: ReplayState }) {
  return (
    <div className="replay-controls">
      <button
        type="button"
        className="replay-play"
        onClick={replay.playing ? pauseReplay : playReplay}
      >
        {replay.playing ? 'Pause' : 'Play'}
      </button>
      <label>
        Speed
        <select
          aria-label="Replay speed"
          value={replay.speed}
          onChange={(e) => setReplaySpeed(Number(e.target.value))}
        >
          {REPLAY_SPEEDS.map((x) => (
            <option key={x} value={x}>
              {x}×
            </option>
          ))}
        </select>
      </label>
      <input
        type="range"
        className="replay-seek"
        aria-label="Replay position (seconds)"
        min={0}
        // whole tenths, so that the slider's end reaches the recording's last frame
        max={Math.ceil(replay.durationMs / 100) / 10}
        step={0.1}
        value={(replay.position / 1000).toFixed(1)}
        onChange={(e) => seekReplay(Number(e.target.value) * 1000)}
      />
      <span className="replay-time" data-testid="replay-time">
        {clockText(replay.position)} / {clockText(replay.durationMs)}
      </span>
      <button type="button" className="primary" onClick={backToLive}>
        Back to live
      </button>
    </div>
  );
}

/**
 * During a replay, on every view: what is shown is a recording, from when, with no real traffic;
 * its clock's controls beside it. Otherwise only a file that could not be replayed, and why.
 */
export function ReplayBanner() {
  const { replay, error } = useAppStore(selectReplay);
  const on = replay !== undefined;
  useEffect(() => {
    // A frame around the whole page too: no corner of it looks live.
    document.documentElement.classList.toggle('replaying', on);
  }, [on]);
  if (replay) {
    return (
      <section className="replay-banner" aria-label="Replay" data-testid="replay-banner">
        <p className="replay-title" role="status">
          <b>REPLAY</b> of {replay.fileName} recorded {recordedText(replay.recordedAt)} — no real
          traffic
        </p>
        <ReplayControls replay={replay} />
      </section>
    );
  }
  if (!error) return null;
  return (
    <div className="replay-error" role="alert">
      <span>Cannot replay {error}</span>
      <button
        type="button"
        aria-label="Close"
        onClick={() => appStore.getState().setReplayError(undefined)}
      >
        ×
      </button>
    </div>
  );
}
