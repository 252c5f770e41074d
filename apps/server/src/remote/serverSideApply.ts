// The editor's apply against a remote cluster: each document is a server-side apply (PATCH with
// `application/apply-patch+yaml`, fieldManager `l4lab`, force=false, fieldValidation=Strict), as
// `kubectl apply --server-side` sends it. The API server validates and decides; its refusals come
// back with its own messages on the lines of the fields they name. A real API server applies each
// object on its own: the documents before a refused one stay applied, and the answer says which.
import type {
  ApplyErrorResponse,
  ApplyResponse,
  ApplyResult,
  ManifestError,
} from '@l4lab/protocol';
import { parseManifests, type ParsedDocument } from '@l4lab/manifests';
import { type KubeApi, type KubeAnswer, failureMessage, statusOf } from './kubeClient.ts';
import { type ResourceMapper, type RestMapping, objectPath } from './resourceMapper.ts';
import { statusErrors } from './statusErrors.ts';

export const FIELD_MANAGER = 'l4lab';

export type RemoteApplyAnswer =
  { status: 200; body: ApplyResponse } | { status: number; body: ApplyErrorResponse };

export interface RemoteApplyDeps {
  api: KubeApi;
  mapper: ResourceMapper;
  /** The kubeconfig context's namespace: where objects without one go, as with kubectl. */
  namespace: string;
}

interface Planned {
  doc: ParsedDocument;
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
  mapping: RestMapping;
}

export async function serverSideApply(
  d: RemoteApplyDeps,
  text: string,
): Promise<RemoteApplyAnswer> {
  const parsed = parseManifests(text);
  if (parsed.errors.length > 0) return { status: 400, body: { errors: parsed.errors } };
  const docs = parsed.documents.filter((doc) => doc.value !== undefined && doc.value !== null);
  if (docs.length === 0)
    return {
      status: 422,
      body: { errors: [errorAt(undefined, 'error: no objects passed to apply', 'L4_E_EMPTY')] },
    };
  // kubectl checks every object and finds its resource before it sends any.
  const planned: Planned[] = [];
  const refused: ManifestError[] = [];
  for (const doc of docs) {
    const p = await plan(d, doc);
    if ('error' in p) refused.push(p.error);
    else planned.push(p);
  }
  if (refused.length > 0) return { status: 400, body: { errors: refused } };

  const results: ApplyResult[] = [];
  const warnings: ManifestError[] = [...parsed.warnings];
  for (const p of planned) {
    const { name } = p.object.metadata;
    const namespace = p.mapping.namespaced
      ? (p.object.metadata.namespace ?? d.namespace)
      : undefined;
    const path = objectPath(p.mapping, namespace, name);
    let before: KubeAnswer;
    let answer: KubeAnswer;
    try {
      before = await d.api.request('GET', path);
      answer = await d.api.request(
        'PATCH',
        `${path}?fieldManager=${FIELD_MANAGER}&force=false&fieldValidation=Strict`,
        { body: JSON.stringify(p.object), contentType: 'application/apply-patch+yaml' },
      );
    } catch (err) {
      const message = `Unable to connect to the server: ${err instanceof Error ? err.message : String(err)}`;
      return failed(503, [errorAt(p.doc, message, 'L4_E_REMOTE_UNREACHABLE')], results);
    }
    for (const w of answer.warnings) warnings.push(warningAt(p.doc, `Warning: ${w}`));
    if (answer.status !== 200 && answer.status !== 201)
      return failed(
        answer.status,
        statusErrors(statusOf(answer.body), failureMessage(answer), p.doc),
        results,
      );
    const rvBefore = before.status === 200 ? resourceVersionOf(before.body) : undefined;
    results.push({
      kind: p.object.kind,
      ...(namespace ? { namespace } : {}),
      name,
      action:
        answer.status === 201
          ? 'created'
          : rvBefore !== undefined && rvBefore === resourceVersionOf(answer.body)
            ? 'unchanged'
            : 'configured',
    });
  }
  return { status: 200, body: { results, ...(warnings.length ? { warnings } : {}) } };
}

/** A document's object and the resource that serves it, or why it cannot be applied. */
async function plan(
  d: RemoteApplyDeps,
  doc: ParsedDocument,
): Promise<Planned | { error: ManifestError }> {
  const v = doc.value as Record<string, unknown>;
  if (typeof v !== 'object' || Array.isArray(v))
    return {
      error: errorAt(doc, 'error: unable to decode: the document is not an object', 'L4_E_DECODE'),
    };
  const missing = [
    ...(typeof v.apiVersion === 'string' && v.apiVersion ? [] : ['apiVersion not set']),
    ...(typeof v.kind === 'string' && v.kind ? [] : ['kind not set']),
  ];
  if (missing.length > 0)
    return { error: errorAt(doc, `error validating data: [${missing.join(', ')}]`, 'L4_E_DECODE') };
  const meta = v.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (typeof meta?.name !== 'string' || meta.name === '')
    return {
      error: errorAt(doc, 'error: resource name may not be empty', 'L4_E_DECODE', 'metadata.name'),
    };
  let mapping: Awaited<ReturnType<ResourceMapper['mappingFor']>>;
  try {
    mapping = await d.mapper.mappingFor(v.apiVersion as string, v.kind as string);
  } catch (err) {
    const message = `Unable to connect to the server: ${err instanceof Error ? err.message : String(err)}`;
    return { error: errorAt(doc, message, 'L4_E_REMOTE_UNREACHABLE') };
  }
  if ('error' in mapping)
    return { error: errorAt(doc, mapping.error, 'L4_E_NO_KIND_MATCH', 'kind') };
  return { doc, object: v as Planned['object'], mapping };
}

function failed(
  status: number,
  errors: ManifestError[],
  applied: ApplyResult[],
): RemoteApplyAnswer {
  if (applied.length > 0) {
    const names = applied.map((r) => `${r.kind.toLowerCase()}/${r.name} ${r.action}`).join(', ');
    errors.push({
      ...errors[0]!,
      message: `applied before this error (a cluster applies each object on its own, as kubectl apply does): ${names}`,
      severity: 'warning',
      code: 'L4_W_PARTLY_APPLIED',
    });
  }
  return { status: status >= 400 && status < 600 ? status : 500, body: { errors } };
}

function resourceVersionOf(body: unknown): string | undefined {
  return (body as { metadata?: { resourceVersion?: string } } | undefined)?.metadata
    ?.resourceVersion;
}

function errorAt(
  doc: ParsedDocument | undefined,
  message: string,
  code: string,
  path = '',
): ManifestError {
  const pos = doc
    ? path
      ? doc.positionOf(path)
      : { line: doc.line, column: doc.column }
    : { line: 1, column: 1 };
  return { message, path, ...pos, document: doc?.index ?? 0, severity: 'error', code };
}

function warningAt(doc: ParsedDocument, message: string): ManifestError {
  return { ...errorAt(doc, message, 'L4_W_API_WARNING'), severity: 'warning' };
}
