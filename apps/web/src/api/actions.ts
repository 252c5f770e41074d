import type { ApplyResult } from '@l4lab/protocol';
import { applyResultsOf, errorMessageOf } from './guards.ts';
import type { CallOutcome } from './http.ts';
import { replayRefusal } from '../replay/replayRefusal.ts';

// Fault injection and cluster actions behind the details drawer and the kubectl console.

async function call(method: string, path: string, body?: unknown): Promise<CallOutcome<unknown>> {
  // A replay shows a recording: the live lab is neither changed nor read (it is not what is shown).
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  try {
    const res = await fetch(path, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text for the message.
    }
    if (res.ok) return { ok: true, value: json };
    return {
      ok: false,
      message:
        errorMessageOf(json) ?? (typeof json === 'string' && json ? json : `HTTP ${res.status}`),
    };
  } catch (e) {
    return {
      ok: false,
      message: `Cannot reach the server: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

const seg = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

export const killPod = (ns: string, name: string) =>
  call('POST', `/api/pods/${seg(ns, name)}/kill`);
export const toggleUnready = (ns: string, name: string) =>
  call('POST', `/api/pods/${seg(ns, name)}/unready`);
export const stopNode = (name: string) => call('POST', `/api/nodes/${seg(name)}/stop`);
export const startNode = (name: string) => call('POST', `/api/nodes/${seg(name)}/start`);
export const deleteAny = (resource: string, ns: string | undefined, name: string) =>
  call('DELETE', `/api/objects/${ns ? seg(resource, ns, name) : seg(resource, name)}`);

export async function setProxyMode(
  ns: string,
  name: string,
  mode: string,
): Promise<CallOutcome<ApplyResult[]>> {
  const r = await call('POST', `/api/services/${seg(ns, name)}/proxy-mode`, { mode });
  return r.ok ? { ok: true, value: applyResultsOf(r.value) ?? [] } : r;
}

export interface KubectlOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** `GET /api/kubectl?args=...`: kubectl's own text for get / describe. */
export async function kubectl(
  args: string,
  signal?: AbortSignal,
): Promise<CallOutcome<KubectlOutput>> {
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  try {
    const res = await fetch(
      `/api/kubectl?args=${encodeURIComponent(args)}`,
      signal ? { signal } : {},
    );
    const body = (await res.json()) as Partial<KubectlOutput> & { error?: unknown };
    if (!res.ok || typeof body.stdout !== 'string') {
      return { ok: false, message: errorMessageOf(body) ?? `HTTP ${res.status}` };
    }
    return {
      ok: true,
      value: { stdout: body.stdout, stderr: body.stderr ?? '', exitCode: body.exitCode ?? 0 },
    };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

export async function getObject(resource: string, ns: string | undefined, name: string) {
  return call('GET', `/api/objects/${ns ? seg(resource, ns, name) : seg(resource, name)}`);
}
