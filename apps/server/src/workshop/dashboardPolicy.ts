// The dashboard API's (`/api/<call>`) side of the roles: the same rule as the Kubernetes API's
// authorizer (./authorization.ts), applied per call. A student's calls are narrowed to their
// namespace (lists filtered, a namespace in the path checked, applies defaulted into it); a
// viewer only reads; anything a student's call cannot be tied to their namespace is refused, in
// RBAC's words, with 403 `L4_E_FORBIDDEN`.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type {
  ConnectionEvent,
  EndpointCounters,
  TrafficStatus,
  WorkshopUser,
} from '@l4lab/protocol';
import { resourceTypeOf, CLUSTER_SCOPED } from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import { sendError } from '../httpError.ts';
import { forbiddenMessage, forbiddenReason, ownedNamespaces } from './authorization.ts';
import { GENERATORS_PER_STUDENT } from './identities.ts';

/** The user a request was authenticated as (set by the server's authentication middleware). */
export function userOf(res: Response): WorkshopUser {
  return (res.locals as { user?: WorkshopUser }).user ?? { name: 'instructor', role: 'instructor' };
}

/** The namespace a student's calls start in (their own); undefined for everyone else. */
export function studentNamespace(res: Response): string | undefined {
  const u = userOf(res);
  return u.role === 'student' ? u.namespace : undefined;
}

/** Every namespace a student's calls may reach (theirs, their lessons'); undefined for others. */
export function studentNamespaces(res: Response): string[] | undefined {
  const u = userOf(res);
  return u.role === 'student' ? ownedNamespaces(u) : undefined;
}

export interface PolicyDeps {
  cluster: Cluster;
  /** Generator id -> the student namespace that started it. */
  generatorOwners: Map<string, string>;
  /** Running generators (for the traffic-rate quota). */
  generators: () => readonly TrafficStatus[];
  trafficRateQuota: number;
}

/** Calls anyone who may reach the lab may make, whatever their role. */
const OPEN_READS = [
  /^\/healthz$/,
  /^\/info$/,
  /^\/whoami$/,
  /^\/scenarios?(\/.*)?$/,
  /^\/tutorial$/,
  /^\/lessons$/,
  /^\/editor-tabs$/,
];

export function dashboardPolicy(d: PolicyDeps): RequestHandler {
  return function policy(req: Request, res: Response, next: NextFunction) {
    const user = userOf(res);
    if (user.role === 'instructor') return next();
    const path = req.path;
    if (req.method === 'POST' && path === '/workshop/join') return next(); // anyone with the code
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (user.role === 'viewer') {
      if (reading) return next();
      return forbid(
        res,
        `viewers only watch: User "${user.name}" cannot ${req.method} /api${path}`,
      );
    }
    const own = user.namespace!;
    const owned = ownedNamespaces(user);
    const owns = (ns: string | undefined) => ns !== undefined && owned.includes(ns);
    if (reading && OPEN_READS.some((re) => re.test(path))) return next();
    // Writes of the editor's own tabs, the student's apply (defaulted into their namespace by
    // the apply route) and their kubeconfig.
    if (
      path === '/editor-tabs' ||
      path === '/apply' ||
      path === '/workshop/kubeconfig' ||
      path === '/workshop/rejoin-code' ||
      path === '/workspace/export' ||
      path === '/workspace/import' // narrowed by the route (their namespace, their tabs)
    )
      return next();
    if (path === '/kubectl' && reading) return next(); // narrowed by the route's scope
    let m: RegExpExecArray | null;
    if ((m = /^\/lessons\/[^/]+\/checks$/.exec(path)) && reading) {
      const asked = req.query.namespace;
      if (asked !== undefined && !owns(String(asked)))
        return forbidRequest(res, user, 'get', 'lessons', '', String(asked));
      if (asked === undefined) setQuery(req, 'namespace', own);
      return next();
    }
    if ((m = /^\/objects\/([^/]+)$/.exec(path)) && reading)
      return listObjects(req, res, next, user, m[1]!);
    if ((m = /^\/objects\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path))) {
      const [, kind, ns] = m;
      const verb = reading ? 'get' : req.method === 'DELETE' ? 'delete' : 'update';
      if (!owns(ns)) return forbidRequest(res, user, verb, pluralOf(kind!), '', ns, m[3]);
      return next();
    }
    if ((m = /^\/objects\/([^/]+)\/([^/]+)$/.exec(path)))
      return forbidRequest(
        res,
        user,
        reading ? 'get' : 'delete',
        pluralOf(m[1]!),
        '',
        undefined,
        m[2],
      );
    if ((m = /^\/(pods|services)\/([^/]+)\/([^/]+)\/([a-z-]+)$/.exec(path))) {
      const [, resource, ns, name, sub] = m;
      if (!owns(ns))
        return forbidRequest(res, user, reading ? 'get' : 'create', resource!, '', ns, name, sub);
      return next();
    }
    if (path === '/traffic' && req.method === 'POST') return next(); // checked by trafficAdmission
    if (path === '/traffic' && reading) {
      filterJson(res, (body: { items?: TrafficStatus[] }) => ({
        ...body,
        items: (body.items ?? []).filter((g) => d.generatorOwners.get(g.id) === own),
      }));
      return next();
    }
    if ((m = /^\/traffic\/([^/]+)$/.exec(path)) && req.method === 'DELETE') {
      if (d.generatorOwners.get(m[1]!) !== own)
        return forbid(
          res,
          `traffic generator "${m[1]}" is not yours: User "${user.name}" cannot stop it`,
        );
      return next();
    }
    if (path === '/connections' && reading) {
      filterJson(res, (body: { items?: ConnectionEvent[] }) => ({
        ...body,
        items: (body.items ?? []).filter((e) => owned.some((ns) => eventInNamespace(e, ns))),
      }));
      return next();
    }
    if (path === '/frontends' && reading) {
      type Frontends = { items?: { service: string }[]; notes?: { service?: string }[] };
      filterJson(res, (body: Frontends) => ({
        ...body,
        items: (body.items ?? []).filter((f) => owns(f.service.split('/')[0])),
        notes: (body.notes ?? []).filter((n) => owns(n.service?.split('/')[0])),
      }));
      return next();
    }
    if (path === '/stats' && reading) {
      filterJson(res, (body: { items?: EndpointCounters[] }) => ({
        ...body,
        items: (body.items ?? []).filter((c) => owns(c.service.split('/')[0])),
      }));
      return next();
    }
    // Which kube-proxy runs is open to all; which Services it serves otherwise, only theirs.
    if (path === '/dataplane' && reading) {
      filterJson(res, (body: { unsupported?: { service: string }[] }) => ({
        ...body,
        unsupported: (body.unsupported ?? []).filter((u) => owns(u.service.split('/')[0])),
      }));
      return next();
    }
    if ((m = /^\/dataplane\/rules\/([^/]+)\/([^/]+)$/.exec(path)) && reading) {
      if (!owns(m[1])) return forbidRequest(res, user, 'get', 'services', '', m[1], m[2]);
      return next();
    }
    if ((m = /^\/dataplane\/policy-rules\/([^/]+)\/([^/]+)$/.exec(path)) && reading) {
      if (!owns(m[1])) return forbidRequest(res, user, 'get', 'pods', '', m[1], m[2]);
      return next();
    }
    if (path.startsWith('/nodes/'))
      return forbidRequest(res, user, 'update', 'nodes', '', undefined, path.split('/')[2]);
    return forbid(
      res,
      `User "${user.name}" cannot ${req.method} /api${path}: students work in their namespace "${own}"`,
    );
  };

  function listObjects(
    req: Request,
    res: Response,
    next: NextFunction,
    user: WorkshopUser,
    kind: string,
  ) {
    const owned = ownedNamespaces(user);
    const type = resourceTypeOf(kind);
    if (type && CLUSTER_SCOPED.has(type.kind)) {
      if (type.kind === 'Node') return next();
      // Namespaces: their own ones only, as `kubectl get ns <name>` shows each.
      filterJson(res, (body: { items?: { metadata: { name: string } }[] }) => ({
        ...body,
        items: (body.items ?? []).filter((n) => owned.includes(n.metadata.name)),
      }));
      return next();
    }
    const asked = req.query.namespace;
    if (asked !== undefined && !owned.includes(String(asked)))
      return forbidRequest(res, user, 'list', pluralOf(kind), '', String(asked));
    if (asked === undefined)
      filterJson(res, (body: { items?: { metadata: { namespace?: string } }[] }) => ({
        ...body,
        items: (body.items ?? []).filter((o) => owned.includes(o.metadata.namespace ?? '')),
      }));
    return next();
  }
}

/**
 * POST /api/traffic for a student: from outside or one of their pods, to one of their Services,
 * within their traffic-rate quota. Call after the body is parsed (the route's own JSON parser).
 */
export function trafficAdmission(
  d: PolicyDeps,
  user: WorkshopUser,
  request: { target: string; from: string; rate: number },
): { status: number; code: string; message: string } | undefined {
  if (user.role === 'instructor') return undefined;
  if (user.role === 'viewer')
    return {
      status: 403,
      code: 'L4_E_FORBIDDEN',
      message: `viewers only watch: User "${user.name}" cannot start traffic`,
    };
  const own = user.namespace!;
  const owned = ownedNamespaces(user);
  const fromNs = request.from.startsWith('pod:') ? request.from.slice(4).split('/')[0]! : undefined;
  if (fromNs !== undefined && !owned.includes(fromNs))
    return {
      status: 403,
      code: 'L4_E_FORBIDDEN',
      message: forbiddenMessage(user, {
        verb: 'create',
        resource: 'pods',
        subresource: 'exec',
        group: '',
        namespace: request.from.slice(4).split('/')[0]!,
      }),
    };
  const ns = targetNamespace(d.cluster, request.target);
  if (ns === undefined || !owned.includes(ns))
    return {
      status: 403,
      code: 'L4_E_FORBIDDEN',
      message:
        ns === undefined
          ? `traffic to ${request.target} is forbidden: students send traffic to Services of their namespace "${own}" (name.${own}.svc.cluster.local:port, or one of their Services' addresses)`
          : forbiddenMessage(user, { verb: 'get', resource: 'services', group: '', namespace: ns }),
    };
  const running = d
    .generators()
    .filter((g) => g.state === 'running' && d.generatorOwners.get(g.id) === own);
  if (running.length >= GENERATORS_PER_STUDENT)
    return {
      status: 403,
      code: 'L4_E_QUOTA',
      message:
        `traffic is forbidden: exceeded quota: student-quota, requested: generators=1, ` +
        `used: generators=${running.length}, limited: generators=${GENERATORS_PER_STUDENT} (stop one first)`,
    };
  const used = running.reduce((sum, g) => sum + g.rate, 0);
  if (used + request.rate > d.trafficRateQuota)
    return {
      status: 403,
      code: 'L4_E_QUOTA',
      message:
        `traffic is forbidden: exceeded quota: student-quota, requested: rate=${request.rate}/s, ` +
        `used: rate=${used}/s, limited: rate=${d.trafficRateQuota}/s`,
    };
  return undefined;
}

/** The namespace of the Service a traffic target names or listens at; undefined when none. */
export function targetNamespace(cluster: Cluster, target: string): string | undefined {
  const m = /^(.*):(\d+)$/.exec(target.trim());
  const host = (m ? m[1]! : target.trim()).replace(/\.$/, '');
  const port = m ? Number(m[2]) : undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) {
    for (const s of cluster.store.list('Service')) {
      const ips = [
        s.spec.clusterIP,
        ...(s.spec.externalIPs ?? []),
        ...(s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip),
      ];
      if (ips.includes(host)) return s.metadata.namespace;
      const nodeIPs = new Set(
        cluster.store
          .list('Node')
          .flatMap((n) => (n.status?.addresses ?? []).map((a) => a.address)),
      );
      if (nodeIPs.has(host) && (s.spec.ports ?? []).some((p) => p.nodePort === port))
        return s.metadata.namespace;
    }
    return undefined;
  }
  const parts = host.split('.');
  // name.ns, name.ns.svc, name.ns.svc.cluster.local
  if (parts.length >= 2 && cluster.store.get('Service', parts[1], parts[0]!)) return parts[1];
  return undefined;
}

export function eventInNamespace(e: ConnectionEvent, ns: string): boolean {
  return e.service.namespace === ns || (e.client.pod?.startsWith(`${ns}/`) ?? false);
}

function pluralOf(kind: string): string {
  return resourceTypeOf(kind)?.plural ?? kind;
}

function forbid(res: Response, message: string): void {
  sendError(res, 403, 'L4_E_FORBIDDEN', message);
}

function forbidRequest(
  res: Response,
  user: WorkshopUser,
  verb: string,
  resource: string,
  group: string,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): void {
  const message =
    forbiddenReason(user, {
      verb,
      resource,
      group,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    }) ?? `User "${user.name}" cannot ${verb} ${resource}`;
  forbid(res, message);
}

/**
 * Sets one query parameter for the handlers after this one. Express 5 parses `req.query` from the
 * URL at every read, so the URL itself is rewritten.
 */
function setQuery(req: Request, key: string, value: string): void {
  const u = new URL(req.url, 'http://x');
  u.searchParams.set(key, value);
  req.url = `${u.pathname}${u.search}`;
}

/** Rewrites the JSON a later handler sends (lists narrowed to the student's namespace). */
function filterJson<T>(res: Response, filter: (body: T) => unknown): void {
  const json = res.json.bind(res);
  res.json = (body: unknown) => json(res.statusCode < 300 ? filter(body as T) : body);
}
