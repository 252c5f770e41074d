import type { ServerMessage } from '@l4lab/protocol';
import { RECORDING_FOOTER, recordingFileName, recordingHeader } from './recordingFile.ts';

// Keeps the frames of a recording in memory as JSON text (one string per frame: compact, and the
// file is their concatenation), bounded in size and in time. Pure: the caller passes the clock.

export interface RecordingLimits {
  /** Characters of JSON (about bytes: the frames are ASCII but for names). */
  maxChars: number;
  maxMs: number;
}

export const RECORDING_LIMITS: RecordingLimits = {
  maxChars: 50 * 1024 * 1024,
  maxMs: 30 * 60_000,
};

export type StopReason = 'size' | 'time';

export interface RecordedFile {
  name: string;
  /** The file's text in pieces (for a Blob; `join('')` is the JSON). */
  parts: string[];
  durationMs: number;
  frames: number;
  chars: number;
}

export interface Recorder {
  /**
   * Keeps a frame that arrived at `at`; at a limit (now or earlier), keeps nothing and says which:
   * the recording has ended there.
   */
  add(msg: ServerMessage, at: number): StopReason | undefined;
  /** The limit reached by `at`, with no frame needed (a quiet lab still stops after maxMs). */
  overdue(at: number): StopReason | undefined;
  stats(at: number): { elapsedMs: number; frames: number; chars: number };
  /** The file, ending at `at` (or at the last limit reached). */
  finish(at: number): RecordedFile;
}

/** Why a recording stopped by itself, in the words shown next to its Save button. */
export function stopReasonText(reason: StopReason, limits = RECORDING_LIMITS): string {
  return reason === 'size'
    ? `stopped at the ${Math.round(limits.maxChars / 1024 / 1024)} MB limit`
    : `stopped after ${Math.round(limits.maxMs / 60_000)} minutes (the limit)`;
}

/**
 * Starts a recording at `startedAt` with `initial` (the cluster then, as a snapshot frame, and the
 * server's hello), which count as frames at t = 0.
 */
export function createRecorder(
  startedAt: number,
  initial: readonly ServerMessage[],
  limits: RecordingLimits = RECORDING_LIMITS,
): Recorder {
  const parts: string[] = [];
  // The header and footer's share; the header's own length barely changes with its values.
  let chars = recordingHeader(new Date(startedAt).toISOString(), 0).length + 2;
  let endedAt: number | undefined;
  let stopped: StopReason | undefined;

  function stop(reason: StopReason, at: number): StopReason {
    endedAt = at;
    stopped = reason;
    return reason;
  }

  function keep(t: number, msg: ServerMessage): boolean {
    const part = (parts.length > 0 ? ',' : '') + JSON.stringify({ t, msg });
    if (chars + part.length > limits.maxChars) return false;
    parts.push(part);
    chars += part.length;
    return true;
  }

  /** Past the time limit at `at`: the recording ends at the limit, not later. */
  function overdue(at: number): StopReason | undefined {
    if (stopped) return stopped;
    return at - startedAt > limits.maxMs ? stop('time', startedAt + limits.maxMs) : undefined;
  }

  for (const msg of initial) keep(0, msg);

  return {
    add(msg, at) {
      const late = overdue(at);
      if (late) return late;
      return keep(Math.max(0, at - startedAt), msg) ? undefined : stop('size', at);
    },
    overdue,
    stats(at) {
      return {
        elapsedMs: Math.max(0, (endedAt ?? at) - startedAt),
        frames: parts.length,
        chars,
      };
    },
    finish(at) {
      const durationMs = Math.max(0, (endedAt ?? at) - startedAt);
      const start = new Date(startedAt);
      const body = [recordingHeader(start.toISOString(), durationMs), ...parts, RECORDING_FOOTER];
      return {
        name: recordingFileName(start),
        parts: body,
        durationMs,
        frames: parts.length,
        chars: body.reduce((n, p) => n + p.length, 0),
      };
    },
  };
}
