import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EMPTY_PROGRESS,
  passedOnce,
  reachedAt,
  withReached,
  progressKey,
  progressOf,
  readProgress,
  stepOf,
  withLesson,
  withPassed,
  withStep,
  writeProgress,
} from './lessonProgress.ts';

/** localStorage as the browser has it: strings by key. */
function fakeStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, String(v)),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe('lesson progress in localStorage', () => {
  let storage: ReturnType<typeof fakeStorage>;
  beforeEach(() => {
    storage = fakeStorage();
    vi.stubGlobal('localStorage', storage);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps each namespace apart, under the prefix the workspace export carries', () => {
    let p = withLesson(EMPTY_PROGRESS, 'clusterip');
    p = withStep(p, 'clusterip', 2);
    p = withPassed(p, 'clusterip', [{ id: 'pods-ready', passed: true }]);
    writeProgress('student-1', p);
    expect([...storage.items.keys()]).toEqual(['l4lab.lesson.student-1']);
    expect(progressKey('default')).toBe('l4lab.lesson.default');

    expect(readProgress('student-1')).toEqual({
      lesson: 'clusterip',
      steps: { clusterip: 2 },
      passed: { clusterip: ['pods-ready'] },
    });
    expect(readProgress('student-2')).toEqual(EMPTY_PROGRESS);
  });

  it('starts over, without throwing, from a damaged or foreign entry', () => {
    storage.setItem('l4lab.lesson.default', '{not json');
    expect(readProgress('default')).toEqual(EMPTY_PROGRESS);
    expect(progressOf('[1,2]')).toEqual(EMPTY_PROGRESS);
    expect(
      progressOf(
        '{"lesson":7,"steps":{"a":1,"b":-1,"c":"2","d":1.5},"passed":{"a":["x",3],"b":"y"}}',
      ),
    ).toEqual({ steps: { a: 1 }, passed: { a: ['x'] } });
  });

  it('reads nothing and writes nothing when storage is unavailable', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    expect(readProgress('default')).toEqual(EMPTY_PROGRESS);
    expect(() => writeProgress('default', EMPTY_PROGRESS)).not.toThrow();
  });
});

describe('progress changes', () => {
  it('opens a lesson and goes back to the list', () => {
    const open = withLesson(EMPTY_PROGRESS, 'nodeport');
    expect(open.lesson).toBe('nodeport');
    expect(withLesson(open, 'nodeport')).toBe(open);
    expect('lesson' in withLesson(open, undefined)).toBe(false);
  });

  it('keeps the step of each lesson, within its steps', () => {
    const p = withStep(withStep(EMPTY_PROGRESS, 'clusterip', 3), 'nodeport', 1);
    expect(stepOf(p, 'clusterip', 4)).toBe(3);
    expect(stepOf(p, 'clusterip', 2)).toBe(1); // the lesson got shorter since
    expect(stepOf(p, 'other', 3)).toBe(0);
    expect(withStep(p, 'nodeport', 1)).toBe(p);
  });

  it('remembers a check that passed once, even when it fails later', () => {
    let p = withPassed(EMPTY_PROGRESS, 'clusterip', [
      { id: 'pods-ready', passed: true },
      { id: 'endpoints-ready', passed: false },
    ]);
    expect(p.passed).toEqual({ clusterip: ['pods-ready'] });
    const again = withPassed(p, 'clusterip', [{ id: 'pods-ready', passed: false }]);
    expect(again).toBe(p); // nothing new: the same object, nothing to write
    p = withPassed(p, 'clusterip', [{ id: 'endpoints-ready', passed: true }]);
    expect(p.passed.clusterip).toEqual(['pods-ready', 'endpoints-ready']);
    expect(passedOnce(p, 'clusterip', 'pods-ready')).toBe(true);
    expect(passedOnce(p, 'nodeport', 'pods-ready')).toBe(false);
  });
});

describe('when a learner reached a step', () => {
  it('is noted once, kept through storage, and read back per lesson and step', () => {
    const p = withReached(EMPTY_PROGRESS, 'proxy-modes', 1, 1_000);
    expect(reachedAt(p, 'proxy-modes', 1)).toBe(1_000);
    expect(withReached(p, 'proxy-modes', 1, 2_000)).toBe(p);
    expect(reachedAt(progressOf(JSON.stringify(p)), 'proxy-modes', 1)).toBe(1_000);
    expect(reachedAt(p, 'proxy-modes', 2)).toBeUndefined();
    expect(progressOf('{"steps":{},"passed":{},"reached":{"x/0":"soon"}}').reached).toBeUndefined();
  });
});
