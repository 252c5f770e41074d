import express, { type Router } from 'express';
import { CLUSTER_SCOPED, RESOURCES, type ResourceName } from '@l4lab/protocol';
import { type Cluster, deletionForbidden } from '@l4lab/cluster';
import { sendError } from '../httpError.ts';

function kindOf(resource: string) {
  return Object.hasOwn(RESOURCES, resource) ? RESOURCES[resource as ResourceName] : undefined;
}

const unknownKind = (resource: string) =>
  `the server doesn't have a resource type "${resource}" (known: ${Object.keys(RESOURCES).join(', ')})`;

/** GET / DELETE /api/objects/... */
export function objectRoutes(cluster: Cluster): Router {
  const r = express.Router();

  r.get('/objects/:kind', function listObjects(req, res) {
    const kind = kindOf(req.params.kind);
    if (!kind) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', unknownKind(req.params.kind));
    const ns = typeof req.query.namespace === 'string' ? req.query.namespace : undefined;
    res.json({ apiVersion: 'v1', kind: `${kind}List`, items: cluster.list(kind, ns) });
  });

  const getOne = (resource: string, ns: string | undefined, name: string) => {
    const kind = kindOf(resource);
    if (!kind) return { error: unknownKind(resource) };
    const scoped = CLUSTER_SCOPED.has(kind);
    return {
      kind,
      ns: scoped ? undefined : ns,
      object: cluster.store.get(kind, scoped ? undefined : ns, name),
    };
  };

  r.get('/objects/:kind/:namespace/:name', function getObject(req, res) {
    const g = getOne(req.params.kind, req.params.namespace, req.params.name);
    if ('error' in g) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', g.error!);
    if (!g.object)
      return sendError(
        res,
        404,
        'L4_E_NOT_FOUND',
        `${req.params.kind} "${req.params.name}" not found`,
      );
    res.json(g.object);
  });

  const remove = (
    resource: string,
    ns: string | undefined,
    name: string,
    res: express.Response,
  ) => {
    const g = getOne(resource, ns, name);
    if ('error' in g) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', g.error!);
    if (!g.object) return sendError(res, 404, 'L4_E_NOT_FOUND', `${resource} "${name}" not found`);
    const forbidden = deletionForbidden(g.kind, name);
    if (forbidden) return sendError(res, 403, 'L4_E_FORBIDDEN', forbidden);
    cluster.delete(g.kind, g.ns, name);
    res.json({ deleted: { kind: g.kind, ...(g.ns ? { namespace: g.ns } : {}), name } });
  };
  r.delete('/objects/:kind/:namespace/:name', (req, res) =>
    remove(req.params.kind, req.params.namespace, req.params.name, res),
  );
  r.delete('/objects/:kind/:name', (req, res) =>
    remove(req.params.kind, undefined, req.params.name, res),
  );

  return r;
}
