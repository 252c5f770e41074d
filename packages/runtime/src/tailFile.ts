import { open } from 'node:fs/promises';

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
