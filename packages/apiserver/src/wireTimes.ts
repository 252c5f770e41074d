// Times as the API server writes them: a metav1.Time is RFC 3339 to the second
// (`2026-12-06T22:20:57Z`), whatever the store keeps (milliseconds, for the controllers' order).
// Only the API's own Time fields are cut, by name: MicroTimes (an Event's eventTime, a Lease's
// renewTime) keep their fraction, and what users write (an env value, a label, a ConfigMap's
// data) is never touched, so an object read and sent back is the object stored.

const FRACTION = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d+Z$/;
/** The metav1.Time fields of the kinds l4lab serves (managedFields' `time` too). */
const TIMES = new Set([
  'creationTimestamp',
  'deletionTimestamp',
  'lastTransitionTime',
  'lastHeartbeatTime',
  'lastProbeTime',
  'lastUpdateTime',
  'timeAdded',
  'startTime',
  'startedAt',
  'finishedAt',
  'completionTime',
  'firstTimestamp',
  'lastTimestamp',
  'time',
]);
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
    if (typeof v === 'string') out[k] = TIMES.has(k) ? v.replace(FRACTION, '$1Z') : v;
    else if (USERS.has(k)) out[k] = v;
    else out[k] = walk(v);
  }
  return out;
}
