// What `kubectl apply -f` reports for a text, before anything is applied: syntax errors, objects
// without apiVersion/kind, kinds l4lab does not serve, validation errors (each placed on its line),
// and unknown-field warnings. Objects come back defaulted, in document order.
import type { ManifestError } from '@l4lab/protocol';
import { isRecord } from './decode.ts';
import { formatFieldError } from './fieldError.ts';
import { parseManifests } from './parse.ts';
import type { CheckedObject, CheckResult, ParsedDocument } from './types.ts';
import { inspectObject } from './validate.ts';

interface Sink {
  objects: CheckedObject[];
  errors: ManifestError[];
  warnings: ManifestError[];
}

export function checkManifests(text: string): CheckResult {
  const parsed = parseManifests(text);
  const sink: Sink = { objects: [], errors: [...parsed.errors], warnings: [...parsed.warnings] };
  for (const doc of parsed.documents) checkValue(doc.value, '', doc, sink);
  // Syntax errors first came from the parser; keep each document's problems together (stable sort).
  sink.errors.sort((a, b) => a.document - b.document);
  sink.warnings.sort((a, b) => a.document - b.document);
  return sink;
}

/** `items[0]` + `spec.ports` -> `items[0].spec.ports`. */
function joinPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function problem(
  doc: ParsedDocument,
  path: string,
  message: string,
  code: string,
  severity: ManifestError['severity'] = 'error',
): ManifestError {
  return { message, path, ...locate(doc, path), document: doc.index, severity, code };
}

/** Fields the API server fills from another one the user wrote: an error is shown at that one. */
const FILLED_FROM: readonly [string, string][] = [['spec.clusterIPs', 'spec.clusterIP']];

function locate(doc: ParsedDocument, path: string): { line: number; column: number } {
  for (const [filled, written] of FILLED_FROM) {
    const i = path.indexOf(filled);
    const after = path[i + filled.length];
    const under =
      i >= 0 && (i === 0 || path[i - 1] === '.') && [undefined, '[', '.'].includes(after);
    if (!under) continue;
    const prefix = path.slice(0, i);
    const parent = doc.positionOf(prefix + filled.slice(0, filled.lastIndexOf('.')));
    const found = doc.positionOf(prefix + filled);
    if (found.line === parent.line && found.column === parent.column) {
      return doc.positionOf(prefix + written);
    }
  }
  return doc.positionOf(path);
}

/**
 * The API server's 400 for a body it cannot decode (transformDecodeError in
 * k8s.io/apiserver/pkg/endpoints/handlers): `Pod in version "v1" cannot be handled as a Pod: ...`.
 */
export function cannotBeHandled(apiVersion: string, kind: string, message: string): string {
  const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
  return `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: ${message}`;
}

function checkValue(value: unknown, prefix: string, doc: ParsedDocument, sink: Sink): void {
  if (!isRecord(value)) {
    const what = Array.isArray(value) ? 'a list' : `a ${typeof value}`;
    sink.errors.push(
      problem(
        doc,
        prefix,
        `not a Kubernetes object: expected a mapping with apiVersion, kind and metadata, got ${what}`,
        // The whole document is the problem: its path is '' (the document itself).
        'L4_E_NOT_AN_OBJECT',
      ),
    );
    return;
  }
  const { apiVersion, kind } = value;
  let ok = true;
  for (const [field, v] of [
    ['apiVersion', apiVersion],
    ['kind', kind],
  ] as const) {
    if (typeof v === 'string' && v) continue;
    ok = false;
    const message =
      v === undefined || v === null || v === '' ? `${field} not set` : `${field} must be a string`;
    sink.errors.push(problem(doc, joinPath(prefix, field), message, 'L4_E_INVALID'));
  }
  if (!ok || typeof apiVersion !== 'string' || typeof kind !== 'string') return;

  if (kind.endsWith('List') && Array.isArray(value.items)) {
    value.items.forEach((item, i) => checkValue(item, joinPath(prefix, `items[${i}]`), doc, sink));
    return;
  }

  const inspection = inspectObject(value, apiVersion, kind);
  const kindProblem = inspection.kindProblem;
  if (kindProblem) {
    const path = joinPath(prefix, kindProblem.error.path);
    sink.errors.push(problem(doc, path, kindProblem.message, kindProblem.code));
    return;
  }
  if (inspection.decodeError) {
    const { path, message } = inspection.decodeError;
    sink.errors.push(
      problem(
        doc,
        joinPath(prefix, path),
        cannotBeHandled(apiVersion, kind, message),
        'L4_E_DECODE',
      ),
    );
    return;
  }
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  for (const e of inspection.errors) {
    const message = `The ${kind} ${JSON.stringify(name)} is invalid: ${formatFieldError(e)}`;
    sink.errors.push(problem(doc, joinPath(prefix, e.path), message, 'L4_E_INVALID'));
  }
  for (const path of inspection.unknownFields) {
    const message = `unknown field ${JSON.stringify(path)}`;
    // A top-level key that is the empty string still gets a path that says so.
    const fieldPath = joinPath(prefix, path) || '""';
    sink.warnings.push(problem(doc, fieldPath, message, 'L4_W_UNKNOWN_FIELD', 'warning'));
  }
  if (inspection.object) {
    sink.objects.push({
      object: inspection.object,
      document: doc.index,
      ...doc.positionOf(prefix),
    });
  }
}
