// Times as the API server writes them: a metav1.Time is RFC 3339 to the second
// (`2026-12-06T22:20:57Z`), whatever the store keeps (milliseconds, for the controllers' order).
// MicroTimes (an Event's eventTime, a Lease's renewTime) keep their fraction. What users write
// (labels, annotations, a ConfigMap's or Secret's data) is never touched.

const FRACTION = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d+Z$/;
const MICRO_TIMES = new Set(['eventTime', 'renewTime', 'acquireTime', 'lastObservedTime']);
const USERS = new Set(['data', 'binaryData', 'stringData', 'labels', 'annotations']);

/** `value` with every metav1.Time in it to the second (a copy; `value` is not changed). */
export function wireTimes<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(walk);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (USERS.has(k)) out[k] = v;
    else if (typeof v === 'string') out[k] = MICRO_TIMES.has(k) ? v : v.replace(FRACTION, '$1Z');
    else out[k] = walk(v);
  }
  return out;
}
