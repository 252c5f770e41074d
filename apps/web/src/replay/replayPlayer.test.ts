import { describe, expect, it } from 'vitest';
import type { RecordedFrame } from './recordingFile.ts';
import { createReplayPlayer, type ReplayFeed } from './replayPlayer.ts';
import { connections, snapshot } from '../testing/replayFrames.ts';

/** Frames at 0 (the snapshot), 100, 200, ... 1000 ms. */
const FRAMES: RecordedFrame[] = [
  { t: 0, msg: snapshot() },
  ...Array.from({ length: 10 }, (_, i) => ({
    t: (i + 1) * 100,
    msg: connections(`f${i + 1}`, 1, i + 1),
  })),
];

/** A feed that records what it was given: the frame times fed since the last reset. */
function fakeFeed() {
  const log = { fed: [] as number[], resets: 0, batches: 0 };
  const feed: ReplayFeed = {
    reset() {
      log.fed = [];
      log.resets++;
    },
    feed(frames) {
      log.batches++;
      log.fed.push(...frames.map((f) => f.t));
    },
  };
  return { feed, log };
}

function setup(duration = 1000) {
  const clock = { wall: 5000 };
  const { feed, log } = fakeFeed();
  const player = createReplayPlayer(FRAMES, duration, feed, () => clock.wall);
  return { clock, log, player };
}

describe('createReplayPlayer', () => {
  it('feeds the starting frames at once, then frames as their time comes', () => {
    const { clock, log, player } = setup();
    expect(log.fed).toEqual([0]);
    player.play();
    clock.wall += 250;
    player.tick();
    expect(player.position()).toBe(250);
    expect(log.fed).toEqual([0, 100, 200]);
  });

  it('runs at the chosen speed from the moment it is chosen', () => {
    const { clock, log, player } = setup();
    player.play();
    clock.wall += 100;
    player.setSpeed(4);
    clock.wall += 100;
    expect(player.position()).toBe(500);
    player.setSpeed(0.5);
    clock.wall += 200;
    player.tick();
    expect(player.position()).toBe(600);
    expect(log.fed.at(-1)).toBe(600);
  });

  it('stands still while paused, and goes on from there', () => {
    const { clock, log, player } = setup();
    player.play();
    clock.wall += 300;
    player.pause();
    expect(log.fed.at(-1)).toBe(300);
    clock.wall += 10_000;
    player.tick();
    expect(player.position()).toBe(300);
    expect(log.fed.at(-1)).toBe(300);
    player.play();
    clock.wall += 100;
    expect(player.position()).toBe(400);
  });

  it('seeks forward by feeding the frames in between in one batch', () => {
    const { log, player } = setup();
    const before = log.batches;
    player.seek(700);
    expect(log.fed).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);
    expect(log.batches).toBe(before + 1);
    expect(log.resets).toBe(0);
  });

  it('seeks back by starting over and feeding up to the target', () => {
    const { clock, log, player } = setup();
    player.play();
    clock.wall += 800;
    player.tick();
    player.seek(250);
    expect(log.resets).toBe(1);
    expect(log.fed).toEqual([0, 100, 200]);
    expect(player.position()).toBe(250);
    expect(player.isPlaying()).toBe(true);
    // a seek back between two frames already fed does not start over
    player.pause();
    player.seek(220);
    expect(log.resets).toBe(1);
  });

  it('pauses at the end, and Play starts over from the beginning', () => {
    const { clock, log, player } = setup();
    player.play();
    clock.wall += 5000;
    player.tick();
    expect(player.isPlaying()).toBe(false);
    expect(player.position()).toBe(1000);
    expect(log.fed).toHaveLength(11);
    player.play();
    expect(log.resets).toBe(1);
    expect(player.position()).toBe(0);
    expect(player.isPlaying()).toBe(true);
  });

  it('shows the time the frames were fed to, moving at each tick and seek', () => {
    const { clock, player } = setup();
    player.play();
    clock.wall += 260;
    expect(player.fedUntil()).toBe(0);
    player.tick();
    expect(player.fedUntil()).toBe(260);
    player.seek(700);
    expect(player.fedUntil()).toBe(700);
    player.seek(100);
    expect(player.fedUntil()).toBe(100);
  });

  it('keeps a seek within the recording', () => {
    const { player } = setup();
    player.seek(-50);
    expect(player.position()).toBe(0);
    player.seek(99_999);
    expect(player.position()).toBe(1000);
  });
});
