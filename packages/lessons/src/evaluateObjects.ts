// Checks over the student's live objects: one object and its fields, a count of objects by label
// selector, the ready endpoints of a Service.
import {
  CLUSTER_SCOPED,
  endpointConditions,
  isPodReady,
  type EndpointSlice,
  type KubeKind,
  type KubeObject,
  type Pod,
} from '@l4lab/protocol';
import { countResult } from './bounds.ts';
import type { EvaluationContext } from './evaluationContext.ts';
import { parseFieldPath, readField } from './fieldPath.ts';
import type {
  CheckResult,
  EndpointsCheck,
  FieldCondition,
  FieldConditions,
  ObjectCheck,
  ObjectsCheck,
} from './types.ts';

/** The label EndpointSlices carry to name their Service (discovery.k8s.io/v1). */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Objects of `kind` in `namespace` (every one, for cluster-scoped kinds). */
export function objectsOf(ctx: EvaluationContext, kind: KubeKind, namespace: string): KubeObject[] {
  const scoped = !CLUSTER_SCOPED.has(kind);
  return ctx.objects.filter(
    (o) => o.kind === kind && (!scoped || (o.metadata.namespace ?? 'default') === namespace),
  );
}

function findObject(
  ctx: EvaluationContext,
  kind: KubeKind,
  name: string,
  namespace: string,
): KubeObject | undefined {
  return objectsOf(ctx, kind, namespace).find((o) => o.metadata.name === name);
}

function notFound(kind: KubeKind, name: string, namespace: string): CheckResult {
  const where = CLUSTER_SCOPED.has(kind) ? '' : ` in namespace ${namespace}`;
  return { passed: false, detail: `${kind} ${name} not found${where}` };
}

export function evaluateObject(c: ObjectCheck, ctx: EvaluationContext): CheckResult {
  const ns = c.namespace ?? ctx.namespace;
  const obj = findObject(ctx, c.kind, c.name, ns);
  if (!obj) return notFound(c.kind, c.name, ns);
  const who = `${c.kind} ${c.name}`;
  const conditions = Object.entries(c.fields ?? {});
  for (const [path, condition] of conditions) {
    const problem = fieldProblem(obj, path, condition);
    if (problem) return { passed: false, detail: `${who} ${problem}` };
  }
  if (conditions.length === 0) return { passed: true, detail: `${who} exists` };
  const facts = conditions.map(([path]) => `${path} ${show(valueAt(obj, path))}`);
  return { passed: true, detail: `${who} has ${facts.join(' and ')}` };
}

export function evaluateObjects(c: ObjectsCheck, ctx: EvaluationContext): CheckResult {
  const ns = c.namespace ?? ctx.namespace;
  const matching = objectsOf(ctx, c.kind, ns).filter(
    (o) =>
      matchesLabels(o, c.selector ?? {}) &&
      Object.entries(c.fields ?? {}).every(([path, cond]) => !fieldProblem(o, path, cond)),
  );
  const where = whereText(c.selector, c.fields);
  const noun = (n: number) => `${n} ${n === 1 ? c.kind : plural(c.kind)}${where}`;
  if (c.ready === undefined) return countResult(matching.length, c, noun(matching.length));
  const counted = matching.filter((o) => isPodReady(o as Pod) === c.ready);
  const state = c.ready ? 'Ready' : 'not Ready';
  const verb = counted.length === 1 ? 'is' : 'are';
  return countResult(
    counted.length,
    c,
    `${counted.length} of ${noun(matching.length)} ${verb} ${state}`,
  );
}

export function evaluateEndpoints(c: EndpointsCheck, ctx: EvaluationContext): CheckResult {
  const ns = c.namespace ?? ctx.namespace;
  if (!findObject(ctx, 'Service', c.service, ns)) return notFound('Service', c.service, ns);
  const { ready, all } = serviceEndpoints(ctx, c.service, ns);
  const of = `of Service ${c.service}`;
  const fact =
    all.size === 0
      ? `Service ${c.service} has no endpoints`
      : `${ready.size} of ${all.size} endpoints ${of} ${ready.size === 1 ? 'is' : 'are'} ready`;
  return countResult(ready.size, c, fact);
}

/** A Service's endpoint addresses (each once) and which are ready, from its EndpointSlices. */
export function serviceEndpoints(
  ctx: EvaluationContext,
  service: string,
  namespace: string,
): { all: Set<string>; ready: Set<string>; readyPods: Set<string> } {
  const all = new Set<string>();
  const ready = new Set<string>();
  const readyPods = new Set<string>();
  for (const o of objectsOf(ctx, 'EndpointSlice', namespace)) {
    const slice = o as EndpointSlice;
    if (slice.metadata.labels?.[SERVICE_NAME_LABEL] !== service) continue;
    for (const e of slice.endpoints ?? []) {
      const address = e.addresses[0];
      if (address === undefined) continue;
      all.add(address);
      if (!endpointConditions(e).ready) continue;
      ready.add(address);
      // kube-proxy names an endpoint without a targetRef by its address, and so do its events.
      readyPods.add(e.targetRef?.name ?? address);
    }
  }
  return { all, ready, readyPods };
}

function matchesLabels(o: KubeObject, selector: Record<string, string>): boolean {
  const labels = o.metadata.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function plural(kind: KubeKind): string {
  return kind === 'Endpoints' ? kind : `${kind}s`;
}

/** " with run=my-nginx, spec.type=NodePort" */
function whereText(selector?: Record<string, string>, fields?: FieldConditions): string {
  const parts = [
    ...Object.entries(selector ?? {}).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(fields ?? {}).map(([path, cond]) => conditionText(path, cond)),
  ];
  return parts.length ? ` with ${parts.join(', ')}` : '';
}

function conditionText(path: string, cond: FieldCondition): string {
  if (typeof cond !== 'object') return `${path}=${cond}`;
  if ('matches' in cond) return `${path} matching ${cond.matches}`;
  return cond.exists ? path : `no ${path}`;
}

function valueAt(obj: KubeObject, path: string): unknown {
  const segments = parseFieldPath(path);
  return typeof segments === 'string' ? undefined : readField(obj, segments);
}

/** What is wrong with the field at `path` ("has spec.type ClusterIP, want NodePort"), or undefined. */
export function fieldProblem(
  obj: KubeObject,
  path: string,
  cond: FieldCondition,
): string | undefined {
  const v = valueAt(obj, path);
  const present = v !== undefined && v !== null;
  const has = present ? `has ${path} ${show(v)}` : `has no ${path}`;
  if (typeof cond !== 'object') {
    return present && isScalar(v) && String(v) === String(cond)
      ? undefined
      : `${has}, want ${cond}`;
  }
  if ('exists' in cond) {
    if (present === cond.exists) return undefined;
    return cond.exists ? `${has} yet` : `${has}, want none`;
  }
  if (present && isScalar(v) && new RegExp(cond.matches).test(String(v))) return undefined;
  return `${has}, want one matching ${cond.matches}`;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** A field's value in a sentence: scalars as they are, anything else as short JSON. */
function show(v: unknown): string {
  if (isScalar(v)) return String(v);
  const json = JSON.stringify(v) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
