// The two programs the kernel dataplane runs: nft (one transaction per sync, listings) and
// conntrack (deleting stale entries, as kube-proxy does).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program on PATH or in the sbin directories (nft and conntrack live there; PATH may lack them). */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end, `input` on its stdin; never throws for a non-zero exit. */
export function runCommand(file: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.stdin.on('error', () => {}); // a program that exits early closes its stdin: said by `code`
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(input ?? '');
  });
}

export class NftError extends Error {
  readonly code = 'L4_E_NFT';
}

/** `nft -f -`: the whole script is one transaction (all of it is in force, or none of it). */
export async function nftApply(nft: string, script: string): Promise<void> {
  const r = await runCommand(nft, ['-f', '-'], script);
  if (r.code !== 0) throw new NftError(`nft -f failed (exit ${r.code}): ${r.stderr.trim()}`);
}

/** `nft list table ip <table>`, or undefined when there is no such table. */
export function nftListTable(nft: string, table: string): Promise<string | undefined> {
  return nftList(nft, ['list', 'table', 'ip', table]);
}

/** `nft <args>` (a `list` of some object): its output, or undefined when there is no such object. */
export async function nftList(nft: string, args: string[]): Promise<string | undefined> {
  const r = await runCommand(nft, args);
  if (r.code === 0) return r.stdout;
  if (/No such file or directory/.test(r.stderr)) return undefined;
  throw new NftError(
    `nft ${args
      .filter((a) => a !== '-j')
      .slice(0, 2)
      .join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`,
  );
}

/**
 * `conntrack -D <filter>`: the number of entries deleted. conntrack exits 1 when nothing matched
 * ("0 flow entries have been deleted"): that is not an error here.
 */
export async function conntrackDelete(conntrack: string, filter: string[]): Promise<number> {
  const r = await runCommand(conntrack, ['-D', ...filter]);
  const m = /(\d+) flow entries have been deleted/.exec(r.stderr);
  if (m) return Number(m[1]);
  if (r.code === 0) return 0;
  throw new Error(`conntrack -D ${filter.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
}
