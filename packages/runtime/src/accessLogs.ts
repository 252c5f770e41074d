import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

// A pod's nginx writes each run's access log to a file of its own (`access-3.log`), as a container
// runtime keeps a log per container run: `kubectl logs` shows the run now, `--previous` the one
// before it (the kubelet keeps that run's handle), and nothing older is kept.

const RUN_LOG = /^access-(\d+)\.log$/;

/**
 * The file (in the pod's directory `dir`) for the run that starts now: one past the newest run's.
 * Removes the runs before the newest: only the run now and the one before it are ever read.
 */
export async function nextAccessLog(dir: string): Promise<string> {
  const runs = (await readdir(dir).catch(() => []))
    .map((f) => RUN_LOG.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const newest = runs.at(-1) ?? 0;
  await Promise.all(
    runs.filter((n) => n < newest).map((n) => rm(join(dir, `access-${n}.log`), { force: true })),
  );
  return `access-${newest + 1}.log`;
}
