import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { namespaceInode } from './identity.ts';
import type { NamespaceMethod } from './probe.ts';
import { type RunResult, requireTool, run } from './tools.ts';

/*
 * Two ways to make the lab's network namespace, chosen by privilege:
 * - root: a named namespace (`ip netns add l4lab-<id>`), so the usual tools find it
 *   (`ip netns list`, `ip netns exec l4lab-<id> bash`, `ip netns pids`). It outlives its
 *   processes (a bind mount under /run/netns), so it is deleted at stop, and after a kill -9 by
 *   the next start (the workspace's run/netns.json names it). Processes enter it with
 *   `nsenter --net=/run/netns/<name>`, not `ip netns exec`: that one also makes a private mount
 *   namespace, in which the lab could no longer delete its own namespace on the way out.
 * - unprivileged: `unshare -Urn` makes a user namespace that owns a new network namespace. A
 *   small holder process (`cat`, reading a pipe from its creator) keeps it alive and dies when its
 *   creator does (end of file), so a crash leaves no holder behind; processes enter with
 *   `nsenter --target <holder> --user --net --preserve-credentials`.
 */

/** Where a lab's network namespace is and how to enter it (saved in the workspace's record). */
export interface NamespaceRef {
  method: NamespaceMethod;
  /** `l4lab-<8 hex>`: the `ip netns` name (netns), a label (userns). */
  name: string;
  /** Its inode (`/proc/<pid>/ns/net`): the namespace's identity while it lives. */
  netInode: number;
  /** userns: the owning user namespace's inode and the holder process. */
  userInode?: number;
  holderPid?: number;
}

/** A name per workspace, so a second start finds (and cleans) what the first one left. */
export function namespaceName(workspace: string): string {
  return `l4lab-${createHash('sha256').update(workspace).digest('hex').slice(0, 8)}`;
}

const NETNS_DIR = '/run/netns';

/** Creates a new, empty network namespace (loopback down: `prepareNamespace` inside brings it up). */
export async function createNamespace(
  method: NamespaceMethod,
  name: string,
): Promise<NamespaceRef> {
  return method === 'netns' ? createNamed(name) : createUserOwned(name);
}

async function createNamed(name: string): Promise<NamespaceRef> {
  const r = await run(requireTool('ip'), ['netns', 'add', name]);
  if (r.code !== 0) throw new Error(`ip netns add ${name}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return { method: 'netns', name, netInode: statSync(`${NETNS_DIR}/${name}`).ino };
}

async function createUserOwned(name: string): Promise<NamespaceRef> {
  const own = namespaceInode('self');
  const holder = spawn(
    requireTool('unshare'),
    ['--user', '--map-root-user', '--net', '--', 'cat'],
    // Its own process group: a terminal's Ctrl-C goes to the lab, which stops it in order.
    { stdio: ['pipe', 'ignore', 'pipe'], detached: true },
  );
  holder.unref();
  holder.stdin?.on('error', () => {}); // the holder died first: nothing to write anyway
  (holder.stdin as { unref?: () => void } | null)?.unref?.();
  let stderr = '';
  holder.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  (holder.stderr as { unref?: () => void } | null)?.unref?.();
  const pid = holder.pid;
  // unshare switches namespaces just after the spawn: wait until the holder is in its own.
  for (const end = Date.now() + 3000; pid !== undefined && Date.now() < end;) {
    const net = namespaceInode(pid);
    if (net !== undefined && net !== own)
      return {
        method: 'userns',
        name,
        netInode: net,
        userInode: namespaceInode(pid, 'user')!,
        holderPid: pid,
      };
    if (holder.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  holder.kill('SIGKILL');
  throw new Error(`unshare -Urn: no namespace was made${stderr ? `: ${stderr.trim()}` : ''}`);
}

/** The command line that runs `file args` inside the namespace. */
export function enterCommand(
  ref: NamespaceRef,
  file: string,
  args: string[],
): { file: string; args: string[] } {
  const nsenter = requireTool('nsenter');
  if (ref.method === 'netns')
    return { file: nsenter, args: [`--net=${NETNS_DIR}/${ref.name}`, '--', file, ...args] };
  const target = String(ref.holderPid);
  const enter = ['--target', target, '--user', '--net', '--preserve-credentials'];
  return { file: nsenter, args: [...enter, '--', file, ...args] };
}

/** Starts a process inside the namespace (the caller owns it, as any child). */
export function spawnInNamespace(
  ref: NamespaceRef,
  file: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcess {
  const cmd = enterCommand(ref, file, args);
  return spawn(cmd.file, cmd.args, options);
}

/** Runs a command inside the namespace to its end (bounded), as `ip netns exec` would. */
export function runInNamespace(
  ref: NamespaceRef,
  file: string,
  args: string[],
  timeoutMs = 10_000,
): Promise<RunResult> {
  const cmd = enterCommand(ref, file, args);
  return run(cmd.file, cmd.args, timeoutMs);
}

/** Whether the namespace still exists (a named one's mount, or a process inside a user-owned one). */
export function namespaceExists(ref: NamespaceRef): boolean {
  if (ref.method === 'netns') return namedInode(ref.name) !== undefined;
  return processesIn(ref).length > 0;
}

/**
 * The processes inside the namespace. A named namespace is looked up by its mount (alive, so its
 * inode is not another's); a user-owned one by both its inodes (network and user namespace), so a
 * number the kernel reused for an unrelated namespace does not match.
 */
export function processesIn(ref: NamespaceRef): number[] {
  const net = ref.method === 'netns' ? namedInode(ref.name) : ref.netInode;
  if (net === undefined) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (namespaceInode(pid) !== net) continue;
    if (ref.method === 'userns' && namespaceInode(pid, 'user') !== ref.userInode) continue;
    pids.push(pid);
  }
  return pids;
}

/** A process's name (`/proc/<pid>/comm`), to say what was cleaned. */
export function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/**
 * Kills every process inside the namespace (but `except`, and never this one), waits until they
 * are gone, and deletes a named namespace's mount. Returns the processes killed, as `pid name`.
 */
export async function destroyNamespace(
  ref: NamespaceRef,
  except: number[] = [],
): Promise<string[]> {
  const spare = new Set([...except, process.pid]);
  const inside = () => processesIn(ref).filter((p) => !spare.has(p));
  const killed = inside().map((pid) => `${pid} ${processName(pid)}`);
  for (const pid of inside()) killQuietly(pid);
  for (const end = Date.now() + 3000; inside().length > 0 && Date.now() < end;)
    await new Promise((r) => setTimeout(r, 20));
  if (ref.method === 'netns' && namedInode(ref.name) !== undefined) {
    const r = await run(requireTool('ip'), ['netns', 'delete', ref.name]);
    if (r.code !== 0) throw new Error(`ip netns delete ${ref.name}: ${r.stderr.trim()}`);
  }
  return killed;
}

function namedInode(name: string): number | undefined {
  try {
    return statSync(`${NETNS_DIR}/${name}`).ino;
  } catch {
    return undefined;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
