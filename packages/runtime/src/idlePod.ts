import { open } from 'node:fs/promises';
import type { PodExit, PodHandle } from './types.ts';

/**
 * A pod whose image l4lab does not run (busybox, ...): it has an IP and can be exec'd into with
 * l4lab's built-in tools, but no process (its `command` runs only in the docker runtime).
 */
export function idlePod(note?: string): PodHandle {
  let release!: (r: PodExit) => void;
  const exited = new Promise<PodExit>((r) => (release = r));
  return {
    exited,
    async stop() {
      release({ code: 0, signal: null });
    },
    kill() {
      release({ code: 137, signal: 'SIGKILL' });
    },
    logs: async () => [],
    ...(note ? { note } : {}),
  };
}

/** The last `n` lines of a file ([] when it does not exist); reads at most the last 64 KiB. */
export async function tailFile(path: string, n: number): Promise<string[]> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 65536);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf.toString('utf8').split('\n').filter(Boolean).slice(-n);
  } finally {
    await fh.close();
  }
}
