// A lesson folder's files -> a `Lesson`, or every problem in them with its file and line: the
// lesson.yaml fields, the files it names, and the Kubernetes manifests it loads into the editor
// (checked as the API server would, so a lesson never hands a student YAML that cannot apply).
import { checkManifests } from '@l4lab/manifests';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { validateCheck } from './checkSchema.ts';
import type { PathSegment } from './fieldPath.ts';
import type { Check, Lesson, LessonError, LessonFile, LessonStep } from './types.ts';
import { DNS1123_LABEL, DNS1123_LABEL_MESSAGE, pathText, Problems } from './validation.ts';

export const LESSON_FILE = 'lesson.yaml';

export interface LessonSource {
  /** The folder's name as messages show it (`01-clusterip`). */
  dir: string;
  /** The folder's files by name: lesson.yaml and the markdown and YAML files it names. */
  files: Readonly<Record<string, string>>;
}

export interface ParsedLesson {
  /** Set when there is no error. */
  lesson?: Lesson;
  errors: LessonError[];
}

export function parseLesson(source: LessonSource): ParsedLesson {
  const file = `${source.dir}/${LESSON_FILE}`;
  const text = source.files[LESSON_FILE];
  if (text === undefined) {
    return {
      errors: [{ file, line: 1, column: 1, path: '', message: `Not found: "${LESSON_FILE}"` }],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    return { errors: doc.errors.map((e) => syntaxError(file, e, lineCounter)) };
  }
  const p = new Problems();
  const manifestErrors: LessonError[] = [];
  const lesson = lessonFields(doc.toJS(), source, p, manifestErrors);
  const errors = [
    ...p.issues.map((i) => ({
      file,
      ...locate(doc, lineCounter, i.at),
      path: pathText(i.at),
      message: i.message,
    })),
    ...manifestErrors,
  ];
  return errors.length || !lesson ? { errors } : { lesson, errors };
}

function syntaxError(
  file: string,
  e: { message: string; pos: [number, number] },
  lineCounter: LineCounter,
): LessonError {
  const { line, col } = lineCounter.linePos(e.pos[0]);
  // The library's message repeats the position and quotes the source: the file and line say it.
  const message = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '');
  return { file, line, column: col, path: '', message };
}

/** The line of the value at `at`, or of its nearest ancestor that is there. */
function locate(
  doc: Document.Parsed,
  lineCounter: LineCounter,
  at: readonly PathSegment[],
): { line: number; column: number } {
  for (let n = at.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(at.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) {
      const { line, col } = lineCounter.linePos(range[0]);
      return { line, column: col };
    }
  }
  return { line: 1, column: 1 };
}

function lessonFields(
  value: unknown,
  source: LessonSource,
  p: Problems,
  manifestErrors: LessonError[],
): Lesson | undefined {
  const f = p.map(value ?? {}, [], ['id', 'title', 'summary', 'nodePorts', 'namespaces', 'steps']);
  if (!f) return undefined;
  const id = p.text(f.id, ['id']);
  if (id !== undefined && !DNS1123_LABEL.test(id)) p.invalid(['id'], id, DNS1123_LABEL_MESSAGE);
  const title = p.text(f.title, ['title']);
  const summary = p.text(f.summary, ['summary']);
  if (f.steps === undefined) p.required(['steps'], 'a lesson has at least one step');
  const rawSteps = f.steps === undefined ? [] : (p.list(f.steps, ['steps']) ?? []);
  if (Array.isArray(f.steps) && rawSteps.length === 0) {
    p.required(['steps'], 'a lesson has at least one step');
  }
  const checked = new Set<string>();
  const steps = rawSteps.map((s, i) =>
    step(s, i, source, p, (name, text) => {
      if (checked.has(name)) return;
      checked.add(name);
      manifestErrors.push(...manifestProblems(`${source.dir}/${name}`, text));
    }),
  );
  duplicateCheckIds(steps, p);
  const nodePorts = lessonNodePorts(f.nodePorts, p);
  const namespaces = lessonNamespaces(f.namespaces, p);
  if (id === undefined || title === undefined || summary === undefined) return undefined;
  if (steps.some((s) => s === undefined)) return undefined;
  return {
    id,
    title,
    summary,
    steps: steps as LessonStep[],
    ...(nodePorts ? { nodePorts } : {}),
    ...(namespaces ? { namespaces } : {}),
  };
}

/** `namespaces: [nginx-ns]`: DNS-1123 labels, short enough to take a student's name in front. */
function lessonNamespaces(raw: unknown, p: Problems): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = p.list(raw, ['namespaces']);
  if (!list) return undefined;
  const names: string[] = [];
  list.forEach((v, i) => {
    const n = p.text(v, ['namespaces', i]);
    if (n === undefined) return;
    if (!DNS1123_LABEL.test(n) || n.length > 30)
      p.invalid(['namespaces', i], n, `${DNS1123_LABEL_MESSAGE}, at most 30 characters`);
    else if (n === 'default' || n.startsWith('kube-'))
      p.invalid(['namespaces', i], n, "a namespace of the cluster itself, not the lesson's");
    else names.push(n);
  });
  return names;
}

/** `nodePorts: [30380]`: node ports of the default range (30000-32767), each once. */
function lessonNodePorts(raw: unknown, p: Problems): number[] | undefined {
  if (raw === undefined) return undefined;
  const list = p.list(raw, ['nodePorts']);
  if (!list) return undefined;
  const ports: number[] = [];
  list.forEach((v, i) => {
    const n = p.count(v, ['nodePorts', i]);
    if (n === undefined) return;
    if (n < 30000 || n > 32767)
      p.invalid(
        ['nodePorts', i],
        n,
        'provided port is not in the valid range. The range of valid ports is 30000-32767',
      );
    else if (ports.includes(n)) p.add(['nodePorts', i], `Duplicate value: ${n}`);
    else ports.push(n);
  });
  return ports;
}

function step(
  raw: unknown,
  i: number,
  source: LessonSource,
  p: Problems,
  checkManifest: (name: string, text: string) => void,
): LessonStep | undefined {
  const at: PathSegment[] = ['steps', i];
  const before = p.issues.length;
  const f = p.map(raw, at, ['title', 'markdown', 'text', 'files', 'checks']);
  if (!f) return undefined;
  const title = p.text(f.title, [...at, 'title']);
  let markdown: string | undefined;
  if (f.markdown === undefined && f.text === undefined) {
    p.required(at, 'one of markdown (a .md file of the lesson) or text (written here)');
  } else if (f.markdown !== undefined && f.text !== undefined) {
    p.invalid([...at, 'text'], 'markdown, text', 'a step has markdown or text, not both');
  } else if (f.text !== undefined) {
    markdown = p.text(f.text, [...at, 'text']);
  } else {
    markdown = lessonFile(f.markdown, [...at, 'markdown'], MARKDOWN, source, p)?.text;
  }
  const files: LessonFile[] = [];
  const rawFiles = f.files === undefined ? [] : (p.list(f.files, [...at, 'files']) ?? []);
  for (const [j, name] of rawFiles.entries()) {
    const file = lessonFile(name, [...at, 'files', j], MANIFEST, source, p);
    if (file) {
      files.push(file);
      checkManifest(file.name, file.text);
    }
  }
  const rawChecks = f.checks === undefined ? [] : (p.list(f.checks, [...at, 'checks']) ?? []);
  const checks = rawChecks.map((c, j) =>
    validateCheck(c, [...at, 'checks', j], p, `step${i + 1}-${j + 1}`),
  );
  if (p.issues.length !== before || title === undefined || markdown === undefined) return undefined;
  return { title, markdown, files, checks: checks as Check[] };
}

const MARKDOWN = { test: /\.md$/, name: '.md' };
const MANIFEST = { test: /\.ya?ml$/, name: '.yaml or .yml' };

/** A file of the lesson folder named at `at`, with the extension `ext`. */
function lessonFile(
  raw: unknown,
  at: PathSegment[],
  ext: { test: RegExp; name: string },
  source: LessonSource,
  p: Problems,
): LessonFile | undefined {
  const name = p.text(raw, at);
  if (name === undefined) return undefined;
  if (!ext.test.test(name) || name.includes('/')) {
    return p.invalid(at, name, `must be a file of the lesson folder ending in ${ext.name}`);
  }
  const text = source.files[name];
  return text === undefined ? p.add(at, `Not found: ${JSON.stringify(name)}`) : { name, text };
}

/** Every check id once in the lesson: the progress board keys its columns by them. */
function duplicateCheckIds(steps: (LessonStep | undefined)[], p: Problems): void {
  const seen = new Set<string>();
  for (const [i, s] of steps.entries()) {
    for (const [j, c] of (s?.checks ?? []).entries()) {
      if (seen.has(c.id))
        p.add(['steps', i, 'checks', j, 'id'], `Duplicate value: ${JSON.stringify(c.id)}`);
      seen.add(c.id);
    }
  }
}

/** The manifest's problems (as `kubectl apply` would meet them), in that file. */
function manifestProblems(file: string, text: string): LessonError[] {
  const { errors } = checkManifests(text);
  return errors.map((e) => ({
    file,
    line: e.line,
    column: e.column,
    path: e.path,
    message: e.message,
  }));
}

/** `01-clusterip/lesson.yaml:12:7: steps[0].title: Required value` */
export function formatLessonError(e: LessonError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.message}`;
}
