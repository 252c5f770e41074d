import type { ApplyErrorResponse, ApplyResponse, ManifestError } from '@l4lab/protocol';
import type { CheckResult } from '@l4lab/manifests';
import type { Cluster } from '@l4lab/cluster';
import { CheckRefused, type ManifestChecker } from './manifestChecker.ts';

export type ApplyAnswer =
  | { status: 200; body: ApplyResponse }
  | { status: 400 | 422 | 429 | 500; body: ApplyErrorResponse };

/**
 * `kubectl apply -f` of a multi-document text: checked like the API server does (400 for a YAML
 * syntax error, 422 for invalid objects, with their lines), then applied all or nothing.
 * Parsing and validation run in the checker's worker; only the apply itself (planning against the
 * store and writing) runs on the event loop. Shared by POST /api/apply and the WebSocket's live mode.
 */
export async function applyYaml(
  cluster: Cluster,
  checker: ManifestChecker,
  text: string,
): Promise<ApplyAnswer> {
  let checked: CheckResult;
  try {
    checked = await checker.check(text);
  } catch (err) {
    if (err instanceof CheckRefused) return { status: err.status, body: { errors: [err.error] } };
    throw err;
  }
  if (checked.errors.length > 0) {
    const syntax = checked.errors.some((e) => e.code === 'L4_E_YAML_SYNTAX');
    return { status: syntax ? 400 : 422, body: { errors: checked.errors } };
  }
  if (checked.objects.length === 0) {
    const empty: ManifestError = {
      message: 'error: no objects passed to apply',
      path: '',
      line: 1,
      column: 1,
      document: 0,
      severity: 'error',
      code: 'L4_E_EMPTY',
    };
    return { status: 422, body: { errors: [empty] } };
  }
  let outcome: ReturnType<Cluster['apply']>;
  try {
    outcome = cluster.apply(checked.objects.map((o) => o.object));
  } catch (err) {
    // An allocator out of addresses: the API server's 500 (live mode must not crash the server).
    const text = err instanceof Error ? err.message : String(err);
    const m = /^(L4_E_[A-Z_]+): (.*)$/s.exec(text);
    const internal: ManifestError = {
      message: `Internal error occurred: ${m ? m[2] : text}`,
      path: '',
      line: 1,
      column: 1,
      document: 0,
      severity: 'error',
      code: m ? m[1]! : 'L4_E_INTERNAL',
    };
    return { status: 500, body: { errors: [internal] } };
  }
  if (!outcome.ok) {
    const fields = outcome.errors.map((e) => ({
      document: checked.objects[e.index]!.document,
      path: e.path,
    }));
    const positions = await checker.locate(text, fields).catch(() => []);
    const errors: ManifestError[] = outcome.errors.map((e, i) => {
      const obj = checked.objects[e.index]!;
      const pos = positions[i] ?? obj;
      return {
        message: e.message,
        path: e.path,
        line: pos.line,
        column: pos.column,
        document: obj.document,
        severity: 'error',
        code: e.code,
      };
    });
    return { status: 422, body: { errors } };
  }
  return {
    status: 200,
    body: {
      results: outcome.results,
      ...(checked.warnings.length ? { warnings: checked.warnings } : {}),
    },
  };
}
