// "How many" as lessons say it: exactly `count`, or at least `min` and at most `max`.
import type { Bounds } from './types.ts';

export function inBounds(n: number, b: Bounds): boolean {
  if (b.count !== undefined) return n === b.count;
  return (b.min === undefined || n >= b.min) && (b.max === undefined || n <= b.max);
}

export function hasBounds(b: Bounds): boolean {
  return b.count !== undefined || b.min !== undefined || b.max !== undefined;
}

/** "want at least 3", "want exactly 2", "want at most 0", "want 2 to 4". */
export function wantText(b: Bounds): string {
  if (b.count !== undefined) return `want exactly ${b.count}`;
  if (b.min !== undefined && b.max !== undefined) {
    return b.min === b.max ? `want exactly ${b.min}` : `want ${b.min} to ${b.max}`;
  }
  if (b.min !== undefined) return `want at least ${b.min}`;
  return `want at most ${b.max ?? 0}`;
}

/** The sentence of a count: the fact, and what was wanted when it is not met. */
export function countResult(
  n: number,
  b: Bounds,
  fact: string,
): { passed: boolean; detail: string } {
  const passed = inBounds(n, b);
  return { passed, detail: passed ? fact : `${fact}, ${wantText(b)}` };
}
