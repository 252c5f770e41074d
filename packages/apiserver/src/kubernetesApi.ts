// The Kubernetes API on l4lab's own port, beside the dashboard's `/api/<call>`: `/version`, `/api`,
// `/api/v1/...`, `/apis/...`. The dashboard's calls never start with `/api/v1`, so neither shadows
// the other; every unknown Kubernetes path answers a `Status` 404, never the dashboard's page.
// This first step serves discovery, GET and LIST (Tables included); writes, watch, exec and
// OpenAPI answer a Status that says they are not served yet.
import express, { type Request, type Response, type Router } from 'express';
import type { ObjectStore } from '@l4lab/cluster';
import { printerOfType } from '@l4lab/cluster';
import { apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.ts';
import { getObject, listObjects, SelectorError } from './objects.ts';
import { groupVersion, resourceAt, type ApiResource } from './resources.ts';
import { failure, notFound, pathNotFound, type Status } from './status.ts';
import { toTable, wantsTable } from './table.ts';

export interface KubernetesApiOptions {
  store: ObjectStore;
  now: () => number;
  /** l4lab's version, in /version's build metadata. */
  version: string;
  /** Whether a request may use the API (the lab's token rule); 401 otherwise. */
  authorize: (req: Request) => boolean;
}

/** Paths the Kubernetes API owns on this port. */
export function isKubernetesPath(path: string): boolean {
  return (
    path === '/version' ||
    path === '/api' ||
    path === '/api/' ||
    path === '/api/v1' ||
    path.startsWith('/api/v1/') ||
    path === '/apis' ||
    path.startsWith('/apis/') ||
    path === '/openapi' ||
    path.startsWith('/openapi/')
  );
}

export function kubernetesApi(o: KubernetesApiOptions): Router {
  const r = express.Router();
  r.use(function kubernetes(req, res, next) {
    if (!isKubernetesPath(req.path)) return next();
    if (!o.authorize(req)) {
      return send(res, failure(401, 'Unauthorized', 'Unauthorized'));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, notServedYet(req.method));
    }
    serve(o, req, res);
  });
  return r;
}

function serve(o: KubernetesApiOptions, req: Request, res: Response): void {
  const path = req.path.replace(/\/+$/, '') || '/';
  if (path === '/version') return void res.json(versionInfo(o.version));
  if (path === '/api') return void res.json(apiVersions(req.headers.host ?? ''));
  if (path === '/apis') return void res.json(apiGroupList());
  if (path.startsWith('/openapi')) {
    return send(res, failure(404, 'NotFound', 'OpenAPI is not served by l4lab yet', {}));
  }
  const parts = path.split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  const [group, version, rest] =
    parts[0] === 'api'
      ? ['', parts[1] ?? '', parts.slice(2)]
      : [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
  if (rest.length === 0) {
    const list = version ? apiResourceList(group, version) : undefined;
    return list ? void res.json(list) : send(res, pathNotFound());
  }
  const at = locate(rest);
  const resource = at && resourceAt(group, version, at.plural);
  if (!at || !resource || at.subresource || (at.namespace !== undefined && !resource.namespaced)) {
    return send(res, pathNotFound());
  }
  if (isTruthy(req.query.watch)) return send(res, notServedYet('WATCH'));
  if (at.name !== undefined) {
    if (resource.namespaced && at.namespace === undefined) return send(res, pathNotFound());
    return getOne(o, req, res, resource, at.namespace, at.name);
  }
  return list(o, req, res, resource, at.namespace);
}

/** `pods`, `pods/x`, `namespaces/ns/pods`, `namespaces/ns/pods/x`, `.../x/status`. */
function locate(
  rest: string[],
): { plural: string; namespace?: string; name?: string; subresource?: string } | undefined {
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, plural, name, subresource, ...more] = rest;
    if (more.length) return undefined;
    return {
      plural: plural!,
      namespace,
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    };
  }
  const [plural, name, subresource, ...more] = rest;
  if (more.length) return undefined;
  return {
    plural: plural!,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

function getOne(
  o: KubernetesApiOptions,
  req: Request,
  res: Response,
  r: ApiResource,
  namespace: string | undefined,
  name: string,
): void {
  const found = getObject(o.store, r, namespace, name);
  if (!found) return send(res, notFound(r.name, name, r.kind, r.group));
  if (!wantsTable(req.headers.accept)) return void res.json(found.item);
  res.json(table(o, r, [found.printed], [found.item]));
}

function list(
  o: KubernetesApiOptions,
  req: Request,
  res: Response,
  r: ApiResource,
  namespace: string | undefined,
): void {
  let found: ReturnType<typeof listObjects>;
  try {
    found = listObjects(o.store, r, {
      ...(namespace !== undefined ? { namespace } : {}),
      ...(typeof req.query.labelSelector === 'string'
        ? { labelSelector: req.query.labelSelector }
        : {}),
      ...(typeof req.query.fieldSelector === 'string'
        ? { fieldSelector: req.query.fieldSelector }
        : {}),
    });
  } catch (err) {
    if (err instanceof SelectorError) return send(res, failure(400, 'BadRequest', err.message));
    throw err;
  }
  if (wantsTable(req.headers.accept)) {
    return void res.json(table(o, r, found.printed, found.items));
  }
  res.json({
    apiVersion: groupVersion(r.group, r.version),
    kind: `${r.kind}List`,
    metadata: { resourceVersion: o.store.resourceVersion },
    items: found.items,
  });
}

function table(
  o: KubernetesApiOptions,
  r: ApiResource,
  printed: Parameters<typeof toTable>[1],
  items: Parameters<typeof toTable>[2],
) {
  const context = {
    now: o.now(),
    slices: o.store.list('EndpointSlice'),
    resourceVersion: o.store.resourceVersion,
  };
  if (!r.type) {
    // Events: no printer of ours yet; the columns kubectl shows for them, no rows.
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: context.resourceVersion },
      columnDefinitions: ['Last Seen', 'Type', 'Reason', 'Object', 'Message'].map((name) => ({
        name,
        type: 'string',
        format: '',
        description: '',
        priority: 0,
      })),
      rows: [],
    };
  }
  return toTable(printerOfType(r.type).printer, printed, items, context);
}

function notServedYet(what: string): Status {
  return failure(
    405,
    'MethodNotAllowed',
    `l4lab serves reads of the Kubernetes API (get, list, describe) for now; ${what} is not served yet: use the dashboard or POST /api/apply`,
    {},
  );
}

function isTruthy(v: unknown): boolean {
  return v === '1' || v === 'true';
}

function send(res: Response, s: Status): void {
  res.status(s.code).json(s);
}
