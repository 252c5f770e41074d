import type {
  ApplyResult,
  ExecResponse,
  ManifestError,
  ResourceName,
  ScenarioList,
  TrafficRequestInput,
  TutorialFile,
} from '@l4lab/protocol';
import {
  applyResultsOf,
  errorMessageOf,
  idOf,
  manifestErrorsOf,
  scenarioListOf,
  tutorialFilesOf,
  warningsOf,
} from './guards.ts';
import { replayRefusal } from '../replay/replayRefusal.ts';

// l4lab's REST calls (same origin). Each returns a result value; only a broken network throws.

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function failure(res: Response, body: unknown): string {
  return errorMessageOf(body) ?? (typeof body === 'string' && body ? body : `HTTP ${res.status}`);
}

export async function fetchScenarios(): Promise<ScenarioList | undefined> {
  const res = await fetch('/api/scenarios');
  return res.ok ? scenarioListOf(await bodyOf(res)) : undefined;
}

/** The tutorial's files (`pod_test.yaml`, ...), split from the seeds as the server writes them. */
export async function fetchTutorialFiles(): Promise<TutorialFile[] | undefined> {
  const res = await fetch('/api/tutorial');
  return res.ok ? tutorialFilesOf(await bodyOf(res)) : undefined;
}

export type ApplyOutcome =
  | { ok: true; results: ApplyResult[]; warnings: ManifestError[] }
  | { ok: false; errors: ManifestError[]; message: string };

export async function applyManifests(yaml: string): Promise<ApplyOutcome> {
  const refused = replayRefusal();
  if (refused) return { ok: false, errors: [], message: refused };
  const res = await fetch('/api/apply', {
    method: 'POST',
    headers: { 'Content-Type': 'application/yaml' },
    body: yaml,
  });
  const body = await bodyOf(res);
  if (res.ok) {
    return { ok: true, results: applyResultsOf(body) ?? [], warnings: warningsOf(body) };
  }
  const errors = manifestErrorsOf(body) ?? [];
  const count = errors.length;
  // Every refusal of an apply (400, 403 quota, 413, 422, 429) carries errors[] with their lines.
  const message =
    count > 0
      ? `${count} ${count === 1 ? 'error' : 'errors'}: nothing applied`
      : failure(res, body);
  return { ok: false, errors, message };
}

export type CallOutcome<T> =
  | { ok: true; value: T }
  /** `status`: the HTTP status of a refusal, when the server answered. */
  | { ok: false; message: string; status?: number };

export async function deleteObject(
  resource: ResourceName,
  namespace: string,
  name: string,
): Promise<CallOutcome<null>> {
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  const path = [resource, namespace, name].map(encodeURIComponent).join('/');
  const res = await fetch(`/api/objects/${path}`, { method: 'DELETE' });
  return res.ok
    ? { ok: true, value: null }
    : { ok: false, message: failure(res, await bodyOf(res)) };
}

export async function startTraffic(request: TrafficRequestInput): Promise<CallOutcome<string>> {
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  const res = await fetch('/api/traffic', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = await bodyOf(res);
  const id = idOf(body);
  if (res.ok && id !== undefined) return { ok: true, value: id };
  return { ok: false, message: failure(res, body) };
}

export async function stopTraffic(id: string): Promise<CallOutcome<null>> {
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  const res = await fetch(`/api/traffic/${encodeURIComponent(id)}`, { method: 'DELETE' });
  return res.ok
    ? { ok: true, value: null }
    : { ok: false, message: failure(res, await bodyOf(res)) };
}

function execResponseOf(body: unknown): ExecResponse | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.stdout !== 'string' || typeof b.stderr !== 'string') return undefined;
  if (typeof b.exitCode !== 'number' || !Array.isArray(b.trace)) return undefined;
  return {
    stdout: b.stdout,
    stderr: b.stderr,
    exitCode: b.exitCode,
    trace: b.trace.filter(
      (e): e is ExecResponse['trace'][number] =>
        typeof e === 'object' && e !== null && typeof (e as { kind?: unknown }).kind === 'string',
    ),
    ...(b.truncated === true ? { truncated: true } : {}),
    ...(b.timedOut === true ? { timedOut: true } : {}),
  };
}

/**
 * `POST /api/pods/{ns}/{name}/exec`: the command runs in the pod (in `container`, else its first)
 * with l4lab's built-in tools.
 */
export async function execInPod(
  namespace: string,
  name: string,
  command: string,
  signal?: AbortSignal,
  /** `kubectl exec -c`: the container; the pod's first without it. */
  container?: string,
): Promise<CallOutcome<ExecResponse>> {
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  const path = [namespace, name].map(encodeURIComponent).join('/');
  const res = await fetch(`/api/pods/${path}/exec`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ command, ...(container ? { container } : {}) }),
    ...(signal ? { signal } : {}),
  });
  const body = await bodyOf(res);
  const value = res.ok ? execResponseOf(body) : undefined;
  return value
    ? { ok: true, value }
    : { ok: false, message: failure(res, body), status: res.status };
}
