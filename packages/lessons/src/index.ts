// @l4lab/lessons: workshop lessons as data. Pure logic (runs in the browser and the server alike);
// reading lesson folders from disk is `@l4lab/lessons/node`.
//
// API:
//   parseLesson({dir, files})   -> { lesson?, errors }   lesson.yaml + its files -> a Lesson, or problems with file and line
//   formatLessonError(e)        -> string                `01-clusterip/lesson.yaml:12:7: steps[0].title: Required value`
//   evaluate(check, context)    -> { passed, detail }    one check against a student's objects and connection events
export * from './types.ts';
export type { EvaluationContext } from './evaluationContext.ts';
export {
  parseLesson,
  formatLessonError,
  LESSON_FILE,
  type LessonSource,
  type ParsedLesson,
} from './parseLesson.ts';
export { evaluate } from './evaluate.ts';
export { isThisMachine, selectConnections } from './evaluateConnections.ts';
export { parseFieldPath, readField, type PathSegment } from './fieldPath.ts';
export { lessonForNamespaces, lessonForNodePorts, type NodePortBand } from './nodePorts.ts';
