import { TOKEN_COOKIE } from './accessToken.ts';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { HealthzResponse, ServerInfo } from '@l4lab/protocol';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import type { ConnectionStats } from '@l4lab/dataplane';
import type { LabProxier } from './lab.ts';
import { dataplaneRoutes, type DataplaneView } from './routes/dataplaneRoutes.ts';
import type { Kubelet } from '@l4lab/runtime';
import type { PodExecutor, TrafficManager } from '@l4lab/traffic';
import type { EventHub } from './eventHub.ts';
import { sendError } from './httpError.ts';
import { unwrapTokenPath } from './kubeconfig.ts';
import type { Logger } from './logger.ts';
import { requireSameOrigin } from './origin.ts';
import type { Authentication } from './workshop/authentication.ts';
import {
  forbiddenReason,
  kubernetesUser,
  ownedNamespaces,
  rulesOf,
} from './workshop/authorization.ts';
import {
  dashboardPolicy,
  studentNamespace,
  studentNamespaces,
  trafficAdmission,
  userOf,
  type PolicyDeps,
} from './workshop/dashboardPolicy.ts';
import type { Workshop } from './workshop/workshop.ts';
import { workshopRoutes, type WorkshopRouteDeps } from './workshop/workshopRoutes.ts';
import type { EditorTabsStore } from './persist/editorTabs.ts';
import { addressDialer, kubernetesApi, type PodStreams } from '@l4lab/apiserver';
import { applyRoutes } from './routes/applyRoutes.ts';
import { applyYaml } from './applyYaml.ts';
import { workspaceRoutes } from './routes/workspaceRoutes.ts';
import { labWriter } from './kubernetesWriter.ts';
import { editorTabsRoutes } from './routes/editorTabsRoutes.ts';
import type { ManifestChecker } from './manifestChecker.ts';
import { frontendRoutes } from './routes/frontendRoutes.ts';
import { execRoutes } from './routes/execRoutes.ts';
import { kubectlRoutes } from './routes/kubectlRoutes.ts';
import { nodeRoutes } from './routes/nodeRoutes.ts';
import { objectRoutes } from './routes/objectRoutes.ts';
import { podRoutes } from './routes/podRoutes.ts';
import { scenarioRoutes } from './routes/scenarioRoutes.ts';
import { serviceRoutes } from './routes/serviceRoutes.ts';
import { trafficRoutes } from './routes/trafficRoutes.ts';
import { tutorialRoutes } from './routes/tutorialRoutes.ts';
import { lessonRoutes, type LessonSources } from './routes/lessonRoutes.ts';
import { serveDashboard } from './dashboardFiles.ts';

export interface AppDeps {
  info: ServerInfo;
  cluster: Cluster;
  /** Parses and validates applied manifests off the event loop. */
  checker: ManifestChecker;
  kubelet: Kubelet;
  /** How long a stopped node keeps its pods before they are evicted (ms). */
  podEvictionTimeoutMs: number;
  traffic: TrafficManager;
  /** Runs `exec` in pods (l4lab's built-in shell; a runtime may bring its own). */
  executor: PodExecutor;
  /** kubectl exec and logs through the Kubernetes API. */
  podStreams: PodStreams;
  hub: EventHub;
  stats: ConnectionStats;
  /** kube-proxy and the address mapping, for GET /api/frontends. */
  proxier: LabProxier;
  /** GET /api/dataplane and a Service's kernel rules. */
  dataplane: DataplaneView;
  mapper: PortMapper;
  logger: Logger;
  /** Who a request is (the access token; in workshop mode, each user's token). */
  auth: Authentication;
  /** Workshop mode's students, quotas and spotlight (undefined outside it). */
  workshop: Workshop | undefined;
  /** What a student's calls may reach, and who started which traffic generator. */
  policy: PolicyDeps;
  /** For the workshop's roster and join URLs. */
  workshopInfo: Omit<WorkshopRouteDeps, 'workshop' | 'cluster' | 'lessons'>;
  webDist: string;
  scenariosDir: string;
  scenario: string;
  /** The editor's tabs kept in the workspace. */
  editorTabs: EditorTabsStore;
  /** The lessons loaded at start, and what their checks read. */
  lessons: LessonSources;
}

/** The Express app: l4lab's API under /api, the dashboard everywhere else. */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // kubeconfigs carry their token in the server URL's path (kubectl sends bearer tokens only
  // over TLS): `/k8s/<token>/api/v1/...` continues as `/api/v1/...` with that token.
  app.use(function tokenInPath(req, _res, next) {
    unwrapTokenPath(req);
    next();
  });
  app.set('etag', false);
  const api = express.Router();
  api.use(requireSameOrigin);
  api.use(d.auth.require);
  api.use(dashboardPolicy(d.policy));
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
  api.use(
    workshopRoutes({
      ...d.workshopInfo,
      workshop: d.workshop,
      cluster: d.cluster,
      lessons: d.lessons,
    }),
  );
  // A workshop student's own editor tabs (everyone else shares the workspace's).
  const ownTabs = (res: Response) => {
    const u = userOf(res);
    return u.role === 'student' && d.workshop ? d.workshop.tabsOf(u.name) : undefined;
  };
  const studentScope = (res: Response) => {
    const u = userOf(res);
    return u.role === 'student'
      ? { namespace: u.namespace!, user: u.name, namespaces: ownedNamespaces(u) }
      : undefined;
  };
  api.use(applyRoutes(d.cluster, d.checker, () => d.proxier.syncProxyRules(), studentScope));
  api.use(kubectlRoutes(d.cluster, studentNamespaces));
  api.use(objectRoutes(d.cluster));
  api.use(podRoutes(d.cluster, d.kubelet));
  api.use(nodeRoutes(d.cluster, d.kubelet, d.podEvictionTimeoutMs));
  api.use(
    trafficRoutes(d.traffic, d.hub, d.stats, {
      admit: (res, request) => trafficAdmission(d.policy, userOf(res), request),
      started: (res, id) => {
        const ns = studentNamespace(res);
        if (ns) d.policy.generatorOwners.set(id, ns);
      },
    }),
  );
  api.use(execRoutes(d.cluster, d.executor));
  api.use(scenarioRoutes(d.scenariosDir, d.scenario));
  api.use(tutorialRoutes(d.scenariosDir));
  api.use(editorTabsRoutes(d.editorTabs, ownTabs));
  api.use(
    workspaceRoutes(
      d.cluster,
      d.editorTabs,
      (yaml, res) =>
        applyYaml(d.cluster, d.checker, yaml, () => d.proxier.syncProxyRules(), studentScope(res)),
      { namespaceOf: studentNamespace, ownTabs },
    ),
  );
  api.use(lessonRoutes(d.lessons));
  api.use(serviceRoutes(d.cluster));
  api.use(frontendRoutes(d.cluster, d.proxier, d.mapper));
  api.use(dataplaneRoutes(d.dataplane));
  api.use((req, res) =>
    sendError(res, 404, 'L4_E_NOT_FOUND', `no such API call: ${req.method} /api${req.path}`),
  );
  // The Kubernetes API (`/version`, `/api`, `/api/v1/...`, `/apis/...`) before the dashboard's
  // `/api/<call>`: neither shadows the other (the dashboard's calls never start with /api/v1).
  app.use(
    kubernetesApi({
      store: d.cluster.store,
      now: () => d.cluster.clock.now(),
      version: d.info.version,
      authorize: (req) => d.auth.userOf(req) !== undefined,
      admit: (req, attributes) => forbiddenReason(d.auth.userOf(req)!, attributes),
      userInfo: (req) => kubernetesUser(d.auth.userOf(req)!),
      rules: (req, namespace) => rulesOf(d.auth.userOf(req)!, namespace),
      writer: labWriter(d.cluster, d.checker),
      streams: d.podStreams,
      events: d.cluster.events,
      // pods/proxy and services/proxy: straight to the pod, where it really listens.
      dial: addressDialer((ip, port) => {
        const a = d.mapper.resolve(ip, port, 'TCP');
        return { host: a.ip, port: a.port };
      }),
      credentialCookies: [TOKEN_COOKIE],
    }),
  );
  app.use('/api', api);
  app.use(d.auth.remember);

  serveDashboard(app, d.webDist);

  app.use(function onError(err: unknown, req: Request, res: Response, _next: NextFunction) {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) d.logger.error({ err: String(err), path: req.path }, 'request failed');
    sendError(
      res,
      status,
      status === 400 ? 'L4_E_BAD_REQUEST' : 'L4_E_INTERNAL',
      err instanceof Error ? err.message : String(err),
    );
  });
  return app;
}
