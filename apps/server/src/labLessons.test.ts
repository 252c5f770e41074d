// Lessons read at the lab's start: a broken lesson is one warning line naming its file and line,
// and the others still load; no lessons folder is a lab without lessons.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lessonsDirOf, loadLabLessons } from './labLessons.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'l4lab-lab-lessons-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A logger whose lines are kept, parsed. */
function captured(): { logger: pino.Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { logger: pino({ base: undefined }, sink), lines };
}

const WARN = 40;

describe('loadLabLessons', () => {
  it('warns with the file and line of a broken lesson and loads the others', async () => {
    await mkdir(join(root, '01-good'));
    await writeFile(
      join(root, '01-good/lesson.yaml'),
      'id: good\ntitle: T\nsummary: S\nsteps:\n  - title: Read\n    markdown: read.md\n',
    );
    await writeFile(join(root, '01-good/read.md'), '# Read');
    await mkdir(join(root, '02-broken'));
    await writeFile(join(root, '02-broken/lesson.yaml'), 'id: broken\ntitle: T\nsummary: S\n');
    const { logger, lines } = captured();
    const lessons = await loadLabLessons(root, logger);
    expect(lessons.map((l) => l.id)).toEqual(['good']);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [WARN, expect.stringMatching(/^lesson not loaded: 02-broken\/lesson\.yaml:\d+:\d+: steps/)],
    ]);
  });

  it('starts without lessons, and says so, when the folder is missing', async () => {
    const { logger, lines } = captured();
    expect(await loadLabLessons(join(root, 'nowhere'), logger)).toEqual([]);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [WARN, `cannot read the lessons in ${join(root, 'nowhere')}`],
    ]);
  });

  it('finds lessons/ beside scenarios/ unless the config names the folder', () => {
    expect(lessonsDirOf({ scenariosDir: '/repo/scenarios' })).toBe('/repo/lessons');
    expect(lessonsDirOf({ scenariosDir: '/repo/scenarios', lessonsDir: '/x' })).toBe('/x');
  });
});
