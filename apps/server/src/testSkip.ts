import type { TestContext } from 'vitest';

/**
 * Skips the running test, visibly, when this machine cannot run it (`why` says what is missing);
 * under CI, where everything is installed, that is a failure instead, never a silent pass.
 */
export function runOnlyIf(ctx: TestContext, ok: boolean, why: string): void {
  if (ok) return;
  if (process.env.CI) throw new Error(`this test must run under CI, but ${why}`);
  ctx.skip(why);
}
