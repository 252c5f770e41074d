import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLessonError } from '../index.ts';
import { loadLessons } from './loadLessons.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'l4lab-lessons-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function lessonDir(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(join(root, dir));
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, dir, name), text);
}

const lesson = (id: string) =>
  `id: ${id}\ntitle: T\nsummary: S\nsteps:\n  - title: Read\n    markdown: read.md\n`;

describe('loadLessons', () => {
  it('reads each folder with a lesson.yaml, in the order of their names', async () => {
    await lessonDir('02-second', { 'lesson.yaml': lesson('second'), 'read.md': '# 2' });
    await lessonDir('01-first', { 'lesson.yaml': lesson('first'), 'read.md': '# 1' });
    await lessonDir('notes', { 'read.md': 'not a lesson' });
    const { lessons, errors } = await loadLessons(root);
    expect(errors).toEqual([]);
    expect(lessons.map((l) => [l.id, l.steps[0]!.markdown])).toEqual([
      ['first', '# 1'],
      ['second', '# 2'],
    ]);
  });

  it('refuses a second lesson with the same id, and reports the problems of each folder', async () => {
    await lessonDir('01-a', { 'lesson.yaml': lesson('same'), 'read.md': '' });
    await lessonDir('02-b', { 'lesson.yaml': lesson('same'), 'read.md': '' });
    await lessonDir('03-c', { 'lesson.yaml': lesson('c') });
    const { lessons, errors } = await loadLessons(root);
    expect(lessons.map((l) => l.id)).toEqual(['same']);
    expect(errors.map(formatLessonError)).toEqual([
      '02-b/lesson.yaml:1:1: id: Duplicate value: "same": 01-a has it too',
      '03-c/lesson.yaml:6:15: steps[0].markdown: Not found: "read.md"',
    ]);
  });

  it('refuses a file too big to be a lesson', async () => {
    await lessonDir('01-big', { 'lesson.yaml': lesson('big'), 'read.md': 'x'.repeat(300_000) });
    const { lessons, errors } = await loadLessons(root);
    expect(lessons).toEqual([]);
    expect(errors.map(formatLessonError)).toEqual([
      '01-big/read.md:1:1: 300000 bytes: a lesson file holds at most 262144',
    ]);
  });
});
