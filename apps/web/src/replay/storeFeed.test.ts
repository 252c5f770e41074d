import { describe, expect, it } from 'vitest';
import { createAppStore } from '../store/createAppStore.ts';
import { createRecorder } from './recorder.ts';
import { parseRecording } from './recordingFile.ts';
import { createReplayPlayer } from './replayPlayer.ts';
import { connections, HELLO, objectChanges, snapshot } from '../testing/replayFrames.ts';
import { snapshotFrames } from './snapshotFrames.ts';
import { storeFeed, withinRing } from './storeFeed.ts';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');

describe('withinRing', () => {
  it('leaves out only the events the ring would drop, keeping every counter', () => {
    const frames = [
      { t: 0, msg: snapshot() },
      { t: 50, msg: connections('a', 4, 4) },
      { t: 100, msg: connections('b', 4, 8) },
      { t: 150, msg: connections('c', 4, 12) },
    ];
    const kept = withinRing(frames, 6);
    const ids = kept.flatMap((f) => (f.msg.type === 'connection_events' ? f.msg.events : []));
    expect(ids.map((e) => e.id)).toEqual(['b-2', 'b-3', 'c-0', 'c-1', 'c-2', 'c-3']);
    expect(
      kept.map((f) => f.msg.type === 'connection_events' && f.msg.counters[0]!.connections),
    ).toEqual([false, 4, 8, 12]);
  });
});

describe('a recording replayed through the store', () => {
  it('reproduces the counts, the objects and the events the live page had', () => {
    // The live page: a snapshot, then frames; a recording starts in the middle.
    const live = createAppStore(() => T0);
    live.getState().applyServerMessage(HELLO);
    live.getState().applyServerMessage(snapshot('10'));
    live.getState().applyServerMessage(connections('before', 3, 3));
    const recorder = createRecorder(T0, snapshotFrames(live.getState()));
    const later = [
      objectChanges('10', '11', 'api'),
      connections('x', 5, 8),
      objectChanges('11', '12', 'db'),
      connections('y', 2, 10),
    ];
    later.forEach((msg, i) => {
      live.getState().applyServerMessage(msg);
      recorder.add(msg, T0 + (i + 1) * 100);
    });
    const parsed = parseRecording(recorder.finish(T0 + 1000).parts.join(''));
    if (!parsed.ok) throw new Error(parsed.message);

    const replay = createAppStore(() => 0);
    const feed = storeFeed(replay, T0, () => {});
    const clock = { wall: 0 };
    const player = createReplayPlayer(
      parsed.recording.frames,
      parsed.recording.durationMs,
      feed,
      () => clock.wall,
    );
    player.seek(1000);
    const a = live.getState();
    const b = replay.getState();
    expect(b.counters).toEqual(a.counters);
    expect([...b.cluster.services.keys()]).toEqual([...a.cluster.services.keys()]);
    expect(b.resourceVersion).toBe('12');
    expect(b.server).toEqual(a.server);
    // the events since the recording started (the ones before it are not in the file)
    expect(b.recent.map((e) => e.id)).toEqual(a.recent.slice(3).map((e) => e.id));

    // Back to 250 ms: the first object change is there, the second not yet.
    player.seek(250);
    const c = replay.getState();
    expect([...c.cluster.services.keys()].sort()).toEqual(['default/api', 'default/web']);
    expect(c.counters.get('default/web:80|default/web-1')?.connections).toBe(8);
    expect(c.recent).toHaveLength(5);
  });

  it('stamps each frame with its recorded time (the rate and the rewind read it)', () => {
    const replay = createAppStore(() => 0);
    const feed = storeFeed(replay, T0, () => {});
    feed.feed([
      { t: 0, msg: snapshot() },
      { t: 400, msg: connections('a', 1, 1) },
    ]);
    expect(replay.getState().rateSamples.map((r) => r.t)).toEqual([T0 + 400]);
    expect(replay.getState().history.at(-1)?.t).toBe(T0);
  });

  it('starts over empty on reset', () => {
    const replay = createAppStore(() => 0);
    let resets = 0;
    const feed = storeFeed(replay, T0, () => resets++);
    feed.feed([
      { t: 0, msg: snapshot() },
      { t: 50, msg: connections('a', 2, 2) },
    ]);
    replay.getState().setRewind(T0);
    feed.reset();
    const s = replay.getState();
    expect(s.cluster.services.size).toBe(0);
    expect(s.recent).toEqual([]);
    expect(s.counters.size).toBe(0);
    expect(s.resourceVersion).toBe('');
    expect(s.rewindAt).toBeUndefined();
    expect(resets).toBe(1);
  });
});
