// @l4lab/lessons/node: lesson folders read from disk (the server's side; the only file of the
// package that touches node: APIs).
export { loadLesson, loadLessons, type LoadedLessons } from './loadLessons.ts';
