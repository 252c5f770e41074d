import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { clockText, sizeText } from '../replay/replayFormat.ts';
import {
  discardRecording,
  recordingStats,
  saveRecording,
  startRecording,
  stopRecording,
} from '../replay/replayController.ts';
import type { AppState } from '../store/createAppStore.ts';
import type { RecordingDone } from '../store/replaySlice.ts';
import '../styles/replay.css';

const selectRecord = (s: AppState) => ({
  recording: s.recording,
  replaying: s.replay !== undefined,
  ready: s.resourceVersion !== '' && s.link === 'online',
});

/** The red REC badge: elapsed time and size, refreshed twice a second. */
function RecBadge() {
  useNow(500);
  const stats = recordingStats();
  const elapsed = stats ? clockText(stats.elapsedMs) : '0:00';
  return (
    <span className="rec-badge" role="status" data-testid="rec-badge">
      <span className="rec-dot" aria-hidden="true" />
      REC {elapsed}
      {stats && <span className="rec-size"> · {sizeText(stats.chars)}</span>}
    </span>
  );
}

function SaveButtons({ file }: { file: RecordingDone }) {
  const what = `${clockText(file.durationMs)}, ${file.frames} frames, ${sizeText(file.chars)}`;
  return (
    <>
      {file.stoppedBecause && (
        <span className="rec-note" role="status">
          Recording {file.stoppedBecause}
        </span>
      )}
      <button
        type="button"
        onClick={() => saveRecording(file)}
        title={`Save ${file.name} (${what})`}
      >
        Save recording
      </button>
      <button
        type="button"
        aria-label="Discard the recording"
        title="Discard the recording"
        onClick={discardRecording}
      >
        ×
      </button>
    </>
  );
}

/**
 * Record: the cluster now and every frame after it, kept in this browser until Stop offers the
 * file. (Open recording…, which replays such a file, is in the Workspace menu.)
 */
export function RecordReplayButtons() {
  const { recording, replaying, ready } = useAppStore(selectRecord);
  return (
    <span className="record-buttons">
      {recording.state === 'recording' ? (
        <>
          <RecBadge />
          <button
            type="button"
            aria-label="Stop recording"
            onClick={stopRecording}
            title="Stop and save the recording"
          >
            Stop
          </button>
        </>
      ) : (
        <>
          {recording.state === 'done' && <SaveButtons file={recording.file} />}
          {!replaying && (
            <button
              type="button"
              className="rec-optional"
              onClick={startRecording}
              disabled={!ready}
              title={
                ready
                  ? 'Record the cluster and its connections from now on (kept in this browser, at most 50 MB or 30 minutes)'
                  : 'Waiting for the server'
              }
            >
              Record
            </button>
          )}
        </>
      )}
    </span>
  );
}
