// The Kubernetes API on l4lab's own port, beside the dashboard's `/api/<call>`: `/version`, `/api`,
// `/api/v1/...`, `/apis/...`. The dashboard's calls never start with `/api/v1`, so neither shadows
// the other; every unknown Kubernetes path answers a `Status` 404, never the dashboard's page.
// Served: discovery, GET, LIST and WATCH (Tables included), create, replace, patch (JSON, merge,
// strategic, server-side apply with field managers), delete, a Deployment's or ReplicaSet's scale, a pod's exec
// and logs, the pods/proxy and services/proxy subresources (proxy.ts), Events, and the OpenAPI v3
// documents kubectl reads to leave validation to the server.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { EventRecorder, ObjectStore } from '@l4lab/cluster';
import type { KubeEvent, KubeObject } from '@l4lab/protocol';
import { printerOfType } from '@l4lab/cluster';
import { parseManifests } from '@l4lab/manifests';
import { apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.ts';
import { OPENAPI_V2_PROTOBUF, openApiDocument, openApiIndex, openApiV2 } from './openapi.ts';
import { decodeProtobuf, ProtobufError } from './protobuf.ts';
import { wireTimes } from './wireTimes.ts';
import { FieldManagers } from './fieldManagers.ts';
import {
  create,
  ephemeralContainers,
  evict,
  patch,
  remove,
  replace,
  scale,
  withManagedFields,
  type Writer,
} from './writes.ts';
import { serveLogs, type PodStreams } from './podStreams.ts';
import {
  proxyTarget,
  proxyVerb,
  serveProxy,
  splitSchemeNamePort,
  type AddressDialer,
  type ProxyTarget,
} from './proxy.ts';
import { getObject, listObjects, SelectorError, type ApiObject } from './objects.ts';
import { groupVersion, resourceAt, type ApiResource } from './resources.ts';
import { failure, notFound, pathNotFound, type Status } from './status.ts';
import { eventTable, includeObjectOf, leaseTable, toTable, wantsTable } from './table.ts';
import { serveWatch, WatchCache } from './watch.ts';

/** What a request asks, as the API server's authorizer sees it. */
export interface RequestAttributes {
  verb: string;
  resource: string;
  group: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface KubernetesApiOptions {
  store: ObjectStore;
  now: () => number;
  /** l4lab's version, in /version's build metadata. */
  version: string;
  /** Whether a request may use the API (the lab's token rule); 401 otherwise. */
  authorize: (req: Request) => boolean;
  /**
   * The authorizer: undefined when the request's user may do this, else the Forbidden message
   * (RBAC's wording). Absent: every authenticated request may do everything.
   */
  admit?: (req: Request, attributes: RequestAttributes) => string | undefined;
  /** Who a request's user is (`kubectl auth whoami`); absent: not served. */
  userInfo?: (req: Request) => { username: string; groups: string[] };
  /**
   * What the user may do in a namespace, as RBAC rules (`kubectl auth can-i --list`); the same
   * decisions as `admit`. Absent: not served.
   */
  rules?: (
    req: Request,
    namespace: string,
  ) => {
    resourceRules: { verbs: string[]; apiGroups: string[]; resources: string[] }[];
    nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  };
  /** The lab's admission path for writes. */
  writer: Writer;
  /** Pods' exec and logs (the lab's pod tools and the runtime's log files). */
  streams: PodStreams;
  /** The cluster's Events. */
  events: EventRecorder;
  /**
   * Dials a pod's IP and port for the proxy subresources (`pods/x/proxy`, `services/x/proxy`);
   * absent, they are not served.
   */
  dial?: AddressDialer;
  /** Cookies that carry a user's credentials: never sent on to a pod by the proxy. */
  credentialCookies?: string[];
}

const jsonBody = express.json({
  type: ['application/json', 'application/*+json'],
  limit: '1mb',
  strict: false,
});
const protobufBody = express.raw({ type: 'application/vnd.kubernetes.protobuf', limit: '1mb' });
const yamlBody = express.text({
  type: ['application/apply-patch+yaml', 'application/yaml'],
  limit: '1mb',
});

/** What a create or update body may be; the patch types are PATCH's own (writes.ts). */
const BODY_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const UNSUPPORTED_BODY = failure(
  415,
  'UnsupportedMediaType',
  `the body of the request was in an unknown format - accepted media types include: ${BODY_TYPES.join(', ')}`,
);

/**
 * A create or update whose body is in a format the API server does not decode (`application/cbor`
 * from a client-go that prefers it): 415, as kube-apiserver answers, on which client-go sends the
 * request again in JSON. No Content-Type is JSON's.
 */
function unsupportedBody(req: Request): boolean {
  if (req.method !== 'POST' && req.method !== 'PUT') return false;
  const type = mediaType(req);
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0;
  return type !== '' && hasBody && !BODY_TYPES.includes(type);
}

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads a write's body (JSON, protobuf, YAML; the patch types; server-side apply's YAML) before
 * serving it. A create or update in YAML is its first document (`curl --data-binary @pod.yaml`).
 */
function withBody(req: Request, res: Response, then: () => void): void {
  // Answered once the request is authorized (serve): a client that may not write hears that.
  if (unsupportedBody(req)) return then();
  const next: NextFunction = (err?: unknown) => {
    if (err) {
      const e = err as { status?: number; message?: string };
      const code = e.status === 413 ? 413 : 400;
      return send(
        res,
        failure(
          code,
          code === 413 ? 'RequestEntityTooLarge' : 'BadRequest',
          e.message ?? 'bad body',
        ),
      );
    }
    const write = req.method === 'POST' || req.method === 'PUT';
    if (write && mediaType(req) === 'application/yaml' && typeof req.body === 'string')
      req.body = parseManifests(req.body).documents[0]?.value;
    then();
  };
  const protobuf: NextFunction = (err?: unknown) => {
    if (err) return next(err);
    if (!Buffer.isBuffer(req.body)) return next();
    try {
      req.body = decodeProtobuf(req.body);
    } catch (e) {
      if (!(e instanceof ProtobufError)) throw e;
      return send(res, failure(415, 'UnsupportedMediaType', e.message));
    }
    next();
  };
  jsonBody(req, res, (err?: unknown) =>
    err
      ? next(err)
      : yamlBody(req, res, (e?: unknown) => (e ? next(e) : protobufBody(req, res, protobuf))),
  );
}

/** The API server's health checks: /healthz, /livez and /readyz, each with its checks' paths. */
const HEALTH = /^\/(healthz|livez|readyz)(\/.+?)?\/?$/;
/** The checks this API server runs: it answers, so it is alive (its store is in memory). */
const HEALTH_CHECKS = ['ping'];

/** Paths the Kubernetes API owns on this port. */
export function isKubernetesPath(path: string): boolean {
  return (
    HEALTH.test(path) ||
    path === '/version' ||
    path === '/api' ||
    path === '/api/' ||
    path === '/api/v1' ||
    path.startsWith('/api/v1/') ||
    path === '/apis' ||
    path.startsWith('/apis/') ||
    path === '/openapi' ||
    path.startsWith('/openapi/') ||
    // kube-apiserver's own metrics: not served, but never the dashboard's page either.
    path === '/metrics' ||
    path.startsWith('/metrics/')
  );
}

export function kubernetesApi(o: KubernetesApiOptions): Router {
  const r = express.Router();
  const cache = new WatchCache(o.store, o.events);
  const fields = new FieldManagers(o.now);
  o.store.watch((e) => {
    if (e.type === 'DELETED') fields.forget(e.object);
  });
  r.use(function kubernetes(req, res, next) {
    if (!isKubernetesPath(req.path)) return next();
    // As system:public-info-viewer lets anyone: health before authentication.
    if (HEALTH.test(req.path)) return health(req, res);
    if (!o.authorize(req)) {
      return send(res, failure(401, 'Unauthorized', 'Unauthorized'));
    }
    // A proxied request's body goes to the pod as it came: served before any body is read.
    const proxied = o.dial && proxyTarget(req.originalUrl);
    if (proxied) {
      return void proxy(o, proxied, req, res).catch((err: unknown) =>
        send(res, failure(500, 'InternalError', err instanceof Error ? err.message : String(err))),
      );
    }
    // Every object answered carries its times as the API server writes them (to the second);
    // discovery and OpenAPI documents hold none.
    if (!req.path.startsWith('/openapi')) {
      const json = res.json.bind(res);
      res.json = (body: unknown) => json(wireTimes(body));
    }
    withBody(req, res, () => {
      serve(o, cache, fields, req, res).catch((err: unknown) =>
        send(res, failure(500, 'InternalError', err instanceof Error ? err.message : String(err))),
      );
    });
  });
  return r;
}

/** `pods/x/proxy/...` and `services/x/proxy/...`: authorized as RBAC does, then sent on. */
async function proxy(
  o: KubernetesApiOptions,
  t: ProxyTarget,
  req: Request,
  res: Response,
): Promise<void> {
  const name = splitSchemeNamePort(t.id)?.name ?? t.id;
  const refused = o.admit?.(req, {
    verb: proxyVerb(req.method),
    resource: t.resource,
    group: '',
    subresource: 'proxy',
    namespace: t.namespace,
    name,
  });
  if (refused) {
    req.resume();
    return send(res, failure(403, 'Forbidden', refused, { name, kind: t.resource }));
  }
  await serveProxy(
    { store: o.store, dial: o.dial!, credentialCookies: o.credentialCookies ?? [] },
    t,
    req,
    res,
    send,
  );
}

/**
 * GET /healthz, /livez, /readyz: `ok` as text; `?verbose` lists each check (`[+]ping ok`); a
 * check's own path (`/readyz/ping`) answers for it alone; an unknown check is a 404.
 */
function health(req: Request, res: Response): void {
  const [, endpoint, sub] = HEALTH.exec(req.path)!;
  const text = (status: number, body: string) =>
    void res
      .status(status)
      .type('text/plain; charset=utf-8')
      .set('X-Content-Type-Options', 'nosniff')
      .send(body);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, methodNotAllowed());
  if (sub) {
    const check = sub.slice(1);
    return HEALTH_CHECKS.includes(check) ? text(200, 'ok') : text(404, '404 page not found\n');
  }
  if (req.query.verbose === undefined) return text(200, 'ok');
  const lines = HEALTH_CHECKS.map((c) => `[+]${c} ok`);
  text(200, `${lines.join('\n')}\n${endpoint} check passed\n`);
}

/** The verb a request asks of a resource (what discovery's `verbs` allow). */
function verbOf(method: string, named: boolean, watch: boolean): string {
  if (method === 'GET' || method === 'HEAD') return watch ? 'watch' : named ? 'get' : 'list';
  if (method === 'POST') return 'create';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return named ? 'delete' : 'deletecollection';
  return method.toLowerCase();
}

async function serve(
  o: KubernetesApiOptions,
  cache: WatchCache,
  fields: FieldManagers,
  req: Request,
  res: Response,
): Promise<void> {
  const path = req.path.replace(/\/+$/, '') || '/';
  const reading = req.method === 'GET' || req.method === 'HEAD';
  if (!reading && !/^\/apis?\//.test(path)) return send(res, methodNotAllowed());
  if (path === '/version') return void res.json(versionInfo(o.version));
  if (path === '/api') return void res.json(apiVersions(req.headers.host ?? ''));
  if (path === '/apis') return void res.json(apiGroupList());
  if (path === '/openapi/v3') return void res.json(openApiIndex());
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiDocument(path.slice('/openapi/v3/'.length));
    return doc ? void res.json(doc) : send(res, pathNotFound());
  }
  if (path === '/openapi/v2') {
    const protobuf = (req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF);
    const doc = openApiV2(versionInfo(o.version).gitVersion, protobuf);
    if (!Buffer.isBuffer(doc)) return void res.json(doc);
    // The API server's answer names it without the `@`, which Go's MIME parser refuses.
    res.setHeader('Content-Type', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    return void res.end(doc);
  }
  if (path.startsWith('/openapi')) return send(res, pathNotFound());
  const parts = path.split('/').filter(Boolean);
  // /api/v1/... or /apis/<group>/<version>/...
  const [group, version, rest] =
    parts[0] === 'api'
      ? ['', parts[1] ?? '', parts.slice(2)]
      : [parts[1] ?? '', parts[2] ?? '', parts.slice(3)];
  if (rest.length === 0) {
    const list = version && reading ? apiResourceList(group, version) : undefined;
    return list ? void res.json(list) : send(res, pathNotFound());
  }
  const at = locate(rest);
  const resource = at && resourceAt(group, version, at.plural);
  if (!at || !resource || (at.namespace !== undefined && !resource.namespaced)) {
    return send(res, pathNotFound());
  }
  const ns = at.namespace;
  // Every authenticated user may ask what they may do (system:basic-user's rule).
  if (resource.kind.startsWith('SelfSubject')) {
    if (req.method !== 'POST' || at.name !== undefined || at.subresource !== undefined)
      return send(res, methodNotAllowed());
    if (unsupportedBody(req)) return send(res, UNSUPPORTED_BODY);
    if (resource.kind === 'SelfSubjectAccessReview') return accessReview(o, req, res);
    if (resource.kind === 'SelfSubjectRulesReview') {
      if (!o.rules) return send(res, pathNotFound());
      const spec = (req.body as { spec?: { namespace?: string } } | undefined)?.spec ?? {};
      return void res.status(201).json({
        kind: 'SelfSubjectRulesReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec,
        status: { ...o.rules(req, spec.namespace ?? ''), incomplete: false },
      });
    }
    if (!o.userInfo) return send(res, pathNotFound());
    return void res.status(201).json({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      status: { userInfo: o.userInfo(req) },
    });
  }
  const c = { store: o.store, writer: o.writer, fields };
  const watch = isTruthy(req.query.watch);
  const verb = verbOf(req.method, at.name !== undefined, watch);
  // A create names its object in the body (read by now): the authorizer may decide by it.
  const bodyName = (req.body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  const named =
    at.name ?? (req.method === 'POST' && typeof bodyName === 'string' ? bodyName : undefined);
  const refused = o.admit?.(req, {
    verb: at.subresource === 'exec' ? 'create' : verb,
    resource: resource.name,
    group,
    ...(at.subresource !== undefined ? { subresource: at.subresource } : {}),
    ...(ns !== undefined ? { namespace: ns } : {}),
    ...(named !== undefined ? { name: named } : {}),
  });
  if (refused) {
    return send(
      res,
      failure(403, 'Forbidden', refused, {
        ...(at.name !== undefined ? { name: at.name } : {}),
        kind: resource.name,
        ...(group ? { group } : {}),
      }),
    );
  }
  if (unsupportedBody(req)) return send(res, UNSUPPORTED_BODY);
  if (at.subresource !== undefined) {
    const scalable =
      resource.kind === 'Deployment' ||
      resource.kind === 'ReplicaSet' ||
      resource.kind === 'StatefulSet';
    if (at.subresource === 'scale' && scalable && ns !== undefined)
      return scale(c, req, res, { r: resource, namespace: ns, name: at.name! });
    if (resource.kind === 'Pod' && ns !== undefined && at.subresource === 'ephemeralcontainers') {
      if (!['GET', 'PATCH', 'PUT'].includes(req.method)) return send(res, methodNotAllowed());
      return ephemeralContainers(c, req, res, { r: resource, namespace: ns, name: at.name! });
    }
    if (resource.kind === 'Pod' && ns !== undefined && at.subresource === 'eviction') {
      if (req.method !== 'POST') return send(res, methodNotAllowed());
      return evict(c, req, res, { r: resource, namespace: ns, name: at.name! });
    }
    if (
      resource.kind === 'Pod' &&
      ns !== undefined &&
      (at.subresource === 'log' || at.subresource === 'exec')
    ) {
      const pod = o.store.get('Pod', ns, at.name!);
      if (!pod) return send(res, notFound('pods', at.name!, 'Pod'));
      if (at.subresource === 'exec')
        return send(
          res,
          failure(
            400,
            'BadRequest',
            'Upgrade request required: exec speaks the WebSocket remote-command protocol (v5.channel.k8s.io)',
          ),
        );
      if (!reading) return send(res, methodNotAllowed());
      return serveLogs(o.streams, pod, req, res);
    }
    return send(res, pathNotFound());
  }
  if (!resource.verbs.includes(verb)) {
    return send(res, notServedYet(verb, resource));
  }
  if (watch) {
    if (resource.namespaced && ns === undefined && at.name !== undefined)
      return send(res, pathNotFound());
    const table =
      wantsTable(req.headers.accept) && (resource.type !== undefined || resource.kind === 'Lease');
    return serveWatch(
      {
        store: o.store,
        events: o.events,
        now: o.now,
        cache,
        ...(table
          ? {
              toRow: (obj: KubeObject, item: ApiObject) => tableOf(o, req, resource, [obj], [item]),
            }
          : {}),
      },
      req,
      res,
      resource,
      ns,
      at.name,
    );
  }
  if (at.name === undefined) {
    if (req.method === 'POST') {
      if (resource.namespaced && ns === undefined) return send(res, pathNotFound());
      return create(c, req, res, resource, ns);
    }
    return list(o, req, res, resource, ns);
  }
  if (resource.namespaced && ns === undefined) return send(res, pathNotFound());
  const t = { r: resource, namespace: ns, name: at.name };
  if (req.method === 'PUT') return replace(c, req, res, t);
  if (req.method === 'PATCH') return patch(c, req, res, t);
  if (req.method === 'DELETE') return remove(c, req, res, t);
  return getOne(o, fields, req, res, resource, ns, at.name);
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
  fields: FieldManagers,
  req: Request,
  res: Response,
  r: ApiResource,
  namespace: string | undefined,
  name: string,
): void {
  const found = getObject(o.store, r, namespace, name, { events: o.events, now: o.now });
  if (!found) return send(res, notFound(r.name, name, r.kind, r.group));
  if (wantsTable(req.headers.accept))
    return void res.json(tableOf(o, req, r, [found.printed], [found.item]));
  // Stored objects carry their field managers; Events, Leases, and Endpoints no user wrote, are
  // derived.
  const derived =
    r.kind === 'Event' ||
    r.kind === 'Lease' ||
    (r.kind === 'Endpoints' && !o.store.get('Endpoints', namespace, name));
  res.json(
    derived
      ? found.item
      : withManagedFields({ fields }, found.printed, groupVersion(r.group, r.version)),
  );
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
      events: o.events,
      now: o.now,
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
  const page = paginate(req, found.items.length);
  if (typeof page === 'string') return send(res, failure(410, 'Expired', page));
  const items = found.items.slice(page.from, page.to);
  const printed = found.printed.slice(page.from, page.to);
  const meta = {
    resourceVersion: o.store.resourceVersion,
    ...(page.next ? { continue: page.next } : {}),
    ...(page.next ? { remainingItemCount: found.items.length - page.to } : {}),
  };
  if (wantsTable(req.headers.accept)) {
    const table = tableOf(o, req, r, printed, items);
    return void res.json({ ...table, metadata: { ...table.metadata, ...meta } });
  }
  res.json({
    apiVersion: groupVersion(r.group, r.version),
    kind: `${r.kind}List`,
    metadata: meta,
    items,
  });
}

/**
 * `limit` and `continue`: a page of the list and the token of the next one (its offset). Each page
 * is read from the store as it is then (no snapshot kept between pages): a list that changes while
 * a client pages through it may shift by the objects added or removed.
 */
function paginate(
  req: Request,
  total: number,
): { from: number; to: number; next?: string } | string {
  const limit = Number(req.query.limit);
  const token = typeof req.query.continue === 'string' ? req.query.continue : '';
  const from = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(from) || from < 0)
    return 'the provided continue parameter is too old to display a consistent list result';
  if (!Number.isInteger(limit) || limit <= 0) return { from, to: total };
  const to = Math.min(total, from + limit);
  return to < total
    ? { from, to, next: Buffer.from(String(to)).toString('base64url') }
    : { from, to };
}

function tableOf(
  o: KubernetesApiOptions,
  req: Request,
  r: ApiResource,
  printed: Parameters<typeof toTable>[1],
  items: Parameters<typeof toTable>[2],
) {
  const context = {
    now: o.now(),
    resourceVersion: o.store.resourceVersion,
    include: includeObjectOf(req.query.includeObject),
  };
  if (r.kind === 'Lease') return leaseTable(items, context);
  if (!r.type) return eventTable(printed as unknown as KubeEvent[], items, context);
  return toTable(printerOfType(r.type).printer, printed, items, context);
}

function notServedYet(verb: string, r: ApiResource): Status {
  const what = r.group ? `${r.name}.${r.group}` : r.name;
  const reason = r.verbs.includes('get')
    ? verb === 'watch'
      ? 'watch is not served by l4lab yet'
      : `${what} are written by l4lab's controllers, not through the API`
    : 'not served';
  return failure(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${verb} ${what}: ${reason})`,
    {},
  );
}

function methodNotAllowed(): Status {
  return failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

function isTruthy(v: unknown): boolean {
  return v === '1' || v === 'true';
}

function send(res: Response, s: Status): void {
  res.status(s.code).json(s);
}

interface AccessReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
}

/**
 * `kubectl auth can-i VERB RESOURCE`: a SelfSubjectAccessReview answered by the lab's authorizer
 * for the asking user (allowed unless it would refuse the request), created and stored nowhere.
 */
function accessReview(o: KubernetesApiOptions, req: Request, res: Response): void {
  const spec = (req.body as { spec?: AccessReviewSpec } | undefined)?.spec ?? {};
  const ra = spec.resourceAttributes;
  const nra = spec.nonResourceAttributes;
  if (!ra === !nra) {
    const message = ra
      ? 'spec.nonResourceAttributes: Invalid value: "nonResourceAttributes": cannot be specified in combination with resourceAttributes'
      : 'spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified';
    return send(
      res,
      failure(
        422,
        'Invalid',
        `SelfSubjectAccessReview.authorization.k8s.io "" is invalid: ${message}`,
        { kind: 'SelfSubjectAccessReview', group: 'authorization.k8s.io' },
      ),
    );
  }
  let allowed: boolean;
  if (ra) {
    allowed =
      o.admit?.(req, {
        verb: ra.verb ?? '',
        resource: ra.resource ?? '',
        group: ra.group ?? '',
        ...(ra.subresource ? { subresource: ra.subresource } : {}),
        ...(ra.namespace ? { namespace: ra.namespace } : {}),
        ...(ra.name ? { name: ra.name } : {}),
      }) === undefined;
  } else {
    // A non-resource URL (`kubectl auth can-i get /healthz`): the user's non-resource rules, as
    // RBAC matches them (`/apis/*` covers what starts with `/apis/`).
    const verb = nra?.verb ?? '';
    const path = nra?.path ?? '';
    allowed =
      !o.rules ||
      o
        .rules(req, '')
        .nonResourceRules.some(
          (r) =>
            (r.verbs.includes('*') || r.verbs.includes(verb)) &&
            r.nonResourceURLs.some(
              (u) => u === path || (u.endsWith('*') && path.startsWith(u.slice(0, -1))),
            ),
        );
  }
  res.status(201).json({
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed },
  });
}
