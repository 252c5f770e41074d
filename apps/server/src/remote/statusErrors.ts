// A remote API server's refusal (a Status) as the editor's errors: the API server's own message,
// unchanged, on the line of the field it names (Status.details.causes[].field).
import type { ManifestError } from '@l4lab/protocol';
import type { ParsedDocument } from '@l4lab/manifests';
import type { KubeStatus } from './kubeClient.ts';

/**
 * `spec.containers[0].image` from the API server's field path as the text has it: a leading dot
 * dropped (structured-merge-diff's `.spec.replicas`), and list items named by key
 * (`[name="nginx"]`, `[containerPort=80,protocol="TCP"]`) turned into their index in `value`.
 * Stops at the deepest part it can follow.
 */
export function indexedPath(path: string, value: unknown): string {
  let out = '';
  let cur: unknown = value;
  const parts = /([^.[\]]+)|\[([^\]]*)\]/g;
  const text = path.replace(/^\./, '');
  for (let m = parts.exec(text); m; m = parts.exec(text)) {
    if (m[1] !== undefined) {
      out += out ? `.${m[1]}` : m[1];
      cur = isRecord(cur) ? cur[m[1]] : undefined;
      continue;
    }
    const inner = m[2]!;
    let index = /^\d+$/.test(inner) ? Number(inner) : -1;
    if (index < 0 && Array.isArray(cur)) {
      const keys = inner.split(',').map((kv) => {
        const [k = '', v = ''] = kv.split(/=(.*)/s);
        return [k, v.startsWith('"') ? (JSON.parse(v) as unknown) : v] as const;
      });
      index = cur.findIndex(
        (item) => isRecord(item) && keys.every(([k, v]) => String(item[k]) === String(v)),
      );
    }
    if (index < 0) return out;
    out += `[${index}]`;
    cur = Array.isArray(cur) ? cur[index] : undefined;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `L4_E_REMOTE_INVALID`, `L4_E_REMOTE_CONFLICT`, ... from the Status' reason. */
export function remoteCode(reason: string | undefined): string {
  return reason
    ? `L4_E_REMOTE_${reason.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`
    : 'L4_E_REMOTE';
}

/**
 * The editor's errors for one document the API server refused: Status.message on the line of its
 * first cause's field (or the document's first line), then each further cause on its own line as
 * `<field>: <cause message>`, the API server's words.
 */
export function statusErrors(
  status: KubeStatus | undefined,
  fallbackMessage: string,
  doc: ParsedDocument,
): ManifestError[] {
  const code = remoteCode(status?.reason);
  const at = (field: string | undefined) => {
    const path = field ? indexedPath(field, doc.value) : '';
    const pos = path ? doc.positionOf(path) : { line: doc.line, column: doc.column };
    return { path, line: pos.line, column: pos.column, document: doc.index };
  };
  const causes = (status?.details?.causes ?? []).filter((c) => c.field);
  const message = status?.message || fallbackMessage;
  const first: ManifestError = {
    message,
    ...at(causes[0]?.field ?? fieldInMessage(message)),
    severity: 'error',
    code,
  };
  return [
    first,
    ...causes.slice(1).map((c): ManifestError => ({
      message: `${c.field}: ${c.message ?? c.reason ?? ''}`,
      ...at(c.field),
      severity: 'error',
      code,
    })),
  ];
}

/**
 * The field a refusal without causes names in its message: strict field validation's
 * `.spec.replicass: field not declared in schema` and `strict decoding error: unknown field
 * "spec.replicass"`.
 */
function fieldInMessage(message: string): string | undefined {
  return (
    /unknown field "([^"]+)"/.exec(message)?.[1] ??
    /(\.[^\s:,]+): field not declared in schema/.exec(message)?.[1]
  );
}
