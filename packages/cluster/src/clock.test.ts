import { describe, it, expect } from 'vitest';
import { FakeClock } from './clock.ts';

describe('FakeClock', () => {
  it('starts at the given time and only moves on advance', () => {
    const clock = new FakeClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires due timers in time order, ties in creation order, with now() at their due time', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 30);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => fired.push(`b1@${clock.now()}`), 20);
    clock.setTimeout(() => fired.push(`b2@${clock.now()}`), 20);
    clock.advance(25);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20']);
    expect(clock.now()).toBe(25);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(5);
    expect(fired).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs timers scheduled by timers when they fall due within the same advance', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
      clock.setTimeout(() => fired.push(clock.now()), 100);
    }, 10);
    clock.advance(50);
    expect(fired).toEqual([10, 20]);
    clock.advance(60);
    expect(fired).toEqual([10, 20, 110]);
  });

  it('does not fire cancelled timers, and treats negative delays as zero', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const h = clock.setTimeout(() => fired.push('cancelled'), 5);
    clock.setTimeout(() => fired.push('now'), -10);
    h.cancel();
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(0);
    expect(fired).toEqual(['now']);
    clock.advance(10);
    expect(fired).toEqual(['now']);
  });

  it('stalls like a blocked event loop: time moves, timers run late at the next advance', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 10);
    clock.setTimeout(() => fired.push(clock.now()), 30);
    clock.stall(25);
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(25);
    clock.advance(0);
    expect(fired).toEqual([25]);
    clock.advance(5);
    expect(fired).toEqual([25, 30]);
  });
});
