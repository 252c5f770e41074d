// Lesson folders on disk -> parsed lessons: one folder per lesson under a root (`lessons/`), taken
// in the order of their names (`01-clusterip`, `02-nodeport`, ...), each with its lesson.yaml and
// the markdown and YAML files beside it.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LESSON_FILE,
  parseLesson,
  type Lesson,
  type LessonError,
  type ParsedLesson,
} from '../index.ts';

/** A lesson folder's files are small text: anything bigger is a mistake, not a lesson. */
const MAX_FILE_BYTES = 256 * 1024;
const MAX_FILES = 100;
const LESSON_FILES = /\.(ya?ml|md)$/;

export interface LoadedLessons {
  lessons: Lesson[];
  errors: LessonError[];
}

/** Every lesson under `root` (folders without a lesson.yaml are not lessons and are skipped). */
export async function loadLessons(root: string): Promise<LoadedLessons> {
  const entries = await readdir(root, { withFileTypes: true });
  const dirs = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const lessons: Lesson[] = [];
  const errors: LessonError[] = [];
  const byId = new Map<string, string>();
  for (const dir of dirs) {
    const hasLesson = await stat(join(root, dir, LESSON_FILE)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!hasLesson) continue;
    const parsed = await loadLesson(join(root, dir), dir);
    errors.push(...parsed.errors);
    if (!parsed.lesson) continue;
    const other = byId.get(parsed.lesson.id);
    if (other) {
      errors.push({
        file: `${dir}/${LESSON_FILE}`,
        line: 1,
        column: 1,
        path: 'id',
        message: `id: Duplicate value: ${JSON.stringify(parsed.lesson.id)}: ${other} has it too`,
      });
      continue;
    }
    byId.set(parsed.lesson.id, dir);
    lessons.push(parsed.lesson);
  }
  return { lessons, errors };
}

/** The lesson in folder `path`, named `dir` in messages. */
export async function loadLesson(path: string, dir: string): Promise<ParsedLesson> {
  const entries = await readdir(path, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() && LESSON_FILES.test(e.name)).map((e) => e.name);
  if (names.length > MAX_FILES) {
    return tooBig(
      dir,
      `a lesson folder holds at most ${MAX_FILES} files, this one ${names.length}`,
    );
  }
  const files: Record<string, string> = {};
  for (const name of names) {
    const { size } = await stat(join(path, name));
    if (size > MAX_FILE_BYTES) {
      return tooBig(
        `${dir}/${name}`,
        `${size} bytes: a lesson file holds at most ${MAX_FILE_BYTES}`,
      );
    }
    files[name] = await readFile(join(path, name), 'utf8');
  }
  return parseLesson({ dir, files });
}

function tooBig(file: string, message: string): ParsedLesson {
  return { errors: [{ file, line: 1, column: 1, path: '', message }] };
}
