// The real kubectl (the one on PATH) run by integration tests against a lab: skipped visibly where
// it is missing, failing instead under CI (runOnlyIf).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { onTestFinished, type TestContext } from 'vitest';
import { waitFor } from '@l4lab/cluster/testing';
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

/**
 * `kubectl ...args` in a terminal of its own (util-linux `script`, a pty), as a student types
 * `kubectl exec -it`: what the terminal got, stdout and stderr in one, as its bytes.
 */
export function runKubectlInTerminal(
  ctx: TestContext,
  where: { kubeconfig: string; home: string },
  args: string[],
  /** What is typed into the terminal (`exit\r` last, for a shell). */
  input?: string,
): Promise<KubectlRun> {
  runOnlyIf(ctx, HAS_KUBECTL, NO_KUBECTL);
  const quoted = ['kubectl', ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return new Promise((done) => {
    const child = execFile(
      'script',
      ['-qec', quoted, '/dev/null'],
      { env: { ...process.env, KUBECONFIG: where.kubeconfig, HOME: where.home }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ stdout, stderr, code });
      },
    );
    if (input === undefined) return;
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

export interface PortForward {
  /** The local port kubectl listens on. */
  port: number;
  /** kubectl's output so far (stdout and stderr). */
  output(): string;
  /** Resolves with kubectl's exit code once it exits (it does on a forwarding error). */
  exited: Promise<number>;
  stop(): Promise<void>;
}

/**
 * `kubectl port-forward TARGET :PORT --address 127.0.0.1 ...extra` (a local port the system
 * picks), once kubectl says where it listens; killed when the test ends, if still running.
 */
export function startPortForward(
  ctx: TestContext,
  where: { kubeconfig: string; home: string },
  env: Record<string, string>,
  target: string,
  remotePort: number,
  extra: string[] = [],
): Promise<PortForward> {
  return startKubectlServer(
    ctx,
    where,
    env,
    ['port-forward', target, `:${remotePort}`, '--address', '127.0.0.1', ...extra],
    /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/,
  );
}

/** `kubectl proxy --port=0` (127.0.0.1, a port the system picks), once it says where it serves. */
export function startKubectlProxy(
  ctx: TestContext,
  where: { kubeconfig: string; home: string },
): Promise<PortForward> {
  return startKubectlServer(
    ctx,
    where,
    {},
    ['proxy', '--port=0'],
    /Starting to serve on 127\.0\.0\.1:(\d+)/,
  );
}

/**
 * kubectl serving on a local port (port-forward, proxy): resolves once its output names the port
 * (`listening`'s first group); killed when the test ends, if still running.
 */
async function startKubectlServer(
  ctx: TestContext,
  where: { kubeconfig: string; home: string },
  env: Record<string, string>,
  args: string[],
  listening: RegExp,
): Promise<PortForward> {
  runOnlyIf(ctx, HAS_KUBECTL, NO_KUBECTL);
  const child = spawn('kubectl', args, {
    env: { ...process.env, KUBECONFIG: where.kubeconfig, HOME: where.home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => void child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((done) => child.on('exit', (code) => done(code ?? 1)));
  const port = await waitFor(`kubectl ${args.slice(0, 2).join(' ')} listening`, async () => {
    const m = listening.exec(out);
    if (!m && child.exitCode !== null) throw new Error(`kubectl exited: ${out}`);
    return m ? Number(m[1]) : undefined;
  });
  return {
    port,
    output: () => out,
    exited,
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}
