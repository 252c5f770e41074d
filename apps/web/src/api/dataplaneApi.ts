import {
  dataplaneStatusSchema,
  podPolicyRulesSchema,
  serviceRulesSchema,
  type DataplaneStatus,
  type PodPolicyRules,
  type ServiceRules,
} from '@l4lab/protocol';
import { replayRefusal } from '../replay/replayRefusal.ts';
import { errorMessageOf } from './guards.ts';
import type { CallOutcome } from './http.ts';

// The kernel dataplane's REST calls (same origin): which kube-proxy runs, and a Service's rules.
// Answers are checked with protocol's schemas, never cast; only a broken network throws.

async function read<T>(
  path: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): Promise<CallOutcome<T>> {
  // A replay shows a recording: the live lab's rules would not be the ones it shows.
  const refused = replayRefusal();
  if (refused) return { ok: false, message: refused };
  const res = await fetch(path);
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) return { ok: false, message: errorMessageOf(body) ?? `HTTP ${res.status}` };
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: `unexpected answer from ${path}` };
}

/** `GET /api/dataplane` */
export function fetchDataplaneStatus(): Promise<CallOutcome<DataplaneStatus>> {
  return read('/api/dataplane', dataplaneStatusSchema);
}

/** `GET /api/dataplane/rules/{namespace}/{name}`: the chains serving the Service, counters live. */
export function fetchServiceRules(
  namespace: string,
  name: string,
): Promise<CallOutcome<ServiceRules>> {
  const path = [namespace, name].map(encodeURIComponent).join('/');
  return read(`/api/dataplane/rules/${path}`, serviceRulesSchema);
}

/** `GET /api/dataplane/policy-rules/{namespace}/{name}`: the chains judging a pod, counters live. */
export function fetchPodPolicyRules(
  namespace: string,
  name: string,
): Promise<CallOutcome<PodPolicyRules>> {
  const path = [namespace, name].map(encodeURIComponent).join('/');
  return read(`/api/dataplane/policy-rules/${path}`, podPolicyRulesSchema);
}
