// `dryRun=All`: a write checked in full and stored nowhere (kubectl --dry-run=server). The lab's
// writer and cluster do the work (Writer.apply's `dryRun`); this reads the option as the API
// server does.
import type { Request } from 'express';
import { failure, type Status } from './status.ts';

/**
 * `?dryRun=All` (or a DeleteOptions body's `dryRun: [All]`): true; absent or empty: false;
 * anything else: the API server's 422 on the request's options
 * (`CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ...`).
 */
export function dryRunOf(req: Request): boolean | Status {
  // A delete may say it in its body's DeleteOptions (kubectl delete --dry-run=server does).
  const body = req.method === 'DELETE' ? (req.body as { dryRun?: unknown } | undefined) : undefined;
  const raw = req.query.dryRun ?? body?.dryRun;
  if (raw === undefined || raw === null) return false;
  const values = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (values.length === 0) return false;
  const bad = values.find((v) => v !== 'All');
  if (bad === undefined) return true;
  const options =
    req.method === 'POST'
      ? 'CreateOptions'
      : req.method === 'DELETE'
        ? 'DeleteOptions'
        : req.method === 'PATCH'
          ? 'PatchOptions'
          : 'UpdateOptions';
  const message = `Unsupported value: ${JSON.stringify(bad)}: supported values: "All"`;
  return failure(422, 'Invalid', `${options}.meta.k8s.io "" is invalid: dryRun: ${message}`, {
    group: 'meta.k8s.io',
    kind: options,
    causes: [{ reason: 'FieldValueNotSupported', message, field: 'dryRun' }],
  });
}
