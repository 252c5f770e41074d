import type { ServerMessage } from '@l4lab/protocol';
import { clearCountWindow } from '../hooks/useCountWindow.ts';
import { appStore } from '../store/appStore.ts';
import type { RecordingDone } from '../store/replaySlice.ts';
import { setReplayClock } from './labClock.ts';
import { createRecorder, stopReasonText, type Recorder, type StopReason } from './recorder.ts';
import { MAX_RECORDING_FILE_BYTES, parseRecording, type Recording } from './recordingFile.ts';
import { createReplayPlayer, type ReplayPlayer } from './replayPlayer.ts';
import { replayRefusalText, setReplayRefusal } from './replayRefusal.ts';
import { snapshotFrames } from './snapshotFrames.ts';
import { emptyLab, storeFeed } from './storeFeed.ts';

// Record and replay, wired to the page's store: the buttons call these. The recorder sees every
// frame the live socket delivers (useServerConnection); a replay closes that socket and feeds the
// recorded frames through the same reducer, on the recording's clock.

/** How often a replay feeds the frames that came due (live frames come every 50 ms at most). */
const TICK_MS = 50;

let recorder: Recorder | undefined;
let limitTimer: ReturnType<typeof setInterval> | undefined;
let player: ReplayPlayer | undefined;
let replayTimer: ReturnType<typeof setInterval> | undefined;

// ---- recording ----

export function startRecording(): void {
  const s = appStore.getState();
  // Before the first snapshot there is nothing to start from; a replay is not recorded again.
  if (recorder || s.replay || !s.resourceVersion) return;
  const startedAt = Date.now();
  recorder = createRecorder(startedAt, snapshotFrames(s));
  // A quiet lab sends no frames: the time limit is also checked on a timer.
  limitTimer = setInterval(function checkLimit() {
    const reason = recorder?.overdue(Date.now());
    if (reason) finishRecording(reason);
  }, 1000);
  s.setRecording({ state: 'recording', startedAt });
}

/** Every frame the live socket delivered, while a recording runs. */
export function recordServerMessage(msg: ServerMessage): void {
  const reason = recorder?.add(msg, Date.now());
  if (reason) finishRecording(reason);
}

/** Elapsed time, frames and size of the recording running now. */
export function recordingStats() {
  return recorder?.stats(Date.now());
}

function finishRecording(reason?: StopReason): RecordingDone | undefined {
  if (!recorder) return undefined;
  const file = recorder.finish(Date.now());
  recorder = undefined;
  clearInterval(limitTimer);
  const done: RecordingDone = {
    name: file.name,
    blob: new Blob(file.parts, { type: 'application/json' }),
    durationMs: file.durationMs,
    frames: file.frames,
    chars: file.chars,
    stoppedBecause: reason ? stopReasonText(reason) : undefined,
  };
  appStore.getState().setRecording({ state: 'done', file: done });
  return done;
}

/** Stop: the file is offered at once (the click lets the browser save it). */
export function stopRecording(): void {
  const done = finishRecording();
  if (done) saveRecording(done);
}

export function saveRecording(file: RecordingDone): void {
  const url = URL.createObjectURL(file.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function discardRecording(): void {
  if (!recorder) appStore.getState().setRecording({ state: 'off' });
}

// ---- replay ----

/** Reads a recording the user chose; a bad file says why, and the page stays as it was. */
export async function openRecording(file: File): Promise<void> {
  const { setReplayError } = appStore.getState();
  setReplayError(undefined);
  if (file.size > MAX_RECORDING_FILE_BYTES) {
    const mb = Math.round(MAX_RECORDING_FILE_BYTES / 1024 / 1024);
    return setReplayError(`${file.name}: larger than ${mb} MB, not an l4lab recording`);
  }
  const parsed = parseRecording(await file.text());
  if (!parsed.ok) return setReplayError(`${file.name}: ${parsed.message}`);
  startReplay(parsed.recording, file.name);
}

function publishReplay() {
  const s = appStore.getState();
  if (!player || !s.replay) return;
  const position = Math.round(player.position());
  const playing = player.isPlaying();
  const speed = player.speed();
  const r = s.replay;
  // The slider moves in tenths of a second: no store update per tick for nothing.
  if (Math.abs(r.position - position) < 100 && r.playing === playing && r.speed === speed) return;
  s.setReplay({ ...r, position, playing, speed });
}

function tickReplay() {
  player?.tick();
  publishReplay();
}

function stopPlayer() {
  clearInterval(replayTimer);
  replayTimer = undefined;
  player = undefined;
}

/** Leaves the live lab (its socket closes) and plays `recording` from its start. */
export function startReplay(recording: Recording, fileName: string): void {
  stopPlayer();
  finishRecording(); // a recording running now stops here and keeps its Save button
  const s = appStore.getState();
  if (s.live) s.setLive(false);
  // The last apply's summary and focus belong to the live lab.
  s.setApply({ state: 'idle' });
  const refusal = replayRefusalText(fileName);
  setReplayRefusal(refusal);
  // First the replay state: from here on, a live frame still in flight is not applied.
  s.setReplay({
    fileName,
    recordedAt: recording.recordedAt,
    durationMs: recording.durationMs,
    position: 0,
    playing: true,
    speed: 1,
    refusal,
  });
  s.setLink('offline');
  const startMs = Date.parse(recording.recordedAt);
  const feed = storeFeed(appStore, startMs, clearCountWindow);
  feed.reset();
  const p = createReplayPlayer(recording.frames, recording.durationMs, feed, () =>
    performance.now(),
  );
  player = p;
  // The page's clock is where the frames are fed to, not a moment ahead: a view that reads the
  // time sees the frames of that time (a paused replay's clock stands still).
  setReplayClock(() => startMs + p.fedUntil());
  p.play();
  replayTimer = setInterval(tickReplay, TICK_MS);
  publishReplay();
}

export function playReplay(): void {
  player?.play();
  publishReplay();
}

export function pauseReplay(): void {
  player?.pause();
  publishReplay();
}

export function setReplaySpeed(speed: number): void {
  player?.setSpeed(speed);
  publishReplay();
}

export function seekReplay(ms: number): void {
  appStore.getState().setRewind(undefined);
  player?.seek(ms);
  publishReplay();
}

/** Back to the live lab: the recording's state goes, and a fresh socket brings a new snapshot. */
export function backToLive(): void {
  stopPlayer();
  setReplayClock(undefined);
  setReplayRefusal(undefined);
  appStore.setState(emptyLab(appStore));
  clearCountWindow();
  // useServerConnection opens the socket again once `replay` is gone.
  appStore.getState().setReplay(undefined);
}
