// The workshop lessons the lab serves: read once at start from lessons/ (a broken lesson is a
// warning naming its file and line; the others still load).
import { dirname, join } from 'node:path';
import { formatLessonError, type Lesson } from '@l4lab/lessons';
import { loadLessons } from '@l4lab/lessons/node';
import type { LabConfig } from './config.ts';
import type { Logger } from './logger.ts';

/** lessons/ beside scenarios/ unless the config names it. */
export function lessonsDirOf(config: Pick<LabConfig, 'lessonsDir' | 'scenariosDir'>): string {
  return config.lessonsDir ?? join(dirname(config.scenariosDir), 'lessons');
}

export async function loadLabLessons(dir: string, logger: Logger): Promise<Lesson[]> {
  try {
    const { lessons, errors } = await loadLessons(dir);
    for (const e of errors) logger.warn(`lesson not loaded: ${formatLessonError(e)}`);
    return lessons;
  } catch (err) {
    // No lessons folder is a lab without lessons, not a lab that cannot start.
    logger.warn({ err: String(err) }, `cannot read the lessons in ${dir}`);
    return [];
  }
}
