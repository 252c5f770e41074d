// The real kubectl (the one on PATH) run by integration tests against a lab: skipped visibly where
// it is missing, failing instead under CI (runOnlyIf).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'vitest';
import { runOnlyIf } from './testSkip.ts';

export const HAS_KUBECTL = (process.env.PATH ?? '')
  .split(delimiter)
  .some((dir) => existsSync(join(dir, 'kubectl')));
export const NO_KUBECTL = 'kubectl is not on PATH';

export interface KubectlRun {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * `kubectl ...args` with the lab's kubeconfig and a HOME of the test's own (kubectl's discovery
 * cache), `input` on its standard input; at most 30 s.
 */
export function runKubectl(
  ctx: TestContext,
  where: { kubeconfig: string; home: string },
  input: string | undefined,
  args: string[],
): Promise<KubectlRun> {
  runOnlyIf(ctx, HAS_KUBECTL, NO_KUBECTL);
  return new Promise((done) => {
    const child = execFile(
      'kubectl',
      args,
      { env: { ...process.env, KUBECONFIG: where.kubeconfig, HOME: where.home }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ stdout, stderr, code });
      },
    );
    // kubectl may exit before reading its input (get, delete): a closed pipe is not a failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}
