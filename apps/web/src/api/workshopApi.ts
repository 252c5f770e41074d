import type {
  JoinResponse,
  StudentInfo,
  StudentQuota,
  WhoAmIResponse,
  WorkshopStatus,
  WorkshopUser,
} from '@l4lab/protocol';
import type { CallOutcome } from './http.ts';

// Workshop mode's REST calls (same origin; the token rides in the `l4lab_token` cookie). Answers
// are checked by the guards below, never cast; only a broken network throws.

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function userOf(v: unknown): WorkshopUser | undefined {
  if (!isRecord(v) || !isString(v.name)) return undefined;
  if (v.role !== 'instructor' && v.role !== 'student' && v.role !== 'viewer') return undefined;
  return {
    name: v.name,
    role: v.role,
    ...(isString(v.namespace) ? { namespace: v.namespace } : {}),
  };
}

/** `GET /api/whoami`'s answer; undefined for another shape. */
export function whoAmIOf(body: unknown): WhoAmIResponse | undefined {
  if (!isRecord(body)) return undefined;
  const user = userOf(body.user);
  return user ? { user, workshop: body.workshop === true } : undefined;
}

function quotaOf(v: unknown): StudentQuota | undefined {
  if (!isRecord(v) || !isCount(v.pods) || !isCount(v.services) || !isCount(v.trafficRate)) {
    return undefined;
  }
  return {
    pods: v.pods,
    services: v.services,
    trafficRate: v.trafficRate,
    ...(isCount(v.generators) ? { generators: v.generators } : {}),
  };
}

/** `POST /api/workshop/join`'s answer; undefined for another shape. */
export function joinResponseOf(body: unknown): JoinResponse | undefined {
  if (!isRecord(body)) return undefined;
  const { name, namespace, token, kubeconfigUrl, server } = body;
  const quota = quotaOf(body.quota);
  if (!isString(name) || !isString(namespace) || !isString(kubeconfigUrl)) return undefined;
  if (!isString(token) || !isString(server) || !quota) return undefined;
  return {
    name,
    namespace,
    token,
    ...(isString(body.rejoinCode) ? { rejoinCode: body.rejoinCode } : {}),
    ...(body.rejoined === true ? { rejoined: true } : {}),
    kubeconfigUrl,
    server,
    quota,
  };
}

function studentOf(v: unknown): StudentInfo | undefined {
  if (!isRecord(v) || !isString(v.name) || !isString(v.namespace)) return undefined;
  const count = (k: string) => (isCount(v[k]) ? v[k] : 0);
  return {
    name: v.name,
    namespace: v.namespace,
    joinedAt: isString(v.joinedAt) ? v.joinedAt : '',
    viewers: count('viewers'),
    ...(isString(v.lastSeen) ? { lastSeen: v.lastSeen } : {}),
    pods: count('pods'),
    services: count('services'),
    connections: count('connections'),
  };
}

/** `GET /api/workshop`'s answer; undefined for another shape. */
export function workshopStatusOf(body: unknown): WorkshopStatus | undefined {
  if (!isRecord(body) || !Array.isArray(body.students) || !isRecord(body.connected)) {
    return undefined;
  }
  const quota = quotaOf(body.quota);
  if (!quota) return undefined;
  const c = body.connected;
  const count = (v: unknown) => (isCount(v) ? v : 0);
  return {
    ...(isString(body.joinUrl) ? { joinUrl: body.joinUrl } : {}),
    ...(Array.isArray(body.joinUrls) ? { joinUrls: body.joinUrls.filter(isString) } : {}),
    ...(isString(body.viewerUrl) ? { viewerUrl: body.viewerUrl } : {}),
    students: body.students.flatMap((s) => studentOf(s) ?? []),
    connected: {
      instructor: count(c.instructor),
      student: count(c.student),
      viewer: count(c.viewer),
    },
    quota,
    ...(isString(body.spotlight) ? { spotlight: body.spotlight } : {}),
  };
}

/**
 * The server's own words for a refusal: `{errors:[{message}]}` (workshop calls, apply) or
 * `{error:{message}}` (older calls), else the status line.
 */
export function refusalOf(status: number, body: unknown): string {
  if (isRecord(body)) {
    const first: unknown = Array.isArray(body.errors) ? body.errors[0] : undefined;
    if (isRecord(first) && isString(first.message)) return first.message;
    const error = body.error;
    if (isRecord(error) && isString(error.message)) return error.message;
    if (isString(error)) return error;
    if (isString(body.message)) return body.message;
  }
  return isString(body) && body.trim() !== '' && body.length < 300 ? body : `HTTP ${status}`;
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** The user the page's token names. A server without `/api/whoami` (404) predates roles. */
export const NO_WORKSHOP: WhoAmIResponse = {
  user: { name: 'instructor', role: 'instructor' },
  workshop: false,
};

export async function fetchWhoAmI(): Promise<CallOutcome<WhoAmIResponse>> {
  const res = await fetch('/api/whoami');
  if (res.status === 404) return { ok: true, value: NO_WORKSHOP };
  const body = await bodyOf(res);
  const who = res.ok ? whoAmIOf(body) : undefined;
  if (who) return { ok: true, value: who };
  return {
    ok: false,
    message: res.ok ? 'unexpected answer from /api/whoami' : refusalOf(res.status, body),
  };
}

async function call<T>(
  path: string,
  init: RequestInit,
  read: (body: unknown) => T | undefined,
): Promise<CallOutcome<T>> {
  const res = await fetch(path, init);
  const body = await bodyOf(res);
  if (!res.ok) return { ok: false, message: refusalOf(res.status, body), status: res.status };
  const value = read(body);
  return value === undefined
    ? { ok: false, message: `unexpected answer from ${path}` }
    : { ok: true, value };
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

/** `POST /api/workshop/join`: the server picks `student-<n>` when no name is given. */
export function joinWorkshop(
  code: string,
  name: string,
  /** The student's rejoin code: joining again, from another device. */
  rejoin?: string,
): Promise<CallOutcome<JoinResponse>> {
  const request = {
    code,
    ...(name === '' ? {} : { name }),
    ...(rejoin ? { rejoin } : {}),
  };
  return call('/api/workshop/join', json('POST', request), joinResponseOf);
}

/** `POST /api/workshop/rejoin-code`: a new code for this student's other devices. */
export function newRejoinCode(): Promise<CallOutcome<string>> {
  return call('/api/workshop/rejoin-code', { method: 'POST' }, (b) =>
    isRecord(b) && isString(b.rejoinCode) ? b.rejoinCode : undefined,
  );
}

export function fetchWorkshopStatus(): Promise<CallOutcome<WorkshopStatus>> {
  return call('/api/workshop', {}, workshopStatusOf);
}

const done = () => true as const;

export function setSpotlight(namespace: string | null): Promise<CallOutcome<true>> {
  return call('/api/workshop/spotlight', json('PUT', { namespace }), done);
}

export function resetStudent(name: string): Promise<CallOutcome<true>> {
  return call(`/api/workshop/students/${encodeURIComponent(name)}/reset`, { method: 'POST' }, done);
}

export function removeStudent(name: string): Promise<CallOutcome<true>> {
  return call(`/api/workshop/students/${encodeURIComponent(name)}`, { method: 'DELETE' }, done);
}
