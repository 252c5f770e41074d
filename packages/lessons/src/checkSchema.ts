// A check as written in lesson.yaml -> a `Check`, or the problems that keep it from being one.
import { FRONTEND_KINDS, OUTCOMES, RESOURCES, type KubeKind } from '@l4lab/protocol';
import { parseFieldPath, type PathSegment } from './fieldPath.ts';
import {
  CHECK_FORMS,
  CLIENT_FILTERS,
  type Bounds,
  type Check,
  type ConnectionsCheck,
  type EndpointsCheck,
  type FieldCondition,
  type FieldConditions,
  type ObjectCheck,
  type ObjectsCheck,
} from './types.ts';
import { DNS1123_LABEL, DNS1123_LABEL_MESSAGE, type Fields, type Problems } from './validation.ts';

const KINDS: readonly KubeKind[] = Object.values(RESOURCES);
const BOUNDS = ['count', 'min', 'max'] as const;
/** What a connections check may require of the connections it selects. */
const CONNECTION_ASSERTIONS = [...BOUNDS, 'eachPod', 'pods', 'balanced', 'onePodPerClient'];

/** The check at `at`, or undefined when it has a problem (each one reported). */
export function validateCheck(
  raw: unknown,
  at: PathSegment[],
  p: Problems,
  defaultId: string,
): Check | undefined {
  const f = p.map(raw, at, ['id', 'title', ...CHECK_FORMS]);
  if (!f) return undefined;
  const title = p.text(f.title, [...at, 'title']);
  const id = f.id === undefined ? defaultId : p.text(f.id, [...at, 'id']);
  if (id !== undefined && !DNS1123_LABEL.test(id))
    p.invalid([...at, 'id'], id, DNS1123_LABEL_MESSAGE);
  const forms = CHECK_FORMS.filter((k) => f[k] !== undefined);
  if (forms.length !== 1) {
    const supported = CHECK_FORMS.join(', ');
    return forms.length === 0
      ? p.required(at, `a check has one of ${supported}`)
      : p.invalid(at, forms.join(', '), `a check has exactly one of ${supported}`);
  }
  const form = forms[0]!;
  const body = checkBody(form, f[form], [...at, form], p);
  if (title === undefined || id === undefined || body === undefined) return undefined;
  return { id, title, ...body };
}

/** Every form of check but its title and id. */
type CheckBody = Check extends infer C
  ? C extends Check
    ? Omit<C, 'id' | 'title'>
    : never
  : never;

function checkBody(
  form: (typeof CHECK_FORMS)[number],
  raw: unknown,
  at: PathSegment[],
  p: Problems,
): CheckBody | undefined {
  const wrap = <K extends string, T>(key: K, body: T | undefined) =>
    body === undefined ? undefined : ({ [key]: body } as Record<K, T>);
  switch (form) {
    case 'object':
      return wrap(form, objectCheck(raw, at, p));
    case 'objects':
      return wrap(form, objectsCheck(raw, at, p));
    case 'endpoints':
      return wrap(form, endpointsCheck(raw, at, p));
    case 'connections':
      return wrap(form, connectionsCheck(raw, at, p));
  }
}

/** Drops the keys whose value is undefined (an optional field left out stays out). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * No problem was reported since `before`: the fields read are all there and valid, so the casts
 * below (from fields that may be undefined to the check's type) hold.
 */
function complete(p: Problems, before: number): boolean {
  return p.issues.length === before;
}

function objectCheck(raw: unknown, at: PathSegment[], p: Problems): ObjectCheck | undefined {
  const before = p.issues.length;
  const f = p.map(raw, at, ['kind', 'name', 'namespace', 'fields']);
  if (!f) return undefined;
  const check = defined({
    kind: kind(f.kind, [...at, 'kind'], p),
    name: p.text(f.name, [...at, 'name']),
    namespace: p.text(f.namespace, [...at, 'namespace'], true),
    fields: fieldConditions(f.fields, [...at, 'fields'], p),
  });
  return complete(p, before) ? (check as ObjectCheck) : undefined;
}

function objectsCheck(raw: unknown, at: PathSegment[], p: Problems): ObjectsCheck | undefined {
  const before = p.issues.length;
  const f = p.map(raw, at, ['kind', 'namespace', 'selector', 'ready', 'fields', ...BOUNDS]);
  if (!f) return undefined;
  const k = kind(f.kind, [...at, 'kind'], p);
  const ready = p.boolean(f.ready, [...at, 'ready']);
  if (ready !== undefined && k !== undefined && k !== 'Pod') {
    p.invalid([...at, 'ready'], ready, 'ready applies to kind Pod only');
  }
  const check = defined({
    kind: k,
    namespace: p.text(f.namespace, [...at, 'namespace'], true),
    selector: selector(f.selector, [...at, 'selector'], p),
    ready,
    fields: fieldConditions(f.fields, [...at, 'fields'], p),
    ...bounds(f, at, p, true),
  });
  return complete(p, before) ? (check as ObjectsCheck) : undefined;
}

function endpointsCheck(raw: unknown, at: PathSegment[], p: Problems): EndpointsCheck | undefined {
  const before = p.issues.length;
  const f = p.map(raw, at, ['service', 'namespace', ...BOUNDS]);
  if (!f) return undefined;
  const check = defined({
    service: p.text(f.service, [...at, 'service']),
    namespace: p.text(f.namespace, [...at, 'namespace'], true),
    ...bounds(f, at, p, true),
  });
  return complete(p, before) ? (check as EndpointsCheck) : undefined;
}

function connectionsCheck(
  raw: unknown,
  at: PathSegment[],
  p: Problems,
): ConnectionsCheck | undefined {
  const before = p.issues.length;
  const filters = ['service', 'namespace', 'pod', 'outcome', 'frontend', 'from', 'mode', 'reason'];
  const f = p.map(raw, at, [...filters, 'within', 'since', ...CONNECTION_ASSERTIONS]);
  if (!f) return undefined;
  const service = p.text(f.service, [...at, 'service'], true);
  const within = f.within;
  if (within !== undefined && (typeof within !== 'number' || !(within > 0))) {
    p.invalid([...at, 'within'], within, 'must be a number of seconds greater than 0');
  }
  const balanced = f.balanced;
  if (balanced !== undefined && (typeof balanced !== 'number' || !(balanced >= 0))) {
    p.invalid([...at, 'balanced'], balanced, 'must be a fraction of an even share, like 0.2');
  }
  // "each pod" and "an even share" are over the Service's ready endpoints: a Service is needed.
  for (const key of ['eachPod', 'balanced'] as const) {
    if (f[key] !== undefined && service === undefined) {
      p.required([...at, 'service'], `${key} counts the ready endpoints of a Service`);
    }
  }
  if (!CONNECTION_ASSERTIONS.some((k) => f[k] !== undefined)) {
    p.required(at, `what must hold: one of ${CONNECTION_ASSERTIONS.join(', ')}`);
  }
  const check = defined({
    service,
    namespace: p.text(f.namespace, [...at, 'namespace'], true),
    pod: p.text(f.pod, [...at, 'pod'], true),
    outcome: p.someOf(f.outcome, [...at, 'outcome'], OUTCOMES),
    frontend: p.someOf(f.frontend, [...at, 'frontend'], FRONTEND_KINDS),
    from: p.oneOf(f.from, [...at, 'from'], CLIENT_FILTERS),
    mode: p.text(f.mode, [...at, 'mode'], true),
    reason: p.text(f.reason, [...at, 'reason'], true),
    within: typeof within === 'number' ? within : undefined,
    since: p.oneOf(f.since, [...at, 'since'], ['step'] as const),
    ...bounds(f, at, p, false),
    eachPod: p.count(f.eachPod, [...at, 'eachPod'], 1),
    pods: f.pods === undefined ? undefined : podsBounds(f.pods, [...at, 'pods'], p),
    balanced: typeof balanced === 'number' ? balanced : undefined,
    onePodPerClient: p.boolean(f.onePodPerClient, [...at, 'onePodPerClient']),
  });
  return complete(p, before) ? (check as ConnectionsCheck) : undefined;
}

function podsBounds(raw: unknown, at: PathSegment[], p: Problems): Bounds | undefined {
  const f = p.map(raw, at, BOUNDS);
  return f ? bounds(f, at, p, true) : undefined;
}

function kind(raw: unknown, at: PathSegment[], p: Problems): KubeKind | undefined {
  if (raw === undefined) return p.required(at);
  return p.oneOf(raw, at, KINDS);
}

/** count, or min and/or max; `needed`: one of them must be there. */
function bounds(f: Fields, at: PathSegment[], p: Problems, needed: boolean): Bounds {
  const b = defined({
    count: p.count(f.count, [...at, 'count']),
    min: p.count(f.min, [...at, 'min']),
    max: p.count(f.max, [...at, 'max']),
  });
  if (b.count !== undefined && (b.min !== undefined || b.max !== undefined)) {
    p.invalid([...at, 'count'], b.count, 'count may not be given with min or max');
  }
  if (b.min !== undefined && b.max !== undefined && b.min > b.max) {
    p.invalid([...at, 'max'], b.max, `must be greater than or equal to min (${b.min})`);
  }
  if (needed && BOUNDS.every((k) => f[k] === undefined)) {
    p.required(at, `how many: one of ${BOUNDS.join(', ')}`);
  }
  return b;
}

function selector(
  raw: unknown,
  at: PathSegment[],
  p: Problems,
): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const f = p.map(raw, at, Object.keys(raw ?? {}));
  if (!f) return undefined;
  for (const [k, v] of Object.entries(f)) {
    if (typeof v !== 'string')
      p.invalid([...at, k], v, 'a label value must be a string (quote it)');
  }
  return f as Record<string, string>;
}

function fieldConditions(
  raw: unknown,
  at: PathSegment[],
  p: Problems,
): FieldConditions | undefined {
  if (raw === undefined) return undefined;
  const f = p.map(raw, at, Object.keys(raw ?? {}));
  if (!f) return undefined;
  const out: FieldConditions = {};
  for (const [path, v] of Object.entries(f)) {
    const parsed = parseFieldPath(path);
    if (typeof parsed === 'string') p.invalid([...at, path], path, parsed);
    const condition = fieldCondition(v, [...at, path], p);
    if (condition !== undefined) out[path] = condition;
  }
  return out;
}

function fieldCondition(raw: unknown, at: PathSegment[], p: Problems): FieldCondition | undefined {
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return raw;
  const f = p.map(raw, at, ['matches', 'exists']);
  if (!f) return undefined;
  if ((f.matches === undefined) === (f.exists === undefined)) {
    return p.required(at, 'a value to equal, or one of matches, exists');
  }
  if (f.exists !== undefined) {
    const exists = p.boolean(f.exists, [...at, 'exists']);
    return exists === undefined ? undefined : { exists };
  }
  const matches = p.text(f.matches, [...at, 'matches']);
  if (matches === undefined) return undefined;
  try {
    new RegExp(matches);
  } catch (err) {
    return p.invalid([...at, 'matches'], matches, (err as Error).message);
  }
  return { matches };
}
