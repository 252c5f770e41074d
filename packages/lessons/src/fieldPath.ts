// Field paths as kubectl's JSONPath writes them, without the braces: `spec.type`,
// `spec.ports[0].nodePort`, `metadata.labels["app.kubernetes.io/name"]` (a key with dots).

export type PathSegment = string | number;

const SEGMENT = /^(?:\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(["'])((?:(?!\3).)+)\3\])/;

/** The segments of `path`, or a sentence saying why it is not a path. */
export function parseFieldPath(path: string): PathSegment[] | string {
  const segments: PathSegment[] = [];
  let rest = path;
  while (rest !== '') {
    const m = SEGMENT.exec(rest);
    // A leading dot only between segments: ".spec" and "spec..type" are not paths.
    if (!m || (m[1] !== undefined && rest.startsWith('.') === (segments.length === 0))) {
      return `not a field path at "${rest}": write spec.ports[0].nodePort or metadata.labels["app"]`;
    }
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(m[4]!);
    rest = rest.slice(m[0].length);
  }
  return segments.length ? segments : 'a field path may not be empty';
}

/** The value at `segments` in `obj`, or undefined when any step is missing. */
export function readField(obj: unknown, segments: readonly PathSegment[]): unknown {
  let v: unknown = obj;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[s];
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      if (!Object.hasOwn(v, s)) return undefined;
      v = (v as Record<string, unknown>)[s];
    }
  }
  return v;
}
