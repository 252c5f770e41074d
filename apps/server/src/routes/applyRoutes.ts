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
export function applyRoutes(cluster: Cluster, checker: ManifestChecker): Router {
  const r = express.Router();
  r.post(
    '/apply',
    express.text({ type: YAML_TYPES, limit: APPLY_LIMIT }),
    function apply(req, res, next) {
      const text = typeof req.body === 'string' ? req.body : '';
      applyYaml(cluster, checker, text).then(
        (answer) => res.status(answer.status).json(answer.body),
        next,
      );
    },
  );
  // A body over the limit: the same `errors[]` answer as any refused apply, naming the limit.
  r.use(
    '/apply',
    function tooLarge(err: unknown, _req: Request, res: Response, next: NextFunction) {
      if ((err as { status?: number }).status !== 413) return next(err);
      const body: ApplyErrorResponse = {
        errors: [
          {
            message: `request entity too large: a manifest may be at most ${APPLY_LIMIT} (split it into several applies)`,
            path: '',
            line: 1,
            column: 1,
            document: 0,
            severity: 'error',
            code: 'L4_E_TOO_LARGE',
          },
        ],
      };
      res.status(413).json(body);
    },
  );
  return r;
}

/** The largest manifest one apply takes. */
const APPLY_LIMIT = '1mb';
