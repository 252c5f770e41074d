import express, { type Router } from 'express';
import type { ConnectionEvent, KubeObject } from '@l4lab/protocol';
import {
  evaluate,
  lessonForNamespaces,
  lessonForNodePorts,
  type EvaluationContext,
  type Lesson,
  type NodePortBand,
} from '@l4lab/lessons';
import { studentNamespace } from '../workshop/dashboardPolicy.ts';
import { isDNS1123Label } from '@l4lab/manifests';
import { sendError } from '../httpError.ts';

/** What checking a lesson reads from the running lab. */
export interface LessonSources {
  lessons: readonly Lesson[];
  objects(): readonly KubeObject[];
  /** Recent connection events, oldest first, none sampled away. */
  events(): readonly ConnectionEvent[];
  now(): number;
  /** When the lab started (ms since epoch). */
  startedAt: number;
  /** This machine's addresses besides loopback. */
  localAddresses: readonly string[];
  /** A workshop student's band of node ports (their lessons' fixed ports move into it). */
  nodePortsOf?: (namespace: string) => NodePortBand | undefined;
  /** The workshop student who owns a namespace (their lessons' namespaces are `<name>-<ns>`). */
  studentOf?: (namespace: string) => string | undefined;
}

/**
 * The lesson as seen for `namespace`: for a student's, its fixed node ports in their band and
 * the namespaces it creates named as theirs.
 */
export function lessonFor(
  lesson: Lesson,
  namespace: string | undefined,
  src: LessonSources,
): Lesson {
  if (!namespace) return lesson;
  const student = src.studentOf?.(namespace);
  const ported = lessonForNodePorts(lesson, src.nodePortsOf?.(namespace));
  return student ? lessonForNamespaces(ported, (n) => `${student}-${n}`) : ported;
}

/** The lesson list as the dashboard shows it: steps with their text, editor files and checks. */
export function lessonList(lessons: readonly Lesson[]) {
  return {
    items: lessons.map((l) => ({
      id: l.id,
      title: l.title,
      summary: l.summary,
      steps: l.steps.map((s) => ({
        title: s.title,
        text: s.markdown,
        files: s.files.map((f) => ({ name: f.name, text: f.text })),
        checks: s.checks.map((c) => ({ id: c.id, title: c.title })),
      })),
    })),
  };
}

/**
 * GET /api/lessons: the lessons loaded at start. GET /api/lessons/:id/checks?namespace=NS[&step=N]:
 * each check of the lesson (or of its step N, counted from 1) evaluated now against the
 * namespace's live objects and the recent connection events.
 */
export function lessonRoutes(src: LessonSources): Router {
  const r = express.Router();
  const body = lessonList(src.lessons);
  r.get('/lessons', function lessons(_req, res) {
    const own = studentNamespace(res);
    res.json(own ? lessonList(src.lessons.map((l) => lessonFor(l, own, src))) : body);
  });
  r.get('/lessons/:id/checks', function checkLesson(req, res) {
    const found = src.lessons.find((l) => l.id === req.params.id);
    if (!found) return sendError(res, 404, 'L4_E_NOT_FOUND', `lesson "${req.params.id}" not found`);
    const namespace = typeof req.query.namespace === 'string' ? req.query.namespace : '';
    const problem = namespaceProblem(namespace);
    if (problem)
      return sendError(
        res,
        400,
        'L4_E_BAD_NAMESPACE',
        `namespace: Invalid value: ${JSON.stringify(namespace)}: ${problem}`,
      );
    const step = stepNumber(req.query.step, found.steps.length);
    if (step === 'bad')
      return sendError(
        res,
        400,
        'L4_E_BAD_STEP',
        `step must be a whole number from 1 to ${found.steps.length}`,
      );
    // When this learner reached the step (their browser keeps it): `since: step` counts from then,
    // within the lab's life.
    const since = Number(req.query.since);
    const reached = Number.isFinite(since)
      ? Math.min(Math.max(since, src.startedAt), src.now())
      : undefined;
    const lesson = lessonFor(found, namespace, src);
    res.json({
      lesson: lesson.id,
      namespace,
      results: checkResults(lesson, namespace, step, src, reached),
    });
  });
  return r;
}

/** Kubernetes' namespace-name rule, in its words (a namespace is a DNS-1123 label). */
function namespaceProblem(name: string): string | undefined {
  return isDNS1123Label(name).join(', ') || undefined;
}

function stepNumber(raw: unknown, steps: number): number | undefined | 'bad' {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return typeof raw === 'string' && Number.isInteger(n) && n >= 1 && n <= steps ? n : 'bad';
}

export function checkResults(
  lesson: Lesson,
  namespace: string,
  step: number | undefined,
  src: LessonSources,
  /** When the learner reached the step (ms); else the lab's start. */
  reached?: number,
) {
  const ctx: EvaluationContext = {
    objects: src.objects(),
    events: src.events(),
    now: src.now(),
    namespace,
    // A learner's browser says when they reached the step; without it (the progress board), every
    // step counts as reached when the lab started: `since: step` counts every connection this lab
    // has seen (that the buffer still holds).
    stepStartedAt: reached ?? src.startedAt,
    localAddresses: src.localAddresses,
  };
  return lesson.steps.flatMap((s, i) =>
    step !== undefined && step !== i + 1
      ? []
      : s.checks.map((c) => ({ step: i + 1, id: c.id, title: c.title, ...evaluate(c, ctx) })),
  );
}
