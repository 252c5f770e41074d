import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { namespaceInode } from './identity.ts';
import {
  type NamespaceRef,
  destroyNamespace,
  namespaceExists,
  namespaceName,
} from './namespace.ts';

/**
 * `<workspace>/run/netns.json`: the namespace a lab runs in, so `l4lab shell` finds it and the
 * next start removes one a crash left behind.
 */
export interface NamespaceRecord extends NamespaceRef {
  workspace: string;
  /** The launcher, in the host's namespace (holds the HTTP listener). */
  launcherPid: number;
  /** The lab server, inside the namespace, once it runs. */
  serverPid?: number;
  createdAt: string;
}

export function recordPath(workspace: string): string {
  return join(workspace, 'run', 'netns.json');
}

export async function writeRecord(record: NamespaceRecord): Promise<void> {
  const file = recordPath(record.workspace);
  await mkdir(join(record.workspace, 'run'), { recursive: true });
  await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

export async function readRecord(workspace: string): Promise<NamespaceRecord | undefined> {
  try {
    const parsed = JSON.parse(await readFile(recordPath(workspace), 'utf8')) as NamespaceRecord;
    const shaped =
      (parsed.method === 'netns' || parsed.method === 'userns') &&
      typeof parsed.name === 'string' &&
      /^[\w.-]+$/.test(parsed.name) &&
      Number.isInteger(parsed.netInode) &&
      Number.isInteger(parsed.launcherPid);
    return shaped ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function removeRecord(workspace: string): Promise<void> {
  await rm(recordPath(workspace), { force: true });
}

/** Whether `pid` is alive and inside the record's namespace (the lab runs there). */
export function runsInside(record: NamespaceRecord, pid: number | undefined): boolean {
  return pid !== undefined && namespaceInode(pid) === record.netInode;
}

/** The record of a lab that runs now with this workspace (its server inside the namespace). */
export async function runningLab(workspace: string): Promise<NamespaceRecord | undefined> {
  const record = await readRecord(workspace);
  return record && runsInside(record, record.serverPid) ? record : undefined;
}

export class NamespaceBusyError extends Error {
  readonly code = 'L4_E_WORKSPACE_BUSY';
}

/**
 * Removes what an earlier run with this workspace left (after a kill -9 of its launcher and
 * server): the processes still inside its namespace, a named namespace's mount, the record.
 * Refuses while that run's launcher is still alive. Returns what it removed, for the log.
 */
export async function cleanStaleNamespace(workspace: string): Promise<string[]> {
  const record = await readRecord(workspace);
  if (record && record.launcherPid !== process.pid && launcherAlive(record.launcherPid))
    throw new NamespaceBusyError(
      `another l4lab (pid ${record.launcherPid}) runs in namespace ${record.name} with the ` +
        `workspace ${workspace}: stop it, or pass --workspace DIR`,
    );
  // A named namespace with this workspace's name, even if the record was lost.
  const named: NamespaceRef = { method: 'netns', name: namespaceName(workspace), netInode: 0 };
  const stale = [record, namespaceExists(named) ? named : undefined].filter(
    (r): r is NamespaceRef => r !== undefined && namespaceExists(r),
  );
  const removed: string[] = [];
  for (const ref of uniqueByName(stale)) {
    const killed = await destroyNamespace(ref);
    const procs = killed.length > 0 ? `, killed what ran in it: ${killed.join(', ')}` : '';
    removed.push(`network namespace ${ref.name} of an earlier run (${ref.method}${procs})`);
  }
  await removeRecord(workspace);
  return removed;
}

function uniqueByName(refs: NamespaceRef[]): NamespaceRef[] {
  const seen = new Set<string>();
  return refs.filter(
    (r) => !seen.has(`${r.method}/${r.name}`) && seen.add(`${r.method}/${r.name}`),
  );
}

/** A live process that looks like an l4lab launcher (a pid reused by something else is not). */
function launcherAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd === '' || /l4lab|server\/src\/main|tsx|node/.test(cmd);
  } catch {
    return true;
  }
}
