import { LESSON_PROGRESS_PREFIX } from '@l4lab/protocol';
import { readItem, writeItem } from '../persist/storage.ts';

// A learner's place in the lessons, kept in this browser per namespace (the instructor checking
// `default` and each student's namespace keep their own). The key starts with the prefix the
// workspace export carries, so progress moves with an exported workspace.

export interface LessonProgress {
  /** The lesson open in the panel; undefined: the list of lessons. */
  lesson?: string;
  /** The step shown, counted from 0, per lesson id. */
  steps: Record<string, number>;
  /** The ids of the checks that passed at least once, per lesson id. */
  passed: Record<string, string[]>;
  /**
   * When this learner first reached each step (ms since epoch), keyed `lesson/step`: a check that
   * counts connections `since: step` counts from then, not from the lab's start.
   */
  reached?: Record<string, number>;
}

export const EMPTY_PROGRESS: LessonProgress = { steps: {}, passed: {} };

export const progressKey = (namespace: string): string => `${LESSON_PROGRESS_PREFIX}.${namespace}`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Stored text to progress: whatever does not fit the shape is dropped, never trusted. */
export function progressOf(raw: string | null): LessonProgress {
  if (raw === null) return EMPTY_PROGRESS;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return EMPTY_PROGRESS;
  }
  if (!isRecord(v)) return EMPTY_PROGRESS;
  const steps: Record<string, number> = {};
  if (isRecord(v.steps)) {
    for (const [id, n] of Object.entries(v.steps)) {
      if (typeof n === 'number' && Number.isInteger(n) && n >= 0) steps[id] = n;
    }
  }
  const passed: Record<string, string[]> = {};
  if (isRecord(v.passed)) {
    for (const [id, ids] of Object.entries(v.passed)) {
      if (Array.isArray(ids)) passed[id] = ids.filter((x): x is string => typeof x === 'string');
    }
  }
  const reached: Record<string, number> = {};
  if (isRecord(v.reached)) {
    for (const [key, at] of Object.entries(v.reached)) {
      if (typeof at === 'number' && Number.isFinite(at) && at > 0) reached[key] = at;
    }
  }
  return {
    ...(typeof v.lesson === 'string' ? { lesson: v.lesson } : {}),
    steps,
    passed,
    ...(Object.keys(reached).length ? { reached } : {}),
  };
}

/** When the learner first reached a step (counted from 0); undefined before they did. */
export function reachedAt(p: LessonProgress, lesson: string, step: number): number | undefined {
  return p.reached?.[`${lesson}/${step}`];
}

/** Notes that the learner reached a step now, once: the same object when it was noted before. */
export function withReached(
  p: LessonProgress,
  lesson: string,
  step: number,
  now: number,
): LessonProgress {
  const key = `${lesson}/${step}`;
  if (p.reached?.[key] !== undefined) return p;
  return { ...p, reached: { ...p.reached, [key]: now } };
}

export function readProgress(namespace: string): LessonProgress {
  return progressOf(readItem(progressKey(namespace)));
}

export function writeProgress(namespace: string, progress: LessonProgress): void {
  writeItem(progressKey(namespace), JSON.stringify(progress));
}

/** Opens a lesson (at the step it was left on), or goes back to the list with undefined. */
export function withLesson(p: LessonProgress, lesson: string | undefined): LessonProgress {
  if (p.lesson === lesson) return p;
  if (lesson !== undefined) return { ...p, lesson };
  const rest = { ...p };
  delete rest.lesson;
  return rest;
}

export function withStep(p: LessonProgress, lesson: string, step: number): LessonProgress {
  return p.steps[lesson] === step ? p : { ...p, steps: { ...p.steps, [lesson]: step } };
}

/** The step to show: the stored one, within the lesson's steps. */
export function stepOf(p: LessonProgress, lesson: string, stepCount: number): number {
  return Math.min(Math.max(p.steps[lesson] ?? 0, 0), Math.max(stepCount - 1, 0));
}

/**
 * Adds the checks passing now to those that passed once. The same object comes back when nothing
 * is new, so a poll that changes nothing writes nothing.
 */
export function withPassed(
  p: LessonProgress,
  lesson: string,
  results: readonly { id: string; passed: boolean }[],
): LessonProgress {
  const before = p.passed[lesson] ?? [];
  const fresh = results.filter((r) => r.passed && !before.includes(r.id)).map((r) => r.id);
  if (fresh.length === 0) return p;
  return { ...p, passed: { ...p.passed, [lesson]: [...before, ...new Set(fresh)] } };
}

export function passedOnce(p: LessonProgress, lesson: string, check: string): boolean {
  return p.passed[lesson]?.includes(check) ?? false;
}
