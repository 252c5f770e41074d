import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@l4lab/runtime';

export class WorkspaceBusyError extends Error {
  readonly code = 'L4_E_WORKSPACE_BUSY';
}

/** The pid of another live l4lab server holding the workspace, if one does. */
export async function workspaceOwner(dir: string): Promise<number | undefined> {
  const pid = Number((await readFile(join(dir, 'server.pid'), 'utf8').catch(() => '')).trim());
  if (!(pid > 0) || pid === process.pid || !processAlive(pid)) return undefined;
  const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmd === '' || /l4lab|server\/src\/main|tsx|node/.test(cmd) ? pid : undefined;
}

/**
 * One server per workspace: its pods' pid files live there, and a second server's orphan clean-up
 * would kill the first one's pods. Returns the release function.
 */
export async function lockWorkspace(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'server.pid');
  const pid = await workspaceOwner(dir);
  if (pid !== undefined) {
    throw new WorkspaceBusyError(
      `another l4lab (pid ${pid}) is using the workspace ${dir}: stop it, or pass --workspace DIR`,
    );
  }
  await writeFile(file, String(process.pid));
  return async () => {
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (owner === process.pid) await rm(file, { force: true });
  };
}
