import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The programs the kernel dataplane drives, and the Debian package of each (for the probe's hint).
 * A user's PATH often lacks /usr/sbin (Debian's default for non-root), where nft, conntrack and
 * ip live, so those directories are searched too.
 */
export const TOOLS = {
  nft: 'nftables',
  conntrack: 'conntrack',
  ip: 'iproute2',
  unshare: 'util-linux',
  nsenter: 'util-linux',
} as const;
export type Tool = keyof typeof TOOLS;

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The absolute path of `name` on PATH or in the sbin directories, or undefined. */
export function toolPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter).filter(Boolean), ...SBIN_DIRS]) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; the next directory
    }
  }
  return undefined;
}

/** `toolPath(name)`, or an error that names the package to install. */
export function requireTool(name: Tool): string {
  const file = toolPath(name);
  if (!file) throw new Error(`${name} is not installed (apt-get install ${TOOLS[name]})`);
  return file;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (bounded by `timeoutMs`), never throwing for a non-zero exit. */
export function run(file: string, args: string[], timeoutMs = 10_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      const why = err && code === null ? `${err.message}\n` : '';
      resolve({ code, stdout, stderr: `${stderr}${why}` });
    });
  });
}
