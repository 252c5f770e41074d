import { describe, expect, it } from 'vitest';
import { createRecorder, stopReasonText } from './recorder.ts';
import { parseRecording } from './recordingFile.ts';
import { connections, HELLO, objectChanges, snapshot } from '../testing/replayFrames.ts';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');

describe('createRecorder', () => {
  it('keeps the starting snapshot at t 0 and each frame at its arrival offset', () => {
    const r = createRecorder(T0, [HELLO, snapshot('10')]);
    expect(r.add(objectChanges('10', '11', 'api'), T0 + 120)).toBeUndefined();
    expect(r.add(connections('a', 2, 2), T0 + 170)).toBeUndefined();
    const file = r.finish(T0 + 2000);
    const json = JSON.parse(file.parts.join('')) as Record<string, unknown>;
    expect(json).toMatchObject({
      kind: 'L4labRecording',
      version: 1,
      recordedAt: '2025-06-01T12:00:00.000Z',
      durationMs: 2000,
    });
    const frames = json.frames as { t: number; msg: { type: string } }[];
    expect(frames.map((f) => [f.t, f.msg.type])).toEqual([
      [0, 'hello'],
      [0, 'cluster_snapshot'],
      [120, 'object_changes'],
      [170, 'connection_events'],
    ]);
    expect(file.frames).toBe(4);
    expect(file.chars).toBe(file.parts.join('').length);
    expect(file.name).toMatch(/^l4lab-recording-\d{4}-\d\d-\d\d-\d{6}\.json$/);
  });

  it('writes a file that the replay reads back', () => {
    const r = createRecorder(T0, [HELLO, snapshot('10')]);
    r.add(connections('a', 3, 3), T0 + 50);
    const parsed = parseRecording(r.finish(T0 + 100).parts.join(''));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.recording.frames).toHaveLength(3);
  });

  it('stops at the size limit: the frame that does not fit is left out', () => {
    const r = createRecorder(T0, [snapshot('10')], { maxChars: 3000, maxMs: 60_000 });
    let reason: string | undefined;
    let kept = 0;
    for (let i = 1; i < 100 && !reason; i++) {
      reason = r.add(connections(`f${i}`, 1, i), T0 + i * 50);
      if (!reason) kept++;
    }
    expect(reason).toBe('size');
    const file = r.finish(T0 + 60_000);
    expect(file.chars).toBeLessThanOrEqual(3000 + 20); // the header's duration digits
    expect(file.frames).toBe(kept + 1);
    // it ended when the limit was reached, not when Save was pressed
    expect(file.durationMs).toBe((kept + 1) * 50);
    // and later frames are refused with the same reason
    expect(r.add(connections('late', 1, 99), T0 + 9000)).toBe('size');
  });

  it('stops after the time limit, also when no frame comes', () => {
    const r = createRecorder(T0, [snapshot('10')], { maxChars: 1e9, maxMs: 1000 });
    expect(r.overdue(T0 + 999)).toBeUndefined();
    expect(r.overdue(T0 + 1001)).toBe('time');
    expect(r.add(connections('a', 1, 1), T0 + 1500)).toBe('time');
    const file = r.finish(T0 + 5000);
    expect(file.durationMs).toBe(1000);
    expect(file.frames).toBe(1);
  });

  it('says why it stopped in words', () => {
    expect(stopReasonText('size')).toBe('stopped at the 50 MB limit');
    expect(stopReasonText('time')).toBe('stopped after 30 minutes (the limit)');
  });
});
