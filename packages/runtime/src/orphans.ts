import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { killPid, processAlive, processCommandLine } from './processes.ts';
import type { PodSandbox } from './types.ts';

/** The pod's own directory under <workspace>/pods (config, page, logs, pid files). */
export function podDir(
  podsDir: string,
  pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>,
): string {
  return join(podsDir, `${pod.namespace}_${pod.name}_${pod.uid.slice(0, 8)}`);
}

/**
 * Kills the nginx processes an earlier server left (their pid files are in the pod directories, and
 * the process's command line must name that directory, so a recycled pid is never killed), then
 * removes the directories.
 */
export async function cleanupPodDirs(podsDir: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = await readdir(podsDir);
  } catch {
    return removed;
  }
  for (const e of entries) {
    const prefix = join(podsDir, e);
    for (const file of ['l4lab.pid', 'nginx.pid']) {
      const pid = Number((await readFile(join(prefix, file), 'utf8').catch(() => '')).trim());
      if (pid > 0 && processAlive(pid) && (await processCommandLine(pid)).includes(prefix)) {
        await killPid(pid);
        removed.push(`nginx pid ${pid} (${e})`);
      }
    }
    await rm(prefix, { recursive: true, force: true });
  }
  return removed;
}

/** Deletes a pod's directory (config, page, logs) once the pod is gone for good. */
export async function removePodDir(
  podsDir: string,
  pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>,
): Promise<void> {
  await rm(podDir(podsDir, pod), { recursive: true, force: true });
}
