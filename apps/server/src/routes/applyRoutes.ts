import express, { type Router } from 'express';
import type { ApplyErrorResponse, ApplyResponse, ManifestError } from '@l4lab/protocol';
import { checkManifests, parseManifests } from '@l4lab/manifests';
import type { Cluster } from '@l4lab/cluster';

const YAML_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/plain',
  'application/json',
];

/** POST /api/apply: multi-document YAML in, created / configured / unchanged out; all or nothing. */
export function applyRoutes(cluster: Cluster): Router {
  const r = express.Router();
  r.post('/apply', express.text({ type: YAML_TYPES, limit: '1mb' }), function apply(req, res) {
    const text = typeof req.body === 'string' ? req.body : '';
    const checked = checkManifests(text);
    if (checked.errors.length > 0) {
      const syntax = checked.errors.some((e) => e.code === 'L4_E_YAML_SYNTAX');
      const body: ApplyErrorResponse = { errors: checked.errors };
      res.status(syntax ? 400 : 422).json(body);
      return;
    }
    if (checked.objects.length === 0) {
      const body: ApplyErrorResponse = {
        errors: [
          {
            message: 'error: no objects passed to apply',
            path: '',
            line: 1,
            column: 1,
            document: 0,
            severity: 'error',
            code: 'L4_E_EMPTY',
          },
        ],
      };
      res.status(422).json(body);
      return;
    }
    const outcome = cluster.apply(checked.objects.map((o) => o.object));
    if (!outcome.ok) {
      const docs = parseManifests(text).documents;
      const errors: ManifestError[] = outcome.errors.map((e) => {
        const obj = checked.objects[e.index]!;
        const pos = docs.find((d) => d.index === obj.document)?.positionOf(e.path) ?? obj;
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
      res.status(422).json({ errors } satisfies ApplyErrorResponse);
      return;
    }
    const body: ApplyResponse = {
      results: outcome.results,
      ...(checked.warnings.length ? { warnings: checked.warnings } : {}),
    };
    res.json(body);
  });
  return r;
}
