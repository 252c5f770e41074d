// Remote mode (`--kubeconfig PATH [--context NAME]`): l4lab runs no pods, kube-proxy or DNS (its
// traffic generator sends from this machine, to the frontends this machine can reach); it shows
// the cluster the kubeconfig reaches, through that cluster's API server, with the kubeconfig's
// own credentials. The dashboard is served as in the embedded lab:
// the same WebSocket messages (snapshot, object changes, live apply) from a mirror of the remote
// objects, the same REST calls where they make sense there (remoteApp.ts).
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { ConnectionStats } from '@l4lab/dataplane';
import { PROTOCOL_VERSION, type ServerInfo, type TrafficStatus } from '@l4lab/protocol';
import { RemoteTrafficManager } from '@l4lab/traffic';
import { AccessToken } from '../accessToken.ts';
import type { LabConfig } from '../config.ts';
import { PortInUseError, VERSION } from '../lab.ts';
import type { Logger } from '../logger.ts';
import { EditorTabsStore } from '../persist/editorTabs.ts';
import { stateFiles } from '../persist/workspaceState.ts';
import { lockWorkspace } from '../workspaceLock.ts';
import { WsHub } from '../wsHub.ts';
import { isKubernetesApiPath } from './kubeApiProxy.ts';
import { EventHub } from '../eventHub.ts';
import { AgentEvents } from './agentEvents.ts';
import { detectServiceRouting, type ServiceRouting } from './serviceRouting.ts';
import { ClientSideEvents } from './clientEvents.ts';
import { createRemoteApp } from './remoteApp.ts';
import { RemoteMirror } from './remoteMirror.ts';
import { RemoteStartError, loadKubeconfig, probeRemote } from './remoteTarget.ts';
import { ResourceMapper } from './resourceMapper.ts';
import { serverSideApply } from './serverSideApply.ts';

export interface RemoteLab {
  url: string;
  /** The access token, when l4lab listens beyond loopback. */
  token?: string;
  info: ServerInfo;
  server: Server;
  mirror: RemoteMirror;
  agents: AgentEvents;
  traffic: RemoteTrafficManager;
  stop(): Promise<void>;
}

export async function startRemoteLab(config: LabConfig, logger: Logger): Promise<RemoteLab> {
  if (!config.remote) throw new Error('startRemoteLab needs --kubeconfig');
  const target = loadKubeconfig(config.remote.kubeconfig, config.remote.context);
  await probeRemote(target);
  await mkdir(config.workspace, { recursive: true });
  const unlock = await lockWorkspace(config.workspace);
  const mirror = new RemoteMirror(target.client, logger);
  const closing: (() => Promise<void> | void)[] = [unlock, () => mirror.stop()];
  const undo = async () => {
    for (const c of closing.reverse()) await c();
  };
  try {
    await mirror.start().catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      throw new RemoteStartError(`Error from server: ${message} (context "${target.context}")`);
    });
    const tabs = await EditorTabsStore.open(stateFiles(config.workspace).editorTabs, logger);
    closing.push(() => tabs.store.close());
    const info: ServerInfo = {
      version: VERSION,
      runtime: 'remote',
      runtimeReason: `the cluster's own kubelets run its pods (context "${target.context}")`,
      dataplane: 'remote',
      // Each node's kube-proxy has its own mode: only an agent on the node could read it.
      proxyMode: 'unknown',
      addressMode: 'native',
      cluster: { server: target.server, context: target.context },
    };
    // The agents' events go where the embedded lab's go: the hub (the graph's dots, the log, the
    // distribution's counters, GET /api/connections). The lab's RecentConnections feeds lessons
    // and workshops, which remote mode refuses. ServerInfo says where the events come from,
    // pushed again when that changes.
    const stats = new ConnectionStats();
    const hub = new EventHub(stats);
    let pushInfo = () => {};
    const agents = new AgentEvents({
      client: target.client,
      store: mirror.store,
      ...(config.remote.agents ? { direct: config.remote.agents } : {}),
      logger,
      emit: (e) => hub.record(e),
      onChange: () => pushInfo(),
    });
    // The nodes whose agent is connected, as of the last refresh (at most a second behind).
    let agentNodes = new Set<string>();
    // How the cluster routes Services (kube-proxy, or eBPF that conntrack does not see as
    // kube-proxy's rules): read once at start, in the background (a few GETs).
    let serviceRouting: ServiceRouting | undefined;
    const refreshInfo = () => {
      const now = agents.cluster();
      agentNodes = new Set(now.agents.filter((a) => a.connected).map((a) => a.node));
      // kube-proxy's mode, as the Services' boxes show it: the agents', when they agree.
      const modes = new Set(now.agents.filter((a) => a.connected).map((a) => a.mode ?? 'unknown'));
      const mode = modes.size === 1 ? [...modes][0]! : 'unknown';
      const beforeMode = info.proxyMode;
      info.proxyMode = mode;
      const before = JSON.stringify(info.cluster);
      info.cluster = {
        server: target.server,
        context: target.context,
        ...now,
        ...(serviceRouting ? { serviceRouting } : {}),
      };
      return JSON.stringify(info.cluster) !== before || info.proxyMode !== beforeMode;
    };
    refreshInfo();
    // l4lab's own generator: connections from this machine to the frontends it can reach, their
    // client-side events in the hub while no agent is connected (then the agents' carry them).
    const clientSide = new ClientSideEvents(
      (e) => hub.record(e),
      (node) => (node === undefined ? agentNodes.size > 0 : agentNodes.has(node)),
    );
    let onTrafficUpdate = (_generators: TrafficStatus[]) => {};
    const traffic = new RemoteTrafficManager({
      objects: mirror.store,
      onUpdate: (generators) => onTrafficUpdate(generators),
      onConnection: (c, f) => clientSide.connection(c, f),
    });
    const mapper = new ResourceMapper(target.client);
    const apply = (yaml: string) =>
      serverSideApply({ api: target.client, mapper, namespace: target.namespace }, yaml);
    const access = new AccessToken(config.host);
    const app = createRemoteApp({
      info,
      client: target.client,
      mirror,
      mapper,
      apply,
      access,
      logger,
      hub,
      stats,
      traffic,
      editorTabs: tabs.store,
      webDist: config.webDist,
      scenariosDir: config.scenariosDir,
      scenario: config.scenario,
    });
    const server = createServer(app);
    const store = mirror.store;
    const wsHub = new WsHub({
      server,
      logger,
      resourceVersion: () => store.resourceVersion,
      apply,
      allows: (req) => access.allows(req),
      otherUpgrade: (req, socket) => {
        if (!isKubernetesApiPath(req.url)) return false;
        const body =
          'exec, attach and port-forward are not built yet in remote mode: use kubectl with your kubeconfig\n';
        socket.end(
          `HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return true;
      },
      hello: () => ({ type: 'hello', protocolVersion: PROTOCOL_VERSION, server: info }),
      snapshot: () => ({
        type: 'cluster_snapshot',
        resourceVersion: store.resourceVersion,
        objects: store.all(),
        mappings: [],
        traffic: traffic.list(),
        counters: stats.snapshot(),
      }),
    });
    const unwatch = store.watch((e) => wsHub.objectChanged(e));
    onTrafficUpdate = (generators) => wsHub.broadcast({ type: 'traffic_status', generators });
    hub.start((msg) => wsHub.broadcast(msg));
    // At most one push a second: a loss line per event would otherwise be a hello per event.
    let pushTimer: NodeJS.Timeout | undefined;
    pushInfo = () => {
      pushTimer ??= setTimeout(() => {
        pushTimer = undefined;
        if (refreshInfo())
          wsHub.broadcast({ type: 'hello', protocolVersion: PROTOCOL_VERSION, server: info });
      }, 1000);
    };
    agents.start();
    let closed = false;
    void detectServiceRouting(target.client).then((r) => {
      if (closed) return;
      serviceRouting = r;
      if (r.kind !== 'kube-proxy' && r.kind !== 'unknown')
        logger.warn({ routing: r.kind }, r.detail);
      else logger.info({ routing: r.kind }, r.detail);
      pushInfo();
    });
    closing.push(() => {
      closed = true;
      traffic.stopAll();
      agents.stop();
      clearTimeout(pushTimer);
      hub.stop();
      unwatch();
      wsHub.close();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new PortInUseError(
                `port ${config.port} on ${config.host} is in use: stop the other server or pass --port`,
              )
            : err,
        ),
      );
      server.listen(config.port, config.host, () => resolve());
    });
    closing.push(async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let stopping: Promise<void> | undefined;
    return {
      url: `http://${host}:${port}`,
      ...(access.token ? { token: access.token } : {}),
      info,
      server,
      mirror,
      agents,
      traffic,
      stop: () => (stopping ??= undo()),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
