// A lesson as one workshop student sees it: the node ports its files fix (`nodePorts:` in
// lesson.yaml) moved into the student's own band, everywhere the lesson says them (the files,
// the text, the checks), so thirty students can follow the NodePort lesson at once without
// "provided port is already allocated".
import type { Lesson } from './types.ts';

export interface NodePortBand {
  first: number;
  last: number;
}

/** The lesson with its fixed node ports moved into `band`; itself when it fixes none. */
export function lessonForNodePorts(lesson: Lesson, band: NodePortBand | undefined): Lesson {
  const ports = lesson.nodePorts ?? [];
  if (!band || ports.length === 0) return lesson;
  const moved = new Map(ports.map((p, i) => [p, Math.min(band.first + i, band.last)]));
  const re = new RegExp(`\\b(${ports.join('|')})\\b`, 'g');
  const swap = (text: string) => text.replace(re, (m) => String(moved.get(Number(m)) ?? m));
  // Numbers in checks (`spec.ports[0].nodePort: 30380`) and words in text alike: every string
  // and number of the lesson, walked once.
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return swap(v);
    if (typeof v === 'number') return moved.get(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { ...(walk(lesson) as Lesson), id: lesson.id, nodePorts: [...moved.values()] };
}

/**
 * The lesson with the namespaces it creates (`namespaces:` in lesson.yaml) renamed as the
 * student's own (`nginx-ns` -> `alice-nginx-ns`), wherever the lesson says them.
 */
export function lessonForNamespaces(lesson: Lesson, rename: (name: string) => string): Lesson {
  const names = lesson.namespaces ?? [];
  if (names.length === 0) return lesson;
  // A whole name only: not inside a longer label (`my-nginx-ns2`), which DNS labels spell with
  // letters, digits and dashes.
  const re = new RegExp(`(?<![a-z0-9-])(${names.join('|')})(?![a-z0-9-])`, 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(re, (m) => rename(m));
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { ...(walk(lesson) as Lesson), id: lesson.id, namespaces: names.map(rename) };
}
