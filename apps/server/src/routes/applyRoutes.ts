import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ApplyErrorResponse } from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import { applyYaml } from '../applyYaml.ts';
import type { ManifestChecker } from '../manifestChecker.ts';

const YAML_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/plain',
  'application/json',
];

/** POST /api/apply: multi-document YAML in, created / configured / unchanged out; all or nothing. */
export function applyRoutes(
  cluster: Cluster,
  checker: ManifestChecker,
  /** kube-proxy's sync: an apply's answer warns of frontends it could not open. */
  settle?: () => Promise<void>,
  /** A workshop student's apply is narrowed to their namespace. */
  scopeOf?: (res: Response) => { namespace: string; user: string } | undefined,
): Router {
  const r = express.Router();
  r.post(
    '/apply',
    express.text({ type: YAML_TYPES, limit: APPLY_LIMIT }),
    function apply(req, res, next) {
      const text = typeof req.body === 'string' ? req.body : '';
      applyYaml(cluster, checker, text, settle, scopeOf?.(res)).then(
        (answer) => res.status(answer.status).json(answer.body),
        next,
      );
    },
  );
  // A body refused before it is read (over the limit, a charset or encoding the server cannot
  // decode, cut short): the same `errors[]` answer as any refused apply, saying why.
  r.use(
    '/apply',
    function unreadable(err: unknown, _req: Request, res: Response, next: NextFunction) {
      const e = err as { status?: number; type?: string; message?: string };
      if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return next(err);
      const tooLarge = e.status === 413;
      const body: ApplyErrorResponse = {
        errors: [
          {
            message: tooLarge
              ? `request entity too large: a manifest may be at most ${APPLY_LIMIT} (split it into several applies)`
              : `the request body could not be read: ${e.message ?? e.type ?? 'unreadable'} (send UTF-8 YAML or JSON, not compressed)`,
            path: '',
            line: 1,
            column: 1,
            document: 0,
            severity: 'error',
            code: tooLarge ? 'L4_E_TOO_LARGE' : 'L4_E_UNREADABLE',
          },
        ],
      };
      res.status(e.status).json(body);
    },
  );
  return r;
}

/** The largest manifest one apply takes. */
const APPLY_LIMIT = '1mb';
