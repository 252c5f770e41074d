// The workspace's state files on a real temporary directory: atomic replacement, damaged files set
// aside with a note, debounced writes.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.ts';
import { setAside, writeFileAtomic } from './atomicFile.ts';
import { DebouncedWriter, type StateCheck, loadStateFile } from './stateFile.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l4lab-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const anyObject = (v: unknown): StateCheck<unknown> =>
  typeof v === 'object' && v !== null
    ? { ok: true, value: v }
    : { ok: false, reason: 'not an object' };

/** A logger that keeps what it was told (pino's API, as the server's logger). */
function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger('info');
  logger.warn = ((obj: object, msg: string) =>
    void lines.push(`warn ${msg}`)) as typeof logger.warn;
  logger.info = ((obj: object, msg: string) =>
    void lines.push(`info ${msg}`)) as typeof logger.info;
  return { logger, lines };
}

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file beside it', async () => {
    const file = join(dir, 'state', 'cluster.json');
    await writeFileAtomic(file, '{"a":1}');
    await writeFileAtomic(file, '{"a":2}');
    expect(await readFile(file, 'utf8')).toBe('{"a":2}');
    expect(await readdir(join(dir, 'state'))).toEqual(['cluster.json']);
  });

  it('writes a temp file and renames it: a rename that fails leaves the old content, no temp', async () => {
    // The target is a non-empty directory: writing the temp works, renaming over it cannot.
    const file = join(dir, 'cluster.json');
    await mkdir(join(file, 'inside'), { recursive: true });
    await expect(writeFileAtomic(file, '{"new":true}')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(await readdir(dir)).toEqual(['cluster.json']);
    expect(await readdir(file)).toEqual(['inside']);
  });
});

describe('loadStateFile', () => {
  const NOW = new Date('2026-01-01T10:00:00.000Z');

  it('answers nothing, and no note, when there is no file yet', async () => {
    expect(await loadStateFile(join(dir, 'cluster.json'), 'the saved cluster', anyObject)).toEqual(
      {},
    );
  });

  it('loads a good file', async () => {
    const file = join(dir, 'cluster.json');
    await writeFileAtomic(file, '{"kind":"x"}');
    expect(await loadStateFile(file, 'the saved cluster', anyObject)).toEqual({
      value: { kind: 'x' },
    });
  });

  it('sets a file that is not JSON aside (kept, renamed) with one clear note', async () => {
    const file = join(dir, 'cluster.json');
    await writeFile(file, '{"kind":"L4labClusterState","obj');
    const { value, note } = await loadStateFile(file, 'the saved cluster', anyObject);
    expect(value).toBeUndefined();
    const [aside] = (await readdir(dir)).filter((f) => f.startsWith('cluster.json.corrupt-'));
    expect(aside).toMatch(/^cluster\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
    expect(await readFile(join(dir, aside!), 'utf8')).toBe('{"kind":"L4labClusterState","obj');
    expect(await readdir(dir)).toEqual([aside]);
    expect(note?.level).toBe('warn');
    expect(note?.text).toMatch(
      new RegExp(
        `^the saved cluster in ${file} was not restored \\(not JSON: .+\\), moved to ${join(dir, aside!)}; starting without it$`,
      ),
    );
  });

  it('sets aside a file its check refuses, under the name the check gives', async () => {
    const file = join(dir, 'cluster.json');
    await writeFile(file, '{"version":9}');
    const check = (): StateCheck<unknown> => ({
      ok: false,
      reason: 'unknown version 9',
      setAsideAs: 'other-plan',
    });
    const { note } = await loadStateFile(file, 'the saved cluster', check);
    expect(note?.text).toMatch(/\(unknown version 9\), moved to .*cluster\.json\.other-plan-/);
    expect((await readdir(dir))[0]).toMatch(/^cluster\.json\.other-plan-/);
  });

  it('sets aside what cannot be read at all (a directory where the file should be)', async () => {
    const file = join(dir, 'cluster.json');
    await mkdir(file);
    const { note } = await loadStateFile(file, 'the saved cluster', anyObject);
    expect(note?.text).toMatch(/\(EISDIR\), moved to /);
  });

  it('removes the temp files of a write cut short (kill -9 between write and rename)', async () => {
    const file = join(dir, 'cluster.json');
    await writeFile(file, '{"old":true}');
    await writeFile(join(dir, '.cluster.json.4242.7.tmp'), '{"half');
    expect(await loadStateFile(file, 'the saved cluster', anyObject)).toEqual({
      value: { old: true },
    });
    expect(await readdir(dir)).toEqual(['cluster.json']);
  });

  it('names the set-aside file by the time, colons left out (valid on every file system)', async () => {
    const file = join(dir, 'x.json');
    await writeFile(file, '');
    expect(await setAside(file, 'corrupt', NOW)).toBe(`${file}.corrupt-2026-01-01T10-00-00.000Z`);
  });
});

describe('DebouncedWriter', () => {
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Polls until `ok` (10 ms steps, 5 s at most): a busy machine only makes it slower. */
  async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
    for (const end = Date.now() + 5000; !(await ok()) && Date.now() < end;) await wait(10);
  }
  const exists = (f: string) =>
    readFile(f).then(
      () => true,
      () => false,
    );

  it('writes a burst of changes once, with the content at write time', async () => {
    const file = join(dir, 'state.json');
    let n = 0;
    let renders = 0;
    const { logger } = recordingLogger();
    const w = new DebouncedWriter(file, () => (renders++, String(n)), { delayMs: 30, logger });
    for (n = 1; n <= 100; n++) w.changed();
    await until(() => exists(file));
    await wait(60); // a second write would come by now
    expect(renders).toBe(1);
    expect(await readFile(file, 'utf8')).toBe('101');
    await w.close();
  });

  it('writes what is pending on close, and nothing after', async () => {
    const file = join(dir, 'state.json');
    let text = 'first';
    const { logger } = recordingLogger();
    const w = new DebouncedWriter(file, () => text, { delayMs: 60_000, logger });
    w.changed();
    await w.close();
    expect(await readFile(file, 'utf8')).toBe('first');
    text = 'after';
    w.changed();
    await wait(50);
    expect(await readFile(file, 'utf8')).toBe('first');
  });

  it('says once that it cannot write, retries, and says when it works again', async () => {
    const blocker = join(dir, 'state');
    await writeFile(blocker, 'a file where the directory should be');
    const { logger, lines } = recordingLogger();
    const w = new DebouncedWriter(join(blocker, 'cluster.json'), () => '{}', {
      delayMs: 10,
      logger,
    });
    w.changed();
    await wait(100); // several failed attempts (one every 10 ms)
    expect(lines).toEqual([
      'warn cannot save the lab state (it is kept in memory; free disk space or fix permissions)',
    ]);
    await rm(blocker);
    await until(() => lines.length === 2);
    expect(lines.at(-1)).toBe('info saving the lab state works again');
    expect(await readFile(join(blocker, 'cluster.json'), 'utf8')).toBe('{}');
    await w.close();
  });
});
