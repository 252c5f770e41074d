import type { RecordedFrame } from './recordingFile.ts';

// The replay's clock: a position in the recording that moves with the wall clock times the speed
// while playing, and the frames fed up to it. Seeking back starts the page's copy over and feeds
// again from the first frame (frames are changes: there is no going back one). Pure: the caller
// passes the wall clock and the feed, and calls tick() as often as it wants the picture to move.

export const REPLAY_SPEEDS = [0.5, 1, 2, 4] as const;

export interface ReplayFeed {
  /** Empties the page's copy of the lab (before feeding from the first frame again). */
  reset(): void;
  /** Frames that came due, oldest first (several when seeking: one update for all of them). */
  feed(frames: readonly RecordedFrame[]): void;
}

export interface ReplayPlayer {
  readonly durationMs: number;
  /** Milliseconds into the recording now. */
  position(): number;
  /**
   * How far the frames have been fed (moves at each tick and seek): the time the page shows. A
   * view that reads it sees every frame up to it applied, never a moment ahead of the frames.
   */
  fedUntil(): number;
  isPlaying(): boolean;
  speed(): number;
  /** From the start again when at the end. */
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  seek(ms: number): void;
  /** Feeds the frames due by now; at the end, pauses there. */
  tick(): void;
}

export function createReplayPlayer(
  frames: readonly RecordedFrame[],
  durationMs: number,
  feed: ReplayFeed,
  wallNow: () => number,
): ReplayPlayer {
  let playing = false;
  let speed = 1;
  // position = anchorPosition + (wall - anchorWall) * speed while playing
  let anchorPosition = 0;
  let anchorWall = wallNow();
  /** The index of the first frame not fed yet. */
  let next = 0;
  let fedTo = 0;

  const clamp = (ms: number) => Math.min(durationMs, Math.max(0, ms));

  function position(): number {
    if (!playing) return anchorPosition;
    return clamp(anchorPosition + (wallNow() - anchorWall) * speed);
  }

  function anchor(at: number) {
    anchorPosition = at;
    anchorWall = wallNow();
  }

  function feedUpTo(ms: number) {
    fedTo = ms;
    let end = next;
    while (end < frames.length && frames[end]!.t <= ms) end++;
    if (end === next) return;
    const due = frames.slice(next, end);
    next = end;
    feed.feed(due);
  }

  function seek(ms: number) {
    const to = clamp(ms);
    // A frame already fed lies after the target: the page's copy is past it, start over.
    if (next > 0 && frames[next - 1]!.t > to) {
      feed.reset();
      next = 0;
    }
    feedUpTo(to);
    anchor(to);
  }

  function tick() {
    const at = position();
    feedUpTo(at);
    if (playing && at >= durationMs) {
      playing = false;
      anchor(durationMs);
    }
  }

  feedUpTo(0);
  return {
    durationMs,
    position,
    fedUntil: () => fedTo,
    isPlaying: () => playing,
    speed: () => speed,
    play() {
      if (playing) return;
      if (anchorPosition >= durationMs) seek(0);
      anchor(anchorPosition);
      playing = true;
    },
    pause() {
      if (!playing) return;
      tick();
      anchor(position());
      playing = false;
    },
    setSpeed(s) {
      anchor(position());
      speed = s;
    },
    seek,
    tick,
  };
}
