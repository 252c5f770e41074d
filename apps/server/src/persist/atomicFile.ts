import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

let tempSeq = 0;

/** The temp files of `file` (`.<name>.<pid>.<n>.tmp`): what a write cut short by kill -9 leaves. */
function isTempOf(file: string, entry: string): boolean {
  return entry.startsWith(`.${basename(file)}.`) && entry.endsWith('.tmp');
}

/**
 * Replaces `file` with `data` so that a reader (or the next start, after a crash or a power cut)
 * sees either the old content or the new one, never a mix: write a temp file in the same directory,
 * fsync it, rename it over the file, fsync the directory.
 */
export async function writeFileAtomic(file: string, data: string, mode = 0o644): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(file)}.${process.pid}.${++tempSeq}.tmp`);
  try {
    const fh = await open(temp, 'w', mode);
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(dir);
}

/** The rename is durable once the directory entry is (POSIX); some systems cannot fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // EINVAL/EISDIR where directories cannot be synced: the rename itself has happened.
  } finally {
    await fh.close();
  }
}

export type JsonFile =
  | { state: 'missing' }
  | { state: 'parsed'; value: unknown }
  | { state: 'unreadable'; reason: string };

/** Reads a JSON file; a missing file is not an error, anything else that fails says why. */
export async function readJsonFile(file: string): Promise<JsonFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing' };
    return { state: 'unreadable', reason: code ?? String(err) };
  }
  try {
    return { state: 'parsed', value: JSON.parse(text) as unknown };
  } catch (err) {
    return { state: 'unreadable', reason: `not JSON: ${(err as Error).message}` };
  }
}

/**
 * Moves a file the lab cannot use out of the way (`<file>.<why>-<timestamp>`), so the lab starts
 * without it and the user still has it. Answers where it went, or undefined if it could not move.
 */
export async function setAside(
  file: string,
  why: string,
  now = new Date(),
): Promise<string | undefined> {
  const to = `${file}.${why}-${now.toISOString().replaceAll(':', '-')}`;
  try {
    await rename(file, to);
    return to;
  } catch {
    return undefined;
  }
}

/** Removes temp files an interrupted `writeFileAtomic` of `file` left behind. */
export async function removeTempFiles(file: string): Promise<void> {
  const entries = await readdir(dirname(file)).catch(() => [] as string[]);
  for (const e of entries.filter((entry) => isTempOf(file, entry)))
    await rm(join(dirname(file), e), { force: true });
}
