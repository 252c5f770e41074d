// Test helpers: run nft inside a throwaway user + network namespace (`unshare -Urn`), never in
// the host's; skip visibly where that cannot be done, and fail instead under CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { TestContext } from 'vitest';
import { findProgram, runCommand, type CommandResult } from './commands.ts';

export const NFT = findProgram('nft');
const UNSHARE = findProgram('unshare');
const NSENTER = findProgram('nsenter');

/** Whether `unshare -Urn nft` works here (nft installed, user namespaces allowed). */
export function canUseThrowawayNamespace(): boolean {
  if (!NFT || !UNSHARE || !NSENTER) return false;
  const r = spawnSync(UNSHARE, ['-Urn', NFT, 'list', 'ruleset'], { timeout: 10_000 });
  return r.status === 0;
}

export const THROWAWAY_NAMESPACE_MISSING =
  'needs nft (apt-get install nftables), util-linux unshare/nsenter and unprivileged user namespaces (unshare -Urn)';

/** Skips the test, visibly; under CI (env CI set), throws instead. */
export function runOnlyIf(ctx: TestContext, ok: boolean, why: string): void {
  if (ok) return;
  if (process.env.CI) throw new Error(`this test must run under CI, but ${why}`);
  ctx.skip(why);
}

/**
 * A user + network namespace held open by a sleeping process of ours; commands enter it with
 * nsenter. It goes away when `close` stops that process (by its PID).
 */
export class ThrowawayNamespace {
  readonly #holder: ChildProcess;

  private constructor(holder: ChildProcess) {
    this.#holder = holder;
  }

  /** Starts the holder and waits until it is in its own namespaces (never enter ours). */
  static async open(): Promise<ThrowawayNamespace> {
    const holder = spawn(UNSHARE!, ['-Urn', 'sleep', '300'], { stdio: 'ignore' });
    const ns = new ThrowawayNamespace(holder);
    const own = (kind: string, pid: number | 'self') => {
      try {
        return readlinkSync(`/proc/${pid}/ns/${kind}`);
      } catch {
        return undefined;
      }
    };
    const end = Date.now() + 5000;
    for (;;) {
      const pid = holder.pid!;
      const net = own('net', pid);
      const separate =
        net && net !== own('net', 'self') && own('user', pid) !== own('user', 'self');
      if (separate && comm(pid) === 'sleep') break; // unshare has set up the maps and exec'd
      if (Date.now() > end || holder.exitCode !== null) {
        ns.close();
        throw new Error('the throwaway namespace did not start');
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return ns;
  }

  /** Runs `nft` inside, `input` on its stdin. */
  nft(args: string[], input?: string): Promise<CommandResult> {
    const pid = String(this.#holder.pid);
    return runCommand(
      NSENTER!,
      ['-t', pid, '-U', '-n', '--preserve-credentials', NFT!, ...args],
      input,
    );
  }

  /** `nft -f -` of the script; throws with nft's message when it fails. */
  async load(script: string): Promise<void> {
    const r = await this.nft(['-f', '-'], script);
    if (r.code !== 0) throw new Error(`nft -f failed: ${r.stderr}`);
  }

  async list(handles = false): Promise<string> {
    const r = await this.nft([...(handles ? ['-a'] : []), 'list', 'table', 'ip', 'kube-proxy']);
    if (r.code !== 0) throw new Error(`nft list failed: ${r.stderr}`);
    return r.stdout;
  }

  close(): void {
    this.#holder.kill('SIGKILL');
  }
}

function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Loads each script in turn in a fresh namespace and lists the table. */
export async function loadInThrowawayNamespace(scripts: string[]): Promise<CommandResult> {
  const ns = await ThrowawayNamespace.open();
  try {
    for (const s of scripts) {
      const r = await ns.nft(['-f', '-'], s);
      if (r.code !== 0) return r;
    }
    return await ns.nft(['list', 'table', 'ip', 'kube-proxy']);
  } finally {
    ns.close();
  }
}

const IS_ROOT = process.getuid?.() === 0;

/**
 * The `unshare` arguments that give a scenario script a network namespace of its own with nft,
 * conntrack and ip usable: `-n` as root, else `-Urn`; undefined where neither works.
 */
export function scenarioNamespaceArgs(): string[] | undefined {
  if (!UNSHARE || !NFT || !findProgram('conntrack') || !findProgram('ip')) return undefined;
  for (const args of IS_ROOT ? [['-n'], ['-Urn']] : [['-Urn']]) {
    if (spawnSync(UNSHARE, [...args, NFT, 'list', 'ruleset'], { timeout: 10_000 }).status === 0)
      return args;
  }
  return undefined;
}

/**
 * Runs a TypeScript scenario script (with tsx) in a network namespace of its own that goes away
 * with it; bounded: killed by its PID after `timeoutMs`.
 */
export function runScenario(
  args: readonly string[],
  script: string,
  timeoutMs: number,
): Promise<{ code: number | null; out: string; err: string }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return new Promise((resolve) => {
    const child = spawn(UNSHARE!, [...args, process.execPath, '--import', tsx, script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}
