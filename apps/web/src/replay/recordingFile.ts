import { PROTOCOL_VERSION, serverMessageSchema, type ServerMessage } from '@l4lab/protocol';

// A recording of a session as the browser received it: the cluster when recording started (a
// `cluster_snapshot`), then every server frame with its arrival time. Replayed through the same
// reducer as live frames, so it shows what the dashboard showed.

export const RECORDING_KIND = 'L4labRecording';
export const RECORDING_VERSION = 1;
/** A file this large is refused before it is read (recordings stop at 50 MB of JSON). */
export const MAX_RECORDING_FILE_BYTES = 100 * 1024 * 1024;

export interface RecordedFrame {
  /** Milliseconds since the recording started, when the frame arrived. */
  t: number;
  msg: ServerMessage;
}

export interface Recording {
  kind: typeof RECORDING_KIND;
  version: typeof RECORDING_VERSION;
  /** ISO time the recording started. */
  recordedAt: string;
  durationMs: number;
  /** Oldest first. */
  frames: RecordedFrame[];
}

export type ParsedRecording = { ok: true; recording: Recording } | { ok: false; message: string };

const pad = (n: number) => String(n).padStart(2, '0');

/** `l4lab-recording-2025-06-01-140509.json` (local time; no colons, which Windows refuses). */
export function recordingFileName(at: Date): string {
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const time = `${pad(at.getHours())}${pad(at.getMinutes())}${pad(at.getSeconds())}`;
  return `l4lab-recording-${day}-${time}.json`;
}

/** The file's text around its frames (the frames are written one by one, see recorder.ts). */
export function recordingHeader(recordedAt: string, durationMs: number): string {
  return `{"kind":"${RECORDING_KIND}","version":${RECORDING_VERSION},"recordedAt":${JSON.stringify(recordedAt)},"durationMs":${durationMs},"frames":[`;
}
export const RECORDING_FOOTER = ']}';

const fail = (message: string): ParsedRecording => ({ ok: false, message });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `events.3.protocol: Invalid option...`: the first problem the protocol's guard found. */
function firstIssue(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return 'not a server message';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Checks one frame: its time, and its message with the protocol's own guard. */
function frameOf(
  v: unknown,
  i: number,
  previousT: number,
): { ok: true; frame: RecordedFrame } | { ok: false; message: string } {
  if (!isObject(v)) return { ok: false, message: `frame ${i}: not an object {t, msg}` };
  const { t, msg } = v;
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    return { ok: false, message: `frame ${i}: t must be milliseconds since the start (≥ 0)` };
  }
  if (t < previousT) {
    return { ok: false, message: `frame ${i}: t goes back in time (${t} after ${previousT})` };
  }
  const parsed = serverMessageSchema.safeParse(msg);
  if (!parsed.success) {
    const type = isObject(msg) && typeof msg.type === 'string' ? ` (${msg.type})` : '';
    return { ok: false, message: `frame ${i}${type}: ${firstIssue(parsed.error.issues)}` };
  }
  if (parsed.data.type === 'hello' && parsed.data.protocolVersion !== PROTOCOL_VERSION) {
    return {
      ok: false,
      message: `frame ${i}: recorded with protocol version ${parsed.data.protocolVersion}; this dashboard reads version ${PROTOCOL_VERSION}`,
    };
  }
  return { ok: true, frame: { t, msg: parsed.data } };
}

/**
 * Reads a recording file's text. A bad file says why (which field, which frame), never throws:
 * the message is shown to the user as it is.
 */
export function parseRecording(text: string): ParsedRecording {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(json)) return fail('not an l4lab recording: the file is not a JSON object');
  if (json.kind !== RECORDING_KIND) {
    return fail(
      `not an l4lab recording: kind is ${JSON.stringify(json.kind)}, not "${RECORDING_KIND}"`,
    );
  }
  if (json.version !== RECORDING_VERSION) {
    return fail(
      `recording version ${JSON.stringify(json.version)}: this dashboard reads version ${RECORDING_VERSION}`,
    );
  }
  const { recordedAt, durationMs, frames } = json;
  if (typeof recordedAt !== 'string' || Number.isNaN(Date.parse(recordedAt))) {
    return fail('recordedAt must be an ISO date');
  }
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) {
    return fail('durationMs must be a number of milliseconds (≥ 0)');
  }
  if (!Array.isArray(frames)) return fail('frames must be a list of {t, msg}');
  const checked: RecordedFrame[] = [];
  let previousT = 0;
  for (const [i, v] of frames.entries()) {
    const r = frameOf(v, i, previousT);
    if (!r.ok) return fail(r.message);
    checked.push(r.frame);
    previousT = r.frame.t;
  }
  if (!checked.some((f) => f.msg.type === 'cluster_snapshot')) {
    return fail('no cluster_snapshot frame: a recording starts with the cluster as it was');
  }
  return {
    ok: true,
    recording: {
      kind: RECORDING_KIND,
      version: RECORDING_VERSION,
      recordedAt,
      // A frame after the stated end (a hand-edited file) is still played.
      durationMs: Math.max(durationMs, previousT),
      frames: checked,
    },
  };
}
