// The dashboard's HTTP API in remote mode: what reads the cluster reads the mirror of the remote
// API server's objects; what writes goes to that API server (server-side apply, delete, and the
// kubectl console's Kubernetes API calls), and so do exec and logs; the traffic generator sends
// from this machine to the frontends it can reach; what needs l4lab's own pods or proxy answers
// 501 and says so (remoteRefusals.ts).
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  CLUSTER_SCOPED,
  RESOURCES,
  type HealthzResponse,
  type ResourceName,
  resourceTypeOfKind,
  type ServerInfo,
} from '@l4lab/protocol';
import { runKubectl } from '@l4lab/cluster';
import type { ConnectionStats } from '@l4lab/dataplane';
import type { RemoteTrafficManager } from '@l4lab/traffic';
import type { EventHub } from '../eventHub.ts';
import type { AccessToken } from '../accessToken.ts';
import { sendError } from '../httpError.ts';
import type { Logger } from '../logger.ts';
import { requireSameOrigin } from '../origin.ts';
import type { EditorTabsStore } from '../persist/editorTabs.ts';
import { editorTabsRoutes } from '../routes/editorTabsRoutes.ts';
import { scenarioRoutes } from '../routes/scenarioRoutes.ts';
import { trafficRoutes } from '../routes/trafficRoutes.ts';
import { tutorialRoutes } from '../routes/tutorialRoutes.ts';
import { type KubeClient, failureMessage, statusOf } from './kubeClient.ts';
import { isKubernetesApiPath, kubeApiProxy } from './kubeApiProxy.ts';
import { remoteExecRoutes } from './remoteExec.ts';
import { remoteRefusals } from './remoteRefusals.ts';
import type { RemoteMirror } from './remoteMirror.ts';
import { type ResourceMapper, objectPath } from './resourceMapper.ts';
import { remoteCode } from './statusErrors.ts';
import type { RemoteApplyAnswer } from './serverSideApply.ts';
import { serveDashboard } from '../dashboardFiles.ts';

export interface RemoteAppDeps {
  info: ServerInfo;
  client: KubeClient;
  mirror: RemoteMirror;
  mapper: ResourceMapper;
  apply: (yaml: string) => Promise<RemoteApplyAnswer>;
  access: AccessToken;
  logger: Logger;
  /** The agents' connection events (agentEvents.ts), as the embedded lab's hub holds its own. */
  hub: EventHub;
  stats: ConnectionStats;
  /** l4lab's own generators: from this machine to the frontends it can reach. */
  traffic: RemoteTrafficManager;
  editorTabs: EditorTabsStore;
  webDist: string;
  scenariosDir: string;
  scenario: string;
}

const YAML_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/plain',
  'application/json',
];

function kindOf(resource: string) {
  return Object.hasOwn(RESOURCES, resource) ? RESOURCES[resource as ResourceName] : undefined;
}

const unknownKind = (resource: string) =>
  `the server doesn't have a resource type "${resource}" (known: ${Object.keys(RESOURCES).join(', ')})`;

export function createRemoteApp(d: RemoteAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const proxy = kubeApiProxy(d.client, d.logger, (req) => d.access.allows(req));
  app.use(function kubernetesApi(req, res, next) {
    if (isKubernetesApiPath(req.url)) return proxy(req, res);
    next();
  });
  const api = express.Router();
  api.use(requireSameOrigin);
  api.use(d.access.require);
  api.get('/healthz', (_req, res) => {
    const body: HealthzResponse = {
      ok: true,
      version: d.info.version,
      runtime: d.info.runtime,
      dataplane: d.info.dataplane,
    };
    res.json(body);
  });
  api.get('/info', (_req, res) => void res.json(d.info));
  api.post(
    '/apply',
    express.text({ type: YAML_TYPES, limit: '1mb' }),
    function apply(req, res, next) {
      const text = typeof req.body === 'string' ? req.body : '';
      d.apply(text).then((answer) => res.status(answer.status).json(answer.body), next);
    },
  );
  api.use(
    '/apply',
    function unreadable(err: unknown, _req: Request, res: Response, next: NextFunction) {
      const e = err as { status?: number; message?: string };
      if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return next(err);
      // The same `errors[]` answer as any refused apply, saying why.
      const message =
        e.status === 413
          ? 'request entity too large: a manifest may be at most 1mb (split it into several applies)'
          : `the request body could not be read: ${e.message ?? 'unreadable'} (send UTF-8 YAML or JSON)`;
      const error = {
        message,
        path: '',
        line: 1,
        column: 1,
        document: 0,
        severity: 'error' as const,
      };
      const code = e.status === 413 ? 'L4_E_TOO_LARGE' : 'L4_E_UNREADABLE';
      res.status(e.status).json({ errors: [{ ...error, code }] });
    },
  );
  api.get('/kubectl', function kubectl(req, res) {
    const raw = req.query.args;
    if (typeof raw !== 'string' || raw.trim() === '')
      return sendError(
        res,
        400,
        'L4_E_BAD_REQUEST',
        'args is required, e.g. ?args=get+pods+-o+wide',
      );
    const args = raw.trim().split(/\s+/);
    if (args[0] === 'kubectl') args.shift();
    const store = d.mirror.store;
    const source = {
      list: store.list.bind(store),
      events: d.mirror.events.about.bind(d.mirror.events),
    };
    res.json(runKubectl(source, args, Date.now()));
  });
  api.get('/objects/:kind', function listObjects(req, res) {
    const kind = kindOf(req.params.kind);
    if (!kind) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', unknownKind(req.params.kind));
    const ns = typeof req.query.namespace === 'string' ? req.query.namespace : undefined;
    res.json({ apiVersion: 'v1', kind: `${kind}List`, items: d.mirror.store.list(kind, ns) });
  });
  api.get('/objects/:kind/:namespace/:name', function getObject(req, res) {
    const kind = kindOf(req.params.kind);
    if (!kind) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', unknownKind(req.params.kind));
    const ns = CLUSTER_SCOPED.has(kind) ? undefined : req.params.namespace;
    const o = d.mirror.store.get(kind, ns, req.params.name);
    if (!o)
      return sendError(
        res,
        404,
        'L4_E_NOT_FOUND',
        `${req.params.kind} "${req.params.name}" not found`,
      );
    res.json(o);
  });
  const remove = async (resource: string, ns: string | undefined, name: string, res: Response) => {
    const kind = kindOf(resource);
    if (!kind) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', unknownKind(resource));
    // Every group the dashboard's kinds are in serves them at v1 (apps, discovery.k8s.io, rbac).
    const group = resourceTypeOfKind(kind)?.group;
    const apiVersion = group ? `${group}/v1` : 'v1';
    const mapping = await d.mapper.mappingFor(apiVersion, kind).catch((err: unknown) => {
      throw unreachable(err);
    });
    if ('error' in mapping) return sendError(res, 404, 'L4_E_UNKNOWN_KIND', mapping.error);
    // kubectl delete's default: dependents are collected in the background.
    const path = `${objectPath(mapping, ns, name)}?propagationPolicy=Background`;
    const answer = await d.client.request('DELETE', path).catch((err: unknown) => {
      throw unreachable(err);
    });
    if (answer.status >= 300)
      return sendError(
        res,
        answer.status,
        remoteCode(statusOf(answer.body)?.reason),
        failureMessage(answer),
      );
    const scoped = mapping.namespaced ? { namespace: ns ?? 'default' } : {};
    res.json({ deleted: { kind, ...scoped, name } });
  };
  api.delete(
    '/objects/:kind/:namespace/:name',
    (req, res, next) =>
      void remove(req.params.kind, req.params.namespace, req.params.name, res).catch(next),
  );
  api.delete(
    '/objects/:kind/:name',
    (req, res, next) => void remove(req.params.kind, undefined, req.params.name, res).catch(next),
  );
  api.get('/pods/:namespace/:name/logs', async function podLogs(req, res, next) {
    const { namespace, name } = req.params;
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?tailLines=${LOG_LINES}`;
    try {
      const answer = await d.client.request('GET', path);
      if (answer.status >= 300)
        return sendError(
          res,
          answer.status,
          remoteCode(statusOf(answer.body)?.reason),
          failureMessage(answer),
        );
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.json({ lines: text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1) });
    } catch (err) {
      next(unreachable(err));
    }
  });
  // The generators, GET /api/connections and /api/stats: the embedded lab's routes.
  api.use(trafficRoutes(d.traffic, d.hub, d.stats));
  api.use(remoteExecRoutes(d.client, d.mirror.store));
  api.use(scenarioRoutes(d.scenariosDir, d.scenario));
  api.use(tutorialRoutes(d.scenariosDir));
  api.use(editorTabsRoutes(d.editorTabs));
  api.use(remoteRefusals());
  api.use((req, res) =>
    sendError(res, 404, 'L4_E_NOT_FOUND', `no such API call: ${req.method} /api${req.path}`),
  );
  app.use('/api', api);
  app.use(d.access.remember);

  serveDashboard(app, d.webDist);
  app.use(function onError(err: unknown, req: Request, res: Response, _next: NextFunction) {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) d.logger.error({ err: String(err), path: req.path }, 'request failed');
    const message = err instanceof Error ? err.message : String(err);
    const code =
      status === 400
        ? 'L4_E_BAD_REQUEST'
        : status === 503
          ? 'L4_E_REMOTE_UNREACHABLE'
          : 'L4_E_INTERNAL';
    sendError(res, status, code, message);
  });
  return app;
}

/** The last lines of a container's log the dashboard reads (kubectl logs --tail). */
const LOG_LINES = 1000;

/** A request the remote API server did not answer: 503, kubectl's words. */
function unreachable(err: unknown): Error & { status: number } {
  const message = `Unable to connect to the server: ${err instanceof Error ? err.message : String(err)}`;
  return Object.assign(new Error(message), { status: 503 });
}
