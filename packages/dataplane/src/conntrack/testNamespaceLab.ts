// For tests that run a lab script inside a network namespace they make (a named `ip netns` as
// root, `unshare -Urn` for everyone): what the machine lacks for it, the visible skip (a failure
// under CI), and the run itself, whose one JSON line on stdout is the result. Nothing touches
// the host's namespace; the named namespace is deleted in a finally (the userns one dies with its
// process). Used by the conntrack reader's test and the agent's (apps/agent).
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { TestContext } from 'vitest';
import { nativeConntrackReader } from './nativeReader.ts';

export type NamespaceMethod = 'netns' | 'userns';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What this machine lacks to run a lab one way with `tools`, or undefined when it can. */
export function namespaceMissing(method: NamespaceMethod, tools: string[]): string | undefined {
  const absent = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (absent.length)
    return `${absent.join(', ')} not installed (Debian packages nftables, conntrack, iproute2, util-linux)`;
  if (method === 'netns' && process.getuid?.() !== 0) return 'a named network namespace needs root';
  if (method === 'userns' && spawnSync('unshare', ['-Urn', 'true']).status !== 0)
    return 'unprivileged user namespaces are off (sysctl kernel.unprivileged_userns_clone=1)';
  return undefined;
}

/** Why the native conntrack reader cannot run here (no C compiler, a warning), or undefined. */
export function nativeReaderMissing(reader: 'native' | 'cli'): string | undefined {
  const { error } = reader === 'native' ? nativeConntrackReader() : {};
  return error && `the native conntrack reader cannot be built: ${error}`;
}

/** Skips visibly where the lab cannot run; under CI (root there) that fails instead. */
export function runOnlyIf(ctx: TestContext, why: string | undefined): void {
  if (!why) return;
  if (process.env.CI) throw new Error(`this test must run under CI, but ${why}`);
  ctx.skip(why);
}

/**
 * Runs `script` (a .ts file, through tsx) with `args` in a namespace of its own named
 * `<prefix>-<pid>`, killed after `timeoutMs`; returns the JSON it printed.
 */
export async function runInNamespace<T>(
  method: NamespaceMethod,
  prefix: string,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<T> {
  const name = `${prefix}-${process.pid}`;
  const node = [process.execPath, '--import', TSX, script, ...args];
  if (method === 'netns') {
    const made = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`ip netns add ${name}: ${made.stderr}`);
  }
  const [cmd, ...rest] =
    method === 'netns' ? ['ip', 'netns', 'exec', name, ...node] : ['unshare', '-Urn', ...node];
  const child = spawn(cmd!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const code = await new Promise<number | null>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('close', (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    if (code !== 0) throw new Error(`the lab exited with ${code}: ${err}`);
    return JSON.parse(out) as T;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (method === 'netns') spawnSync('ip', ['netns', 'del', name]);
  }
}
