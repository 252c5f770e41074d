import type { StateCreator } from 'zustand/vanilla';
import type { AppState } from './createAppStore.ts';

// Recording a session to a file, and replaying one (replay/replayController.ts drives both).

export interface RecordingDone {
  name: string;
  blob: Blob;
  durationMs: number;
  frames: number;
  chars: number;
  /** Why it stopped by itself (a limit), or undefined when the user stopped it. */
  stoppedBecause: string | undefined;
}

export type RecordingState =
  | { state: 'off' }
  | { state: 'recording'; startedAt: number }
  | { state: 'done'; file: RecordingDone };

export interface ReplayState {
  fileName: string;
  /** ISO time the recording started. */
  recordedAt: string;
  durationMs: number;
  /** Milliseconds into the recording (refreshed as it plays). */
  position: number;
  playing: boolean;
  speed: number;
  /** Why actions are disabled (the same words everywhere). */
  refusal: string;
}

export interface ReplaySlice {
  recording: RecordingState;
  /** Defined while a recording is replayed instead of the live lab. */
  replay: ReplayState | undefined;
  /** The last file that could not be replayed, and why. */
  replayError: string | undefined;
  setRecording(recording: RecordingState): void;
  setReplay(replay: ReplayState | undefined): void;
  setReplayError(message: string | undefined): void;
}

export const createReplaySlice: StateCreator<AppState, [], [], ReplaySlice> = (set) => ({
  recording: { state: 'off' },
  replay: undefined,
  replayError: undefined,
  setRecording: (recording) => set({ recording }),
  setReplay: (replay) => set({ replay }),
  setReplayError: (replayError) => set({ replayError }),
});

/** Why lab actions are disabled now: a replay's reason, or undefined when live. */
export const selectReplayLock = (s: AppState) => ({ lock: s.replay?.refusal });
