// Writes through the Kubernetes API: create, replace, the three patches, delete, and the scale
// subresource of Deployments and ReplicaSets. Every write ends in the lab's one admission path (the same
// validation, defaults, quota and all-or-nothing apply as the dashboard's), given by the server.
import type { Request, Response } from 'express';
import type { KubeObject, ManifestError } from '@l4lab/protocol';
import { deletionForbidden, type ObjectStore } from '@l4lab/cluster';
import { dropTypeDependentFields, parseManifests } from '@l4lab/manifests';
import type { FieldManagers } from './fieldManagers.ts';
import { conflictCauses, conflictMessage, type ApplyPlan } from './fieldManagers.ts';
import { jsonPatch, mergePatch, PatchError, strategicMerge, type Json } from './patch.ts';
import { groupVersion, type ApiResource } from './resources.ts';
import { dryRunOf } from './dryRun.ts';
import { failure, notFound, type Status, type StatusReason } from './status.ts';

export type Admission =
  | { ok: true; object: KubeObject; warnings: string[] }
  | { ok: false; status: number; errors: ManifestError[] };

/** The lab's side of a write (apps/server wires it to the checker and the cluster). */
export interface Writer {
  /**
   * Validates, defaults and applies one object, as `POST /api/apply` does with one document.
   * With `dryRun` (`?dryRun=All`) every check runs and nothing is stored: the answer is the object
   * as it would be stored.
   */
  apply(object: Record<string, unknown>, options: { dryRun: boolean }): Promise<Admission>;
  /**
   * A client's new version of a node: labels, annotations, taints and `unschedulable` are taken
   * (kubectl label, annotate, taint, cordon), the rest stays the lab's; undefined: no such node.
   */
  editNode(
    name: string,
    next: Record<string, unknown>,
    options: { dryRun: boolean },
  ): Admission | undefined;
  /**
   * A pod's ephemeral containers become `next` (pods/ephemeralcontainers, `kubectl debug`): they
   * may be added, not changed or removed. Undefined: no such pod.
   */
  setEphemeralContainers?(
    namespace: string,
    name: string,
    next: unknown[],
    options: { dryRun: boolean },
  ): Admission | undefined;
  /**
   * Evicts a pod (pods/eviction) if its PodDisruptionBudget allows; undefined: no such pod.
   * Absent: a pod is deleted as if no budget held it.
   */
  evict?(
    namespace: string,
    name: string,
    options: { gracePeriodSeconds?: number; dryRun: boolean },
  ):
    | { ok: true }
    | {
        ok: false;
        code: 429 | 500;
        reason: 'TooManyRequests' | 'InternalError';
        message: string;
        causes?: { reason?: string; message: string }[];
        retryAfterSeconds?: number;
      }
    | undefined;
  /** Deletes (pods gracefully); undefined when there is no such object. */
  delete(
    kind: KubeObject['kind'],
    namespace: string | undefined,
    name: string,
    gracePeriodSeconds?: number,
    propagation?: 'Background' | 'Orphan',
  ): KubeObject | undefined;
}

export interface WriteContext {
  store: ObjectStore;
  writer: Writer;
  /** Who manages which fields (server-side apply; metadata.managedFields). */
  fields: FieldManagers;
}

type Target = { r: ApiResource; namespace: string | undefined; name: string };

const kindOf = (r: ApiResource) => r.kind as KubeObject['kind'];

function stored(c: WriteContext, t: Target): KubeObject | undefined {
  return c.store.get(kindOf(t.r), t.r.namespaced ? t.namespace : undefined, t.name);
}

/** What the user owns of an object: what a patch or a replace is applied to and admitted as. */
function userView(o: Record<string, unknown>): Record<string, unknown> {
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  const { status: _s, ...rest } = o;
  return {
    ...rest,
    metadata: Object.fromEntries(
      Object.entries(meta).filter(([k]) =>
        ['name', 'namespace', 'labels', 'annotations', 'generateName', 'finalizers'].includes(k),
      ),
    ),
  };
}

function send(res: Response, s: Status): void {
  res.status(s.code).json(s);
}

/** Admission errors as the API server's Status: Invalid with causes, NotFound, Forbidden, ... */
function refusal(t: Target, a: Extract<Admission, { ok: false }>): Status {
  const { r, name } = t;
  const e = a.errors;
  if (a.status === 403) {
    return failure(403, 'Forbidden', e.map((x) => x.message).join('; '), {
      name,
      kind: r.name,
    });
  }
  if (e.some((x) => x.code === 'L4_E_NAMESPACE_NOT_FOUND')) {
    const ns = /namespaces "([^"]*)"/.exec(e[0]!.message)?.[1] ?? t.namespace ?? '';
    return notFound('namespaces', ns, 'namespaces');
  }
  // A body the decoder refused (a value of the wrong type): BadRequest, no details.
  if (a.status === 400) return failure(400, 'BadRequest', e[0]?.message ?? '');
  if (a.status === 429) return failure(429, 'TooManyRequests', e[0]?.message ?? '');
  if (a.status >= 500) return failure(500, 'InternalError', e[0]?.message ?? 'internal error');
  const prefix = `The ${r.kind} "${name}" is invalid: `;
  const causes = e.map((x) => {
    const body = x.message.startsWith(prefix) ? x.message.slice(prefix.length) : x.message;
    const field = x.path;
    const message = field && body.startsWith(`${field}: `) ? body.slice(field.length + 2) : body;
    return { reason: causeReason(message), message, field };
  });
  const listed = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const message = `${r.kind} "${name}" is invalid: ${listed.length === 1 ? listed[0] : `[${listed.join(', ')}]`}`;
  return failure(422, 'Invalid', message, {
    name,
    ...(r.group ? { group: r.group } : {}),
    kind: r.kind,
    causes,
  });
}

/** field.ErrorType -> metav1.CauseType. */
function causeReason(message: string): string {
  const types: [string, string][] = [
    ['Invalid value', 'FieldValueInvalid'],
    ['Required value', 'FieldValueRequired'],
    ['Unsupported value', 'FieldValueNotSupported'],
    ['Duplicate value', 'FieldValueDuplicate'],
    ['Not found', 'FieldValueNotFound'],
    ['Forbidden', 'FieldValueForbidden'],
    ['Too many', 'FieldValueTooMany'],
  ];
  return types.find(([t]) => message.startsWith(t))?.[1] ?? 'FieldValueInvalid';
}

/** An Update (create, replace, patch): admitted, then its manager takes the fields it changed. */
async function admit(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
  object: Record<string, unknown>,
  code: 200 | 201,
): Promise<void> {
  const dryRun = dryRunOf(req);
  if (isStatus(dryRun)) return send(res, dryRun);
  const gv = groupVersion(t.r.group, t.r.version);
  const old = stored(c, t);
  const before = c.fields.beforeUpdate(old, gv);
  // An update that changes a Service's type loses what only the old type used, as the registry does.
  const next = old
    ? dropTypeDependentFields(object, old as unknown as Record<string, unknown>)
    : object;
  const a = await c.writer.apply(next, { dryRun });
  if (!a.ok) return send(res, refusal(t, a));
  for (const w of a.warnings) res.append('Warning', `299 - ${JSON.stringify(w)}`);
  // A dry run's object was never stored: no manager takes its fields.
  if (dryRun) return void res.status(code).json(a.object);
  c.fields.recordUpdate(before, a.object, updateManager(req), gv);
  res.status(code).json(withManagedFields(c, a.object, gv));
}

/** A node's edit (the lab keeps what is not a client's): an Update for the field managers. */
function editNode(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
  next: Record<string, unknown>,
): void {
  const dryRun = dryRunOf(req);
  if (isStatus(dryRun)) return send(res, dryRun);
  const gv = groupVersion(t.r.group, t.r.version);
  const before = c.fields.beforeUpdate(stored(c, t), gv);
  const a = c.writer.editNode(t.name, next, { dryRun });
  if (!a) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  if (!a.ok) return send(res, refusal(t, a));
  if (dryRun) return void res.json(withManagedFields(c, a.object, gv));
  c.fields.recordUpdate(before, a.object, updateManager(req), gv);
  res.json(withManagedFields(c, a.object, gv));
}

/** The object as the API returns it, with metadata.managedFields. */
export function withManagedFields(c: Pick<WriteContext, 'fields'>, o: KubeObject, gv: string) {
  return {
    ...o,
    metadata: { ...o.metadata, managedFields: c.fields.entriesOf(o, gv) },
  };
}

/** An Update's manager: `?fieldManager=`, else the client's user agent up to its first `/`. */
function updateManager(req: Request): string {
  const named = req.query.fieldManager;
  if (typeof named === 'string' && named) return named;
  const agent = req.headers['user-agent'] ?? '';
  return agent.split('/')[0]!.slice(0, 128) || 'unknown';
}

/** The body's kind and namespace agree with the URL (the API server's checks before admission). */
function checkBody(t: Target, body: unknown): Record<string, unknown> | Status {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return failure(400, 'BadRequest', 'the body of the request was in an unknown format');
  const o = body as Record<string, unknown>;
  const gv = groupVersion(t.r.group, t.r.version);
  if (o.apiVersion !== undefined && o.apiVersion !== gv)
    return failure(
      400,
      'BadRequest',
      `the API version in the data (${String(o.apiVersion)}) does not match the expected API version (${gv})`,
    );
  if (o.kind !== undefined && o.kind !== t.r.kind)
    return failure(
      400,
      'BadRequest',
      `${t.r.kind} in version "${t.r.version}" cannot be handled as a ${String(o.kind)}`,
    );
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  if (t.r.namespaced && meta.namespace !== undefined && meta.namespace !== t.namespace)
    return failure(
      400,
      'BadRequest',
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  return {
    ...o,
    apiVersion: gv,
    kind: t.r.kind,
    metadata: { ...meta, ...(t.r.namespaced ? { namespace: t.namespace } : {}) },
  };
}

const isStatus = (x: unknown): x is Status => (x as Status | undefined)?.kind === 'Status';

export async function create(
  c: WriteContext,
  req: Request,
  res: Response,
  r: ApiResource,
  namespace: string | undefined,
): Promise<void> {
  const name = String(
    ((req.body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name as string) ?? '',
  );
  const t = { r, namespace, name };
  const body = checkBody(t, req.body);
  if (isStatus(body)) return send(res, body);
  if (!name) {
    return send(
      res,
      failure(
        422,
        'Invalid',
        `${r.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: r.kind,
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: name or generateName is required',
              field: 'metadata.name',
            },
          ],
        },
      ),
    );
  }
  if (stored(c, t)) {
    return send(
      res,
      failure(
        409,
        'AlreadyExists',
        `${r.group ? `${r.name}.${r.group}` : r.name} "${name}" already exists`,
        {
          name,
          ...(r.group ? { group: r.group } : {}),
          kind: r.name,
        },
      ),
    );
  }
  await admit(c, req, res, t, body, 201);
}

export async function replace(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
): Promise<void> {
  const body = checkBody(t, req.body);
  if (isStatus(body)) return send(res, body);
  const current = stored(c, t);
  if (!current) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  const rv = (body.metadata as { resourceVersion?: unknown }).resourceVersion;
  if (rv !== undefined && rv !== current.metadata.resourceVersion) return send(res, conflict(t));
  if (t.r.kind === 'Node') return editNode(c, req, res, t, body);
  await admit(c, req, res, t, userView(body), 200);
}

function conflict(t: Target): Status {
  const what = t.r.group ? `${t.r.name}.${t.r.group}` : t.r.name;
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${what} "${t.name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name: t.name, ...(t.r.group ? { group: t.r.group } : {}), kind: t.r.name },
  );
}

/** The Content-Types of PATCH, as kubectl and client libraries send them. */
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;

export async function patch(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
): Promise<void> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (!PATCH_TYPES.includes(type as (typeof PATCH_TYPES)[number])) {
    return send(
      res,
      failure(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      ),
    );
  }
  const current = stored(c, t);
  let next: Json;
  try {
    if (type === 'application/apply-patch+yaml') return await serverSideApply(c, req, res, t);
    if (type === 'application/json-patch+json' && current && touchesManagedFields(req.body)) {
      return managedFieldsPatch(c, req, res, t, current, req.body as Json[]);
    }
    if (!current) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
    const base = userView(current as unknown as Record<string, unknown>) as Json;
    const body = req.body as Json;
    next =
      type === 'application/json-patch+json'
        ? jsonPatch(base, body)
        : type === 'application/merge-patch+json'
          ? mergePatch(base, body)
          : strategicMerge(base, body);
  } catch (err) {
    if (err instanceof PatchError) {
      const reason: StatusReason = err.code === 422 ? 'Invalid' : 'BadRequest';
      return send(res, failure(err.code, reason, err.message));
    }
    throw err;
  }
  const checked = checkBody(t, next);
  if (isStatus(checked)) return send(res, checked);
  const meta = checked.metadata as { name?: unknown };
  if (meta.name !== t.name)
    return send(
      res,
      failure(400, 'BadRequest', 'the name of the object cannot be changed by a patch'),
    );
  if (t.r.kind === 'Node') return editNode(c, req, res, t, checked);
  await admit(c, req, res, t, checked, 200);
}

/**
 * Server-side apply: the applied configuration's fields become its manager's; fields it set
 * before and dropped now are removed; another manager's field set to a different value is a 409
 * Conflict unless `force=true`. It creates the object when there is none.
 */
async function serverSideApply(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
): Promise<void> {
  const manager = req.query.fieldManager;
  if (typeof manager !== 'string' || manager === '') {
    return send(
      res,
      failure(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      ),
    );
  }
  const dryRun = dryRunOf(req);
  if (isStatus(dryRun)) return send(res, dryRun);
  const doc = parseManifests(String(req.body ?? '')).documents[0]?.value;
  const body = checkBody(t, doc);
  if (isStatus(body)) return send(res, body);
  const gv = groupVersion(t.r.group, t.r.version);
  const current = stored(c, t);
  const applied = userFieldsOf(body);
  const plan: ApplyPlan = c.fields.planApply(current, applied, manager, gv);
  const forced = isTrue(req.query.force);
  if (plan.conflicts.length > 0 && !forced) {
    return send(
      res,
      failure(409, 'Conflict', conflictMessage(plan.conflicts), {
        causes: conflictCauses(plan.conflicts),
      }),
    );
  }
  const meta = body.metadata as Record<string, unknown>;
  const object = {
    apiVersion: body.apiVersion,
    kind: body.kind,
    ...plan.object,
    metadata: {
      ...(plan.object.metadata as object | undefined),
      name: meta.name,
      ...(meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
    },
  };
  const a = await c.writer.apply(object, { dryRun });
  if (!a.ok) return send(res, refusal(t, a));
  for (const w of a.warnings) res.append('Warning', `299 - ${JSON.stringify(w)}`);
  if (dryRun) return void res.status(current ? 200 : 201).json(a.object);
  c.fields.recordApply(a.object, plan, manager, gv, forced);
  res.status(current ? 200 : 201).json(withManagedFields(c, a.object, gv));
}

/** The user-managed fields of an applied configuration (labels, annotations, spec, ...). */
function userFieldsOf(body: Record<string, unknown>) {
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = body;
  const meta = (metadata ?? {}) as Record<string, Json>;
  const kept: Record<string, Json> = {};
  if (meta.labels !== undefined) kept.labels = meta.labels;
  if (meta.annotations !== undefined) kept.annotations = meta.annotations;
  return {
    ...(Object.keys(kept).length ? { metadata: kept } : {}),
    ...(rest as Record<string, Json>),
  };
}

const isTrue = (v: unknown) => v === 'true' || v === '1';

/** A JSON patch of metadata.managedFields (kubectl's move of client-side apply's fields). */
function touchesManagedFields(ops: unknown): boolean {
  return (
    Array.isArray(ops) &&
    ops.length > 0 &&
    ops.every(
      (op) =>
        typeof (op as { path?: unknown })?.path === 'string' &&
        /^\/metadata\/(managedFields|resourceVersion)(\/|$)/.test((op as { path: string }).path),
    )
  );
}

/**
 * Applies a JSON patch to the object's managedFields only: a `resourceVersion` replace or test is
 * a precondition (409 Conflict when the object has changed since), the rest rewrites the entries.
 */
function managedFieldsPatch(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
  current: KubeObject,
  ops: Json[],
): void {
  const gv = groupVersion(t.r.group, t.r.version);
  const entries = c.fields.entriesOf(current, gv) as unknown as Json;
  const doc: Json = {
    metadata: { managedFields: entries, resourceVersion: current.metadata.resourceVersion ?? '' },
  };
  let next: Json;
  try {
    next = jsonPatch(doc, ops);
  } catch (err) {
    if (err instanceof PatchError) {
      return send(res, failure(err.code, err.code === 422 ? 'Invalid' : 'BadRequest', err.message));
    }
    throw err;
  }
  const meta = (next as { metadata: { managedFields?: Json; resourceVersion?: Json } }).metadata;
  if (meta.resourceVersion !== current.metadata.resourceVersion) return send(res, conflict(t));
  if (req.query.dryRun !== undefined) return void res.json(current);
  c.fields.replaceEntries(current, meta.managedFields, gv);
  res.json(withManagedFields(c, current, gv));
}

export function remove(c: WriteContext, req: Request, res: Response, t: Target): void {
  const body = (req.body ?? {}) as { gracePeriodSeconds?: unknown; propagationPolicy?: unknown };
  const q = req.query.gracePeriodSeconds ?? body.gracePeriodSeconds;
  const policy = String(req.query.propagationPolicy ?? body.propagationPolicy ?? 'Background');
  if (!['Background', 'Foreground', 'Orphan'].includes(policy))
    return send(
      res,
      failure(
        400,
        'BadRequest',
        `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      ),
    );
  const grace = q === undefined ? undefined : Number(q);
  if (grace !== undefined && (!Number.isInteger(grace) || grace < 0))
    return send(res, failure(400, 'BadRequest', `invalid gracePeriodSeconds: ${String(q)}`));
  const dryRun = dryRunOf(req);
  if (isStatus(dryRun)) return send(res, dryRun);
  const forbidden = deletionForbidden(kindOf(t.r), t.name);
  if (forbidden && stored(c, t)) {
    return send(res, failure(403, 'Forbidden', forbidden, { name: t.name, kind: t.r.name }));
  }
  if (dryRun) {
    // Nothing is deleted: the object as it is, as the API server answers a dry-run delete.
    const current = stored(c, t);
    if (!current) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
    return void res.json(current);
  }
  // Foreground is served as Background: the object goes at once, its dependents right after.
  const gone = c.writer.delete(
    kindOf(t.r),
    t.r.namespaced ? t.namespace : undefined,
    t.name,
    grace,
    policy === 'Orphan' ? 'Orphan' : 'Background',
  );
  if (!gone) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  const still = stored(c, t);
  // A pod terminating: the object, with its deletionTimestamp. Another object of the name (the
  // `kubernetes` Service, recreated at once) is not the one deleted: kubectl waits on its uid.
  if (still?.metadata.uid === gone.metadata.uid) return void res.json(still);
  res.json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: t.name,
      ...(t.r.group ? { group: t.r.group } : {}),
      kind: t.r.name,
      uid: gone.metadata.uid,
    },
  });
}

/**
 * POST pods/<name>/eviction (a policy/v1 Eviction, what `kubectl drain` sends): the pod is deleted
 * as its deleteOptions say. The lab holds no PodDisruptionBudgets, so no eviction is refused for
 * one. 201 and a Success Status, as the API server answers.
 */
export function evict(c: WriteContext, req: Request, res: Response, t: Target): void {
  const body = (req.body ?? {}) as {
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
    deleteOptions?: { gracePeriodSeconds?: unknown; dryRun?: unknown };
  };
  if (body.kind !== undefined && body.kind !== 'Eviction')
    return send(
      res,
      failure(
        400,
        'BadRequest',
        `the body of an eviction must be an Eviction, not ${String(body.kind)}`,
      ),
    );
  if (body.metadata?.name !== t.name)
    return send(
      res,
      failure(400, 'BadRequest', 'name in URL does not match name in Eviction object'),
    );
  const ns = body.metadata?.namespace;
  if (ns !== undefined && ns !== '' && ns !== t.namespace)
    return send(
      res,
      failure(
        400,
        'BadRequest',
        'the namespace of the provided object does not match the namespace sent on the request',
      ),
    );
  const options = body.deleteOptions ?? {};
  const q = options.gracePeriodSeconds;
  let grace = q === undefined || q === null ? undefined : Number(q);
  if (grace !== undefined && !Number.isInteger(grace))
    return send(res, failure(400, 'BadRequest', `invalid gracePeriodSeconds: ${String(q)}`));
  // A negative grace period is a pod's shortest, as the API server makes it.
  if (grace !== undefined && grace < 0) grace = 1;
  // ?dryRun=All, or the Eviction's deleteOptions.dryRun (kubectl drain --dry-run=server).
  const queried = dryRunOf(req);
  if (isStatus(queried)) return send(res, queried);
  const asked = Array.isArray(options.dryRun) ? options.dryRun.map(String) : [];
  const bad = asked.find((v) => v !== 'All');
  if (bad !== undefined) {
    const message = `Unsupported value: ${JSON.stringify(bad)}: supported values: "All"`;
    return send(
      res,
      failure(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: dryRun: ${message}`, {
        group: 'meta.k8s.io',
        kind: 'DeleteOptions',
        causes: [{ reason: 'FieldValueNotSupported', message, field: 'dryRun' }],
      }),
    );
  }
  const dryRun = queried || asked.length > 0;
  const pod = stored(c, t);
  if (!pod) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  if (c.writer.evict) {
    const decision = c.writer.evict(t.namespace!, t.name, {
      ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
      dryRun,
    });
    if (!decision) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
    if (!decision.ok && decision.retryAfterSeconds)
      res.setHeader('Retry-After', String(decision.retryAfterSeconds));
    if (!decision.ok)
      return send(
        res,
        failure(decision.code, decision.reason, decision.message, {
          ...(decision.causes ? { causes: decision.causes } : {}),
          ...(decision.retryAfterSeconds ? { retryAfterSeconds: decision.retryAfterSeconds } : {}),
        }),
      );
  } else if (!dryRun && !pod.metadata.deletionTimestamp) {
    // A pod already going is evicted: it goes as it was told to.
    c.writer.delete('Pod', t.namespace, t.name, grace, 'Background');
  }
  res.status(201).json({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    code: 201,
  });
}

/**
 * pods/<name>/ephemeralcontainers (`kubectl debug -it POD --image=busybox`): GET is the pod; PATCH
 * (strategic merge, merge, JSON patch) and PUT change its `spec.ephemeralContainers` only.
 */
export function ephemeralContainers(c: WriteContext, req: Request, res: Response, t: Target): void {
  const current = stored(c, t);
  if (!current || current.kind !== 'Pod')
    return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  const gv = groupVersion(t.r.group, t.r.version);
  if (req.method === 'GET') return void res.json(withManagedFields(c, current, gv));
  if (!c.writer.setEphemeralContainers)
    return send(
      res,
      failure(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      ),
    );
  let next: Json;
  try {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const base = userView(current as unknown as Record<string, unknown>) as Json;
    const body = req.body as Json;
    next =
      req.method === 'PUT'
        ? body
        : type === 'application/json-patch+json'
          ? jsonPatch(base, body)
          : type === 'application/merge-patch+json'
            ? mergePatch(base, body)
            : strategicMerge(base, body);
  } catch (err) {
    if (err instanceof PatchError)
      return send(res, failure(err.code, err.code === 422 ? 'Invalid' : 'BadRequest', err.message));
    throw err;
  }
  const spec = (next as { spec?: { ephemeralContainers?: unknown } } | null)?.spec;
  const list = spec?.ephemeralContainers ?? [];
  if (!Array.isArray(list))
    return send(res, failure(400, 'BadRequest', 'spec.ephemeralContainers must be a list'));
  const dryRun = dryRunOf(req);
  if (isStatus(dryRun)) return send(res, dryRun);
  const a = c.writer.setEphemeralContainers(t.namespace ?? 'default', t.name, list, { dryRun });
  if (!a) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  if (!a.ok) return send(res, refusal(t, a));
  res.json(withManagedFields(c, a.object, gv));
}

/** autoscaling/v1 Scale of a Deployment, a ReplicaSet or a StatefulSet. */
function scaleOf(d: KubeObject) {
  if (d.kind !== 'Deployment' && d.kind !== 'ReplicaSet' && d.kind !== 'StatefulSet')
    return undefined;
  const labels = d.spec.selector.matchLabels ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: d.metadata.name,
      namespace: d.metadata.namespace,
      uid: d.metadata.uid,
      resourceVersion: d.metadata.resourceVersion,
      creationTimestamp: d.metadata.creationTimestamp,
    },
    spec: { replicas: d.spec.replicas ?? 1 },
    status: {
      replicas: d.status?.replicas ?? 0,
      selector: Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  };
}

export async function scale(
  c: WriteContext,
  req: Request,
  res: Response,
  t: Target,
): Promise<void> {
  const current = stored(c, t);
  const now = current && scaleOf(current);
  if (!current || !now) return send(res, notFound(t.r.name, t.name, t.r.kind, t.r.group));
  if (req.method === 'GET') return void res.json(now);
  let wanted: Json;
  try {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const body = req.body as Json;
    wanted =
      req.method === 'PUT'
        ? body
        : type === 'application/json-patch+json'
          ? jsonPatch(now as unknown as Json, body)
          : mergePatch(now as unknown as Json, body);
  } catch (err) {
    if (err instanceof PatchError) return send(res, failure(err.code, 'BadRequest', err.message));
    throw err;
  }
  const replicas = (wanted as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  if (typeof replicas !== 'number')
    return send(res, failure(400, 'BadRequest', 'spec.replicas of the Scale must be a number'));
  const dryRun = dryRunOf(req);
  if (isStatus(dryRun)) return send(res, dryRun);
  const next = userView(current as unknown as Record<string, unknown>);
  const gv = groupVersion(t.r.group, t.r.version);
  const before = c.fields.beforeUpdate(current, gv);
  const a = await c.writer.apply(
    { ...next, spec: { ...(next.spec as object), replicas } },
    { dryRun },
  );
  if (!a.ok) return send(res, refusal(t, a));
  if (dryRun) return void res.json(scaleOf(a.object));
  c.fields.recordUpdate(before, a.object, updateManager(req), gv, 'scale');
  res.json(scaleOf(a.object));
}
