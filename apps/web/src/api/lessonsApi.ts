import type { WorkshopProgress } from '@l4lab/protocol';
import type { CallOutcome } from './http.ts';
import { refusalOf } from './workshopApi.ts';

// The lesson calls: GET /api/lessons, GET /api/lessons/:id/checks, GET /api/workshop/progress.
// Answers are checked by the guards below, never cast; only a broken network throws.

export interface LessonFile {
  name: string;
  text: string;
}

export interface LessonStep {
  title: string;
  /** The step's markdown. */
  text: string;
  files: LessonFile[];
  checks: { id: string; title: string }[];
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  steps: LessonStep[];
}

export interface CheckResult {
  /** Counted from 1. */
  step: number;
  id: string;
  title: string;
  passed: boolean;
  detail: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function fileOf(v: unknown): LessonFile[] {
  return isRecord(v) && isString(v.name) && isString(v.text)
    ? [{ name: v.name, text: v.text }]
    : [];
}

function checkOf(v: unknown): { id: string; title: string }[] {
  return isRecord(v) && isString(v.id) && isString(v.title) ? [{ id: v.id, title: v.title }] : [];
}

function stepOf(v: unknown): LessonStep[] {
  if (!isRecord(v) || !isString(v.title)) return [];
  return [
    {
      title: v.title,
      text: isString(v.text) ? v.text : '',
      files: list(v.files).flatMap(fileOf),
      checks: list(v.checks).flatMap(checkOf),
    },
  ];
}

function lessonOf(v: unknown): Lesson[] {
  if (!isRecord(v) || !isString(v.id) || !isString(v.title)) return [];
  const steps = list(v.steps).flatMap(stepOf);
  if (steps.length === 0) return [];
  return [{ id: v.id, title: v.title, summary: isString(v.summary) ? v.summary : '', steps }];
}

/** `GET /api/lessons`'s answer; undefined for another shape. */
export function lessonListOf(body: unknown): Lesson[] | undefined {
  return isRecord(body) && Array.isArray(body.items) ? body.items.flatMap(lessonOf) : undefined;
}

function checkResultOf(v: unknown): CheckResult[] {
  if (!isRecord(v) || !isString(v.id) || !isString(v.title) || typeof v.step !== 'number') {
    return [];
  }
  const detail = isString(v.detail) ? v.detail : '';
  return [{ step: v.step, id: v.id, title: v.title, passed: v.passed === true, detail }];
}

/** `GET /api/lessons/:id/checks`'s answer: its results; undefined for another shape. */
export function checkResultsOf(body: unknown): CheckResult[] | undefined {
  return isRecord(body) && Array.isArray(body.results)
    ? body.results.flatMap(checkResultOf)
    : undefined;
}

function progressStudentOf(v: unknown): WorkshopProgress['students'] {
  if (!isRecord(v) || !isString(v.name) || !isString(v.namespace)) return [];
  const detail: Record<string, string> = {};
  if (isRecord(v.detail)) {
    for (const [k, d] of Object.entries(v.detail)) if (isString(d)) detail[k] = d;
  }
  return [
    { name: v.name, namespace: v.namespace, passed: list(v.passed).filter(isString), detail },
  ];
}

/** `GET /api/workshop/progress`'s answer; undefined for another shape. */
export function workshopProgressOf(body: unknown): WorkshopProgress | undefined {
  if (!isRecord(body) || !isString(body.lesson) || !Array.isArray(body.checks)) return undefined;
  if (!Array.isArray(body.students)) return undefined;
  const checks = body.checks.flatMap((c) =>
    isRecord(c) && typeof c.step === 'number' && isString(c.id) && isString(c.title)
      ? [{ step: c.step, id: c.id, title: c.title }]
      : [],
  );
  return { lesson: body.lesson, checks, students: body.students.flatMap(progressStudentOf) };
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

async function get<T>(path: string, read: (body: unknown) => T | undefined) {
  const res = await fetch(path);
  const body = await bodyOf(res);
  if (!res.ok) return { ok: false as const, status: res.status, body };
  const value = read(body);
  return value === undefined
    ? { ok: false as const, status: res.status, body: `unexpected answer from ${path}` }
    : { ok: true as const, value };
}

export async function fetchLessons(): Promise<CallOutcome<Lesson[]>> {
  const r = await get('/api/lessons', lessonListOf);
  return r.ok ? r : { ok: false, message: refusalOf(r.status, r.body) };
}

/** Each check of the lesson's step (counted from 1), evaluated now in `namespace`. */
export async function fetchLessonChecks(
  lesson: string,
  namespace: string,
  step: number,
  /** When the learner reached the step (ms since epoch): `since: step` counts from then. */
  since?: number,
): Promise<CallOutcome<CheckResult[]>> {
  const query = new URLSearchParams({
    namespace,
    step: String(step),
    ...(since !== undefined ? { since: String(Math.round(since)) } : {}),
  });
  const r = await get(`/api/lessons/${encodeURIComponent(lesson)}/checks?${query}`, checkResultsOf);
  return r.ok ? r : { ok: false, message: refusalOf(r.status, r.body) };
}

export type ProgressOutcome =
  | CallOutcome<WorkshopProgress>
  /** The lab does not run `--workshop`: there are no students to show. */
  | { ok: false; notWorkshop: true; message: string };

export const NOT_WORKSHOP_MESSAGE =
  'the progress board needs workshop mode (npm start -- --workshop)';

/** A 404 for the lesson itself (it exists in workshop mode) is that, not a missing endpoint. */
function unknownLesson(body: unknown): boolean {
  if (!isRecord(body) || !Array.isArray(body.errors) || !isRecord(body.errors[0])) return false;
  const { code, message } = body.errors[0];
  return code === 'L4_E_NOT_FOUND' && isString(message) && message.startsWith('lesson ');
}

export async function fetchWorkshopProgress(lesson: string): Promise<ProgressOutcome> {
  const query = new URLSearchParams({ lesson });
  const r = await get(`/api/workshop/progress?${query}`, workshopProgressOf);
  if (r.ok) return r;
  if (r.status === 404 && !unknownLesson(r.body)) {
    return { ok: false, notWorkshop: true, message: NOT_WORKSHOP_MESSAGE };
  }
  return { ok: false, message: refusalOf(r.status, r.body) };
}
