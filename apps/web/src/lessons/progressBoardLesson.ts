import { readItem, writeItem } from '../persist/storage.ts';
import { appStore } from '../store/appStore.ts';

/** The lesson the progress board shows (not a progress key: those start with `l4lab.lesson`). */
const BOARD_LESSON_KEY = 'l4lab.board.lesson';

export function readBoardLesson(): string | undefined {
  return readItem(BOARD_LESSON_KEY) ?? undefined;
}

export function writeBoardLesson(lesson: string): void {
  writeItem(BOARD_LESSON_KEY, lesson);
}

/** Opens the progress board, on `lesson` when given (the one the Lessons panel shows). */
export function openProgressBoard(lesson?: string): void {
  if (lesson) writeBoardLesson(lesson);
  appStore.getState().setOverlay('progress');
}
