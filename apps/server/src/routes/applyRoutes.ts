import express, { type Router } from 'express';
import type { Cluster } from '@l4lab/cluster';
import { applyYaml } from '../applyYaml.ts';

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
    const answer = applyYaml(cluster, typeof req.body === 'string' ? req.body : '');
    res.status(answer.status).json(answer.body);
  });
  return r;
}
