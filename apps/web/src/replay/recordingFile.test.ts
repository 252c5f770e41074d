import { describe, expect, it } from 'vitest';
import { parseRecording, recordingFileName } from './recordingFile.ts';
import { connections, HELLO, snapshot } from '../testing/replayFrames.ts';

function file(patch: Record<string, unknown> = {}): string {
  return JSON.stringify({
    kind: 'L4labRecording',
    version: 1,
    recordedAt: '2025-06-01T12:00:00.000Z',
    durationMs: 1000,
    frames: [
      { t: 0, msg: HELLO },
      { t: 0, msg: snapshot() },
      { t: 50, msg: connections('a', 1, 1) },
    ],
    ...patch,
  });
}

const message = (text: string) => {
  const r = parseRecording(text);
  return r.ok ? 'ok' : r.message;
};

describe('parseRecording', () => {
  it('reads a good file', () => {
    const r = parseRecording(file());
    expect(r.ok && r.recording.frames.map((f) => f.msg.type)).toEqual([
      'hello',
      'cluster_snapshot',
      'connection_events',
    ]);
  });

  it('says why a file is not a recording', () => {
    expect(message('{"kind":')).toMatch(/^not JSON: /);
    expect(message('[]')).toBe('not an l4lab recording: the file is not a JSON object');
    expect(message(file({ kind: 'L4labWorkspace' }))).toBe(
      'not an l4lab recording: kind is "L4labWorkspace", not "L4labRecording"',
    );
    expect(message(file({ version: 2 }))).toBe(
      'recording version 2: this dashboard reads version 1',
    );
    expect(message(file({ recordedAt: 'yesterday' }))).toBe('recordedAt must be an ISO date');
    expect(message(file({ durationMs: -1 }))).toMatch(/^durationMs must be/);
    expect(message(file({ frames: {} }))).toBe('frames must be a list of {t, msg}');
  });

  it('checks every frame with the protocol guard, and names the frame and field', () => {
    const bad = JSON.parse(file()) as { frames: { t: number; msg: Record<string, unknown> }[] };
    const events = (bad.frames[2]!.msg.events as Record<string, unknown>[])[0]!;
    events.protocol = 'SCTP';
    expect(message(JSON.stringify(bad))).toMatch(
      /^frame 2 \(connection_events\): events\.0\.protocol: /,
    );
    expect(message(file({ frames: [{ t: 0, msg: { type: 'gossip' } }] }))).toMatch(/^frame 0 /);
    expect(message(file({ frames: [{ t: -5, msg: snapshot() }] }))).toMatch(/^frame 0: t must/);
    expect(message(file({ frames: [{ t: 0, msg: snapshot() }, 'x'] }))).toBe(
      'frame 1: not an object {t, msg}',
    );
  });

  it('refuses frames out of order, another protocol version, and no snapshot', () => {
    const late = { t: 90, msg: snapshot() };
    const early = { t: 40, msg: connections('a', 1, 1) };
    expect(message(file({ frames: [late, early] }))).toBe(
      'frame 1: t goes back in time (40 after 90)',
    );
    expect(message(file({ frames: [{ t: 0, msg: { ...HELLO, protocolVersion: 7 } }] }))).toBe(
      'frame 0: recorded with protocol version 7; this dashboard reads version 1',
    );
    expect(message(file({ frames: [early] }))).toBe(
      'no cluster_snapshot frame: a recording starts with the cluster as it was',
    );
  });

  it('plays a frame after the stated end (the duration grows to it)', () => {
    const r = parseRecording(file({ durationMs: 10 }));
    expect(r.ok && r.recording.durationMs).toBe(50);
  });
});

describe('recordingFileName', () => {
  it('is the local date and time without colons', () => {
    expect(recordingFileName(new Date(2025, 5, 1, 9, 5, 7))).toBe(
      'l4lab-recording-2025-06-01-090507.json',
    );
  });
});
