import type { Duplex } from 'node:stream';
import { createServer, type Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION, type ServerInfo, type TrafficStatus } from '@l4lab/protocol';
import {
  type AddressPlan,
  Cluster,
  DEFAULT_ADDRESS_PLAN,
  DEFAULT_POD_EVICTION_TIMEOUT_MS,
  PortMapper,
  intToIp,
  nodeAddresses,
  parseCidr,
  realClock,
} from '@l4lab/cluster';
import {
  ConnectionStats,
  ConntrackEventSource,
  NftablesProxier,
  UserspaceProxier,
  ProxierHealth,
} from '@l4lab/dataplane';
import type { ConnectionEvent, Pod } from '@l4lab/protocol';
import {
  Kubelet,
  chooseRuntime,
  detectAddressMode,
  imageHasBash,
  shellPrompt,
  type PodNetworkTools,
} from '@l4lab/runtime';
import { BuiltinExecutor, MAX_GENERATORS, TrafficManager } from '@l4lab/traffic';
import { ClusterDnsIndex, withCoreDNS } from '@l4lab/dns';
import { createApp } from './app.ts';
import { nftablesDataplaneView, userspaceDataplaneView } from './dataplaneView.ts';
import type { DataplaneView } from './routes/dataplaneRoutes.ts';
import { applyYaml } from './applyYaml.ts';
import { ManifestChecker } from './manifestChecker.ts';
import {
  KUBERNETES_MINOR,
  execTarget,
  execUpgrade,
  podDialer,
  versionInfo,
  type PodStreams,
} from '@l4lab/apiserver';
import { clientServerUrl, writeKubeconfig } from './kubeconfig.ts';
import { writeTutorialFiles } from './tutorialFiles.ts';
import { AccessToken, isLoopbackHost } from './accessToken.ts';
import { Authentication } from './workshop/authentication.ts';
import { forbiddenReason, ownedNamespaces } from './workshop/authorization.ts';
import { scopeMessage } from './workshop/scope.ts';
import { Workshop } from './workshop/workshop.ts';
import { GENERATORS_PER_STUDENT, MAX_STUDENTS } from './workshop/identities.ts';
import type { LabConfig } from './config.ts';
import { EventHub } from './eventHub.ts';
import { RecentConnections } from './recentConnections.ts';
import { lessonsDirOf, loadLabLessons } from './labLessons.ts';
import type { Logger } from './logger.ts';
import { type StateNote, openWorkspaceState } from './persist/workspaceState.ts';
import { clusterDnsTransports, installClusterDns } from './nameResolver.ts';
import { installKubeProxy, withKubeProxy } from './kubeProxyPods.ts';
import { nodeSystemInfo } from './nodeSystemInfo.ts';
import { lockWorkspace } from './workspaceLock.ts';
import { WsHub } from './wsHub.ts';

export const VERSION = '0.1.0';

export interface Lab {
  url: string;
  /** The access token, when the lab listens beyond loopback (`--host 0.0.0.0`). */
  token?: string;
  info: ServerInfo;
  /** What the orphan clean-up removed at start. */
  removedAtStart: string[];
  /** What came back from the workspace's saved state, and what was set aside. */
  stateAtStart: StateNote[];
  cluster: Cluster;
  /** kube-proxy: what it has programmed lags the API by a sync (tests wait for it, not for Ready). */
  proxier: LabProxier;
  server: Server;
  /** Workshop mode: the URLs students join at, and the projector's token. */
  workshop?: { joinUrls: string[]; viewerToken: string };
  /** `<workspace>/kubeconfig`: `export KUBECONFIG=` it and the real kubectl drives this lab. */
  kubeconfig: string;
  /** `<workspace>/tutorial`: the tutorial's files (pod_test.yaml, ...) for `kubectl apply -f`. */
  tutorial?: string;
  /** Where a virtual address really listens on this host (itself in native mode). */
  resolveHost(ip: string, port: number): { host: string; port: number };
  stop(): Promise<void>;
}

/** This machine's own IPv4 addresses (not loopback), for `--expose`. */
function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
}

/** The address plan from the flags, checked (a bad range is a clear error, not a crash later). */
export function addressPlan(config: LabConfig): AddressPlan {
  const service = parseCidr(config.serviceCIDR);
  const plan: AddressPlan = {
    ...DEFAULT_ADDRESS_PLAN,
    nodeCount: config.nodes,
    nodeBase: config.nodeIP,
    podCIDR: config.podCIDR,
    serviceCIDR: config.serviceCIDR,
    loadBalancerPool: config.loadBalancerPool,
    dnsServiceIP: intToIp(service.base + 10),
  };
  nodeAddresses(plan); // throws on a pod CIDR smaller than /16
  return plan;
}

/** The address the `kubernetes` Service's endpoint names: the listening one, or loopback for any. */
export function advertiseAddress(host: string): string {
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  return ipv4 && host !== '0.0.0.0' ? host : '127.0.0.1';
}

/** kube-proxy as the lab runs it: l4lab's userspace proxy, or kube-proxy's nftables mode. */
export type LabProxier = UserspaceProxier | NftablesProxier;

interface KubeProxy {
  proxier: LabProxier;
  /** The kernel dataplane's connection events (conntrack), started after the proxier. */
  events?: ConntrackEventSource;
  view: DataplaneView;
}

/**
 * kube-proxy for `--dataplane`: userspace (connections through l4lab's own sockets, events from
 * them), or nftables (kube-proxy's table in this process's network namespace, events from
 * conntrack joined with the rules in force).
 */
function kubeProxy(
  config: LabConfig,
  deps: {
    cluster: Cluster;
    mapper: PortMapper;
    logger: Logger;
    onEvent: (e: ConnectionEvent) => void;
    /** Connections the kernel counted without events (over --events-rate-limit). */
    onCounted: (at: Pick<ConnectionEvent, 'service' | 'endpoint'>, connections: number) => void;
    exposeIPs: string[];
    /** What the kube-proxy pods' healthz and logs read. */
    health: ProxierHealth;
  },
): KubeProxy {
  const { cluster, mapper, logger, onEvent } = deps;
  if (config.dataplane === 'nftables') {
    const proxier = new NftablesProxier({
      cluster,
      mapper,
      clock: realClock,
      logger,
      proxyMode: config.proxyMode,
      health: deps.health,
    });
    const events = new ConntrackEventSource({
      rules: () => proxier.rulesInForce(),
      onEvent,
      clock: realClock,
      logger,
      defaultProxyMode: config.proxyMode,
      eventsRateLimit: config.eventsRateLimit ?? 0,
      onCounted: deps.onCounted,
    });
    const view = nftablesDataplaneView({
      rules: proxier,
      events,
      serviceExists: (ns, name) => cluster.store.get('Service', ns, name) !== undefined,
      podExists: (ns, name) => cluster.store.get('Pod', ns, name) !== undefined,
    });
    return { proxier, events, view };
  }
  const proxier = new UserspaceProxier({
    cluster,
    mapper,
    clock: realClock,
    logger,
    proxyMode: config.proxyMode,
    ...(config.relayProcesses !== undefined ? { relayProcesses: config.relayProcesses } : {}),
    exposeIPs: deps.exposeIPs,
    onEvent,
    health: deps.health,
  });
  return { proxier, view: userspaceDataplaneView() };
}

export class PortInUseError extends Error {
  readonly code = 'L4_E_PORT_IN_USE';
}

/** Builds the whole lab (API server + controllers, kubelet, kube-proxy, traffic) and serves it. */
export async function startLab(config: LabConfig, logger: Logger): Promise<Lab> {
  await mkdir(config.workspace, { recursive: true });
  const unlock = await lockWorkspace(config.workspace);
  try {
    return await build(config, logger, unlock);
  } catch (err) {
    await unlock();
    throw err;
  }
}

async function build(config: LabConfig, logger: Logger, unlock: () => Promise<void>): Promise<Lab> {
  const address =
    config.addresses === 'native' || config.addresses === 'mapped'
      ? { mode: config.addresses, reason: `--addresses ${config.addresses}` }
      : await detectAddressMode();
  const mapper = new PortMapper(address.mode);
  // Bound once the pod tools exist (they need the cluster, which needs the runtime's answer).
  let podNetworkTools: PodNetworkTools = async () => 1;
  const {
    runtime,
    reason,
    version: runtimeVersion,
  } = await chooseRuntime(config.runtime, {
    workspace: config.workspace,
    mapper,
    // A stand-in container's command that calls wget, curl or nc (`kubectl run --image=busybox
    // -- wget -qO- my-nginx`, a client looping on a Service): the pod's tools, as kubectl exec.
    network: (p, argv, io, signal) => podNetworkTools(p, argv, io, signal),
    // Pods run in the lab's network namespace with the kernel dataplane: containers do not.
    ...(config.dataplane === 'nftables'
      ? { noDocker: "the nftables dataplane runs pods in the lab's network namespace" }
      : {}),
  });
  const removedAtStart = await runtime.cleanupOrphans();
  for (const r of removedAtStart)
    logger.warn({ removed: r }, 'removed a leftover of an earlier run');

  const evictionMs = config.podEvictionTimeoutMs ?? DEFAULT_POD_EVICTION_TIMEOUT_MS;
  const cluster = new Cluster({
    clock: realClock,
    plan: addressPlan(config),
    podEvictionTimeoutMs: evictionMs,
    nodeInfo: nodeSystemInfo({
      kubeletVersion: versionInfo(VERSION).gitVersion,
      containerRuntimeVersion: runtimeVersion,
    }),
  });
  // Before any controller output reaches the kubelet or kube-proxy: restored pods start like new.
  const state = await openWorkspaceState({
    cluster,
    workspace: config.workspace,
    fresh: config.fresh ?? false,
    logger,
  });
  const lessons = await loadLabLessons(lessonsDirOf(config), logger);
  const opened = config.workshop
    ? await Workshop.open({
        cluster,
        workspace: config.workspace,
        logger,
        fresh: config.fresh ?? false,
        lessonNamespaces: [...new Set(lessons.flatMap((l) => l.namespaces ?? []))],
      })
    : undefined;
  const workshop = opened?.workshop;
  state.notes.push(...(opened?.notes ?? []));
  const stats = new ConnectionStats();
  const hub = new EventHub(stats);
  const recentConnections = new RecentConnections();
  const proxierHealth = new ProxierHealth(realClock);
  const dataplane: 'nftables' | 'userspace' =
    config.dataplane === 'nftables' ? 'nftables' : 'userspace';
  const kp = kubeProxy(config, {
    health: proxierHealth,
    cluster,
    mapper,
    logger,
    exposeIPs: config.expose ? hostAddresses() : [],
    onEvent: (e) => {
      hub.record(e);
      recentConnections.record(e);
    },
    onCounted: (at, n) => hub.counted(at, n),
  });
  const proxier = kp.proxier;
  // CoreDNS: the coredns pods serve DNS from this index of the cluster (one for all replicas).
  const dnsIndex = ClusterDnsIndex.watch(cluster);
  const kubelet = new Kubelet({
    cluster,
    runtime: withKubeProxy(withCoreDNS(runtime, { view: dnsIndex, mapper }), {
      health: proxierHealth,
      mapper,
      cluster,
      dataplane,
      proxyMode: config.proxyMode,
    }),
    mapper,
    logger,
    backoffScale: config.backoffScale,
  });
  const info: ServerInfo = {
    version: VERSION,
    runtime: runtime.name,
    runtimeReason: reason,
    dataplane: config.dataplane,
    // The kernel's rules are kube-proxy's nftables mode for every Service (others are refused).
    proxyMode: config.dataplane === 'nftables' ? 'nftables' : config.proxyMode,
    addressMode: address.mode,
  };
  // The WebSocket hub needs the HTTP server, which needs the app, which needs traffic: bind late.
  let onTrafficUpdate: (generators: TrafficStatus[]) => void = () => {};
  const dns = clusterDnsTransports(mapper);
  const traffic = new TrafficManager({
    cluster,
    mapper,
    dns,
    onUpdate: (generators) => onTrafficUpdate(generators),
    allowHostTargets: config.allowHostTargets,
    // A workshop: the instructor's generators and each student's own (their quota holds them).
    ...(workshop ? { maxGenerators: MAX_GENERATORS + GENERATORS_PER_STUDENT * MAX_STUDENTS } : {}),
  });
  const executor = new BuiltinExecutor({
    cluster,
    mapper,
    dns,
    allowHostTargets: config.allowHostTargets,
    // exec sees what the kubelet gave the container: its env, /etc/hosts, /etc/resolv.conf.
    containerView: (pod, container) =>
      kubelet.containerView(pod.metadata.namespace ?? 'default', pod.metadata.name, container),
  });
  podNetworkTools = async (p, argv, io, signal) => {
    const pod = cluster.store.get('Pod', p.namespace, p.name);
    if (!pod) return 1;
    const r = await executor.runAsContainer(pod, p.ip, argv, {
      signal,
      stdin: io.stdin,
      ...(p.container ? { container: p.container } : {}),
    });
    io.out(r.stdout);
    io.err(r.stderr);
    return r.exitCode;
  };
  const access = new AccessToken(config.host);
  const auth = new Authentication(access, workshop);
  // The instructor's token: the workshop's, else the one a lab beyond loopback needs.
  const instructorToken = workshop ? workshop.identities.instructorToken : access.token;
  const generatorOwners = new Map<string, string>();
  let wsHubRef: WsHub | undefined = undefined; // bound once the HTTP server exists
  let listeningPort = config.port;
  /** The Kubernetes API's upgraded connections (kubectl exec, attach, port-forward). */
  const streamSockets = new Set<Duplex>();
  // kubectl exec and logs: the lab's pod tools (as POST /api/pods/.../exec) and the runtime's logs.
  const podStreams: PodStreams = {
    exec: (pod, line, signal, container) => executor.exec(pod, line, { signal, container }),
    logs: async (pod, container) => {
      const handle = kubelet.handleOf(pod.metadata.namespace ?? 'default', pod.metadata.name);
      if (!handle || container === undefined || !handle.containerLogs) return handle?.logs();
      return handle.containerLogs(container);
    },
    previousLogs: (pod, container) =>
      kubelet.previousLogs(pod.metadata.namespace ?? 'default', pod.metadata.name, container),
    attach: (pod, container) => {
      const ns = pod.metadata.namespace ?? 'default';
      const handle = kubelet.handleOf(ns, pod.metadata.name);
      const shell =
        kubelet.ephemeralShell(ns, pod.metadata.name, container) ??
        handle?.interactiveShell?.(container);
      return shell ? { kind: 'shell', finish: (code) => shell.finish(code) } : { kind: 'output' };
    },
    prompt: (pod, container, shell, host) => shellPrompt(imageOf(pod, container), host, shell),
    hasProgram: (pod, container, program) =>
      program !== 'bash' || imageHasBash(imageOf(pod, container)),
    // kubectl port-forward: the pod's port, where it really listens on this host (or namespace).
    portForward: podDialer((ip, p) => {
      const a = mapper.resolve(ip, p, 'TCP');
      return { host: a.ip, port: a.port };
    }),
  };
  const checker = new ManifestChecker();
  checker.warm();
  const startedAt = cluster.clock.now();
  const localAddresses = hostAddresses();
  const app = createApp({
    auth,
    workshop,
    policy: {
      cluster,
      generatorOwners,
      generators: () => traffic.list(),
      trafficRateQuota: workshop?.quota.trafficRate ?? Infinity,
    },
    workshopInfo: {
      connected: () => wsHubRef?.connectedUsers() ?? [],
      port: () => listeningPort,
      hostAddresses: localAddresses,
      listenHost: config.host,
      recentConnections: (ns) => {
        const since = cluster.clock.now() - 60_000;
        return recentConnections
          .list()
          .filter((e) => e.startedAt >= since && e.service.namespace === ns).length;
      },
    },
    info,
    cluster,
    checker,
    podStreams,
    kubelet,
    podEvictionTimeoutMs: evictionMs,
    traffic,
    executor,
    hub,
    stats,
    proxier,
    dataplane: kp.view,
    mapper,
    logger,
    webDist: config.webDist,
    scenariosDir: config.scenariosDir,
    scenario: config.scenario,
    editorTabs: state.editorTabs,
    lessons: {
      lessons,
      objects: () => cluster.store.all(),
      events: () => recentConnections.list(),
      now: () => cluster.clock.now(),
      startedAt,
      localAddresses,
      nodePortsOf: (ns) => workshop?.nodePortsOf(ns),
      studentOf: (ns) => workshop?.studentOf(ns),
    },
  });
  const server = createServer(app);
  const wsHub = new WsHub({
    server,
    logger,
    resourceVersion: () => cluster.store.resourceVersion,
    apply: async (yaml, user) => {
      if (user?.role === 'viewer')
        return {
          status: 403,
          body: {
            errors: [
              {
                message: 'viewers only watch: the projector cannot apply',
                path: '',
                line: 1,
                column: 1,
                document: 0,
                severity: 'error',
                code: 'L4_E_FORBIDDEN',
              },
            ],
          },
        };
      const scope =
        user?.role === 'student'
          ? { namespace: user.namespace!, user: user.name, namespaces: ownedNamespaces(user) }
          : undefined;
      return applyYaml(cluster, checker, yaml, () => proxier.syncProxyRules(), scope);
    },
    allows: (req) => auth.userOf(req) !== undefined,
    userOf: (req) => auth.userOf(req),
    scope: (msg, student) => scopeMessage(msg, student, generatorOwners),
    otherUpgrade: (req, socket, head) => {
      if (!execTarget(req.url)) return false;
      streamSockets.add(socket);
      socket.once('close', () => streamSockets.delete(socket));
      execUpgrade(
        {
          store: cluster.store,
          streams: podStreams,
          authorize: (r) => auth.userOf(r) !== undefined,
          admit: (r, attributes) => forbiddenReason(auth.userOf(r)!, attributes),
        },
        req,
        socket,
        head,
      );
      return true;
    },
    hello: () => ({ type: 'hello', protocolVersion: PROTOCOL_VERSION, server: info }),
    snapshot: () => ({
      type: 'cluster_snapshot',
      resourceVersion: cluster.store.resourceVersion,
      objects: cluster.store.all(),
      mappings: mapper.list(),
      traffic: traffic.list(),
      counters: stats.snapshot(),
    }),
  });
  wsHubRef = wsHub;
  onTrafficUpdate = (generators) => wsHub.broadcast({ type: 'traffic_status', generators });
  const unwatch = cluster.watch((e) => wsHub.objectChanged(e));
  const unmap = mapper.onChange((mappings) => wsHub.broadcast({ type: 'port_mappings', mappings }));
  hub.start((msg) => wsHub.broadcast(msg));
  for (const problem of installClusterDns(cluster))
    logger.warn({ problem }, 'cluster DNS add-on not installed');
  const kubeProxyAddon = {
    version: `v1.${KUBERNETES_MINOR}.0`,
    dataplane,
    proxyMode: config.proxyMode,
  };
  for (const problem of installKubeProxy(cluster, kubeProxyAddon))
    logger.warn({ problem }, 'kube-proxy add-on not installed');
  proxier.start();
  kp.events?.start();
  kubelet.start();

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
    // --dataplane nftables: serve on the listener the launcher opened in the host's namespace.
    if (config.listener) server.listen(config.listener, () => resolve());
    else server.listen(config.port, config.host, () => resolve());
  }).catch(async (err) => {
    await state.close();
    await kubelet.stopAll(0);
    await kp.events?.stop();
    await proxier.shutdown(true);
    hub.stop();
    wsHub.close();
    await checker.close();
    throw err;
  });
  const port = (server.address() as AddressInfo).port;
  listeningPort = port;
  // The `kubernetes` Service in default: 443 on its ClusterIP reaches this server's API.
  cluster.advertiseApiServer({ ip: advertiseAddress(config.host), port });
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const tutorial = await writeTutorialFiles(config.scenariosDir, config.workspace).catch(
    (err: unknown) => {
      logger.warn({ err: String(err) }, "cannot write the tutorial's files");
      return undefined;
    },
  );
  const kubeconfig = await writeKubeconfig(
    config.workspace,
    clientServerUrl(config.host, port),
    instructorToken,
  );

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await state.close(); // the state as it ran, before pods and listeners stop
      await workshop?.close();
      traffic.stopAll();
      hub.stop();
      unwatch();
      unmap();
      wsHub.close();
      server.closeAllConnections();
      // Upgraded connections (exec, attach, port-forward) are the server's no more: ended here.
      for (const socket of streamSockets) socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await kp.events?.stop();
      await proxier.shutdown(true);
      await kubelet.stopAll(2000);
      dnsIndex.stop();
      await checker.close();
      await runtime.close?.();
      await unlock();
    })());

  const resolveHost = (ip: string, p: number) => {
    const a = mapper.resolve(ip, p, 'TCP');
    return { host: a.ip, port: a.port };
  };
  return {
    url: `http://${host}:${port}`,
    ...(instructorToken ? { token: instructorToken } : {}),
    ...(workshop
      ? {
          workshop: {
            joinUrls: (localAddresses.length > 0 && !isLoopbackHost(config.host)
              ? localAddresses.map((a) => `http://${a}:${port}`)
              : [`http://${host}:${port}`]
            ).map((b) => `${b}/join?code=${workshop.identities.joinCode}`),
            viewerToken: workshop.identities.viewerToken,
          },
        }
      : {}),
    info,
    removedAtStart,
    stateAtStart: state.notes,
    cluster,
    proxier,
    server,
    kubeconfig,
    ...(tutorial ? { tutorial } : {}),
    resolveHost,
    stop,
  };
}

/** The image of one of the pod's containers (ephemeral ones too); '' when there is none. */
function imageOf(pod: Pod, container: string): string {
  const c = [...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].find(
    (x) => x.name === container,
  );
  return c?.image ?? '';
}
