/**
 * Runs `fn` one call at a time, in the order asked: each call starts when the one before it has
 * settled, whether that one succeeded or failed (a failed sync must not poison every later one).
 * Each caller gets its own call's outcome.
 */
export function serialRuns(fn: () => Promise<void>): {
  run(): Promise<void>;
  /** Settles when every call asked so far has settled (never rejects). */
  idle(): Promise<void>;
} {
  let last: Promise<void> = Promise.resolve();
  const settled = (p: Promise<void>) =>
    p.then(
      () => undefined,
      () => undefined,
    );
  return {
    run() {
      const next = settled(last).then(fn);
      last = next;
      return next;
    },
    idle: () => settled(last),
  };
}
