// Test helpers for l4lab servers run as child processes (kill -9, restarts on one workspace).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

/**
 * The server as `npm start` runs it: its bundle (scripts/build-server.mjs), built by the
 * integration project's globalSetup (vitest.config.ts) before any test. `node SERVER_MAIN ...`.
 */
export const SERVER_MAIN = join(ROOT, 'apps/server/dist/main.mjs');

export interface ServerProcess {
  child: ChildProcess;
  /** The URL once it says `l4lab ready`; rejects if it exits first or takes over 45 s. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  out: () => string;
}

/** `node main.mjs --port 0 --workspace ws ...flags`; the child is added to `children` to stop. */
export function startServerProcess(
  ws: string,
  flags: string[],
  children: ChildProcess[],
): ServerProcess {
  const args = [SERVER_MAIN, '--port', '0', '--workspace', ws];
  const child = spawn(process.execPath, [...args, ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code, signal) => {
      if (signal) out += `\n[the server was ended by ${signal}]\n`;
      r(code);
    }),
  );
  const ready = new Promise<string>((resolveUrl, reject) => {
    // A guard against a hang, not a speed check: a fresh clone's first start in a network
    // namespace, beside the fuzz run on the other core, once took over 20 s in CI (2026-12-07).
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 45_000);
    child.stdout!.on('data', () => {
      const m = /l4lab ready: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { child, ready, exited, out: () => out };
}

/** nginx processes whose command line names this workspace. */
export async function nginxOf(ws: string): Promise<number[]> {
  const pids: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const cmd = await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '');
    if ((cmd.startsWith('nginx') || cmd.includes('/nginx\0')) && cmd.includes(ws))
      pids.push(Number(e));
  }
  return pids;
}
