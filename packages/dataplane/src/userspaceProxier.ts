import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import type { ConnectionEvent } from '@l4lab/protocol';
import { FRONTENDS_LISTENING } from '@l4lab/protocol';
import {
  BoundedFrequencyRunner,
  type Clock,
  type Cluster,
  type PortMapper,
  type TimerHandle,
} from '@l4lab/cluster';
import { ConnectionRouter, type RoutingState } from './connectionRouter.ts';
import { EndpointChooser } from './endpointChooser.ts';
import { FdReserve } from './fdReserve.ts';
import { desiredFrontends, type FrontendSpec } from './frontends.ts';
import { HealthCheckServers } from './healthCheck.ts';
import { libuv, type SockAddr, type TcpHandle } from './libuvTcp.ts';
import { parseProxyMode, type ProxyMode } from './proxyMode.ts';
import { defaultRelayProcesses, RelayPool, type HandOff } from './relay.ts';
import { ConnectTimeouts, TcpFlow, type TcpProxyOwner } from './tcpProxy.ts';
import type {
  ConnectionEventSink,
  EndpointInfo,
  NodeInfo,
  Provider,
  ServicePortInfo,
  ServicePortName,
} from './types.ts';
import { UdpFlow, type UdpFlowOwner } from './udpProxy.ts';
import { serialRuns } from './serialRuns.ts';
import { ServiceWatch } from './serviceWatch.ts';
import { countEndpoints, timedSync, type ProxierHealth } from './proxierHealth.ts';

/** A frontend that cannot bind is tried again after 1 s, doubling up to a minute (per frontend). */
const BIND_RETRY_MS = 1000;
const BIND_RETRY_MAX_MS = 60_000;

/** `ClusterIP 127.96.0.12:80/TCP` */
function describeFrontend(f: FrontendSpec): string {
  return `${f.kind} ${f.ip}:${f.port}/${f.protocol}`;
}

function problemReason(err: unknown): FrontendProblem['reason'] {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'AddressInUse';
  if (code === 'EMFILE' || code === 'ENFILE') return 'TooManyOpenFiles';
  return 'ListenFailed';
}

function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return 'address already in use by another process on this host';
  if (code === 'EADDRNOTAVAIL') return 'address not available on this host';
  if (code === 'EACCES') return 'permission denied (ports under 1024 need root)';
  return err instanceof Error ? err.message : String(err);
}

export interface ProxierLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface UserspaceProxierOptions {
  cluster: Cluster;
  mapper: PortMapper;
  clock: Clock;
  onEvent: ConnectionEventSink;
  logger: ProxierLogger;
  /** Cluster default mode (`--proxy-mode`): iptables, ipvs[:sched], maglev. */
  proxyMode?: string;
  random?: () => number;
  /** Host interface addresses NodePorts and LB ports are also served on (`--expose`). */
  exposeIPs?: string[];
  /** kube-proxy's --iptables-min-sync-period (l4lab: 50 ms, so the graph follows at once). */
  minSyncPeriodMs?: number;
  /** kube-proxy's --iptables-sync-period. */
  syncPeriodMs?: number;
  /** Told of changes queued and rules updated (the kube-proxy pods' healthz and log read it). */
  health?: ProxierHealth;
  /** UDP conntrack timeout (30 s, nf_conntrack_udp_timeout). */
  udpIdleTimeoutMs?: number;
  /** UDP flows tracked per frontend at most, like a conntrack table's size (MAX_UDP_FLOWS). */
  maxUdpFlows?: number;
  /** How long a dropped TCP connection is held before it is closed (the client usually gives up first). */
  dropHoldMs?: number;
  /** How long a connect to an endpoint may take before the client is reset (5 s). */
  connectTimeoutMs?: number;
  /**
   * Relay processes that connections which stream are handed to (relay.ts): one per CPU, at most
   * 4, by default; 0 keeps every connection on the proxier's own event loop.
   */
  relayProcesses?: number;
  /** The file descriptors kept for the lab's API (frontends, connections and flows stop first). */
  fds?: FdReserve;
}

/** Why a frontend is not listening where it should, as said on its Service's condition. */
interface FrontendProblem {
  spn: ServicePortName;
  reason: 'AddressInUse' | 'TooManyOpenFiles' | 'ListenFailed';
  message: string;
}

type Listener =
  | {
      spec: FrontendSpec;
      tcp: TcpHandle;
      udp?: undefined;
      flows?: undefined;
      /** Served at a mapped 127.0.0.1 port: its own address is held by a process of this host. */
      fallback?: boolean;
    }
  | {
      spec: FrontendSpec;
      fallback?: boolean;
      udp: UdpSocket;
      tcp?: undefined;
      flows: Map<string, UdpFlow>;
      /**
       * Flows whose datagrams are dropped ("client ip:port" -> when the last one came): each
       * datagram is judged again (a policy deleted lets the next one through), but one drop per
       * flow is told, as the kernel dataplane's trace tells it, until the flow has been quiet for
       * the UDP timeout: a resolver's retries are not new connections.
       */
      dropped?: Map<string, number>;
      /** The flow table was full at the last new flow (warned once until it is not). */
      full?: boolean;
    };

/**
 * The TCP path's Node internals (libuvTcp.ts), checked once at start: without them Services are
 * still proxied, through net.Socket (netTcp.ts), and the start says so with what is lost.
 */
function warnWithoutTcpBindings(logger: ProxierLogger): void {
  const tcp = libuv();
  if (tcp.kind === 'libuv') return;
  logger.warn(
    { node: process.version, missing: tcp.missing },
    "this Node.js lacks the libuv TCP bindings kube-proxy's data path uses: Services are proxied through net.Socket (about 1.7x fewer new connections per second) and no connection goes to a relay process",
  );
}

/**
 * l4lab's kube-proxy, userspace backend: real TCP and UDP listeners on every Service frontend
 * (ClusterIP, NodePort on every node, LoadBalancer IPs, externalIPs), each new connection or flow
 * sent to an endpoint chosen like the Service's proxy mode, with session affinity and traffic
 * policies, one ConnectionEvent when it opens and one when it ends. Cluster state arrives only
 * through the Service / EndpointSlice change trackers and a bounded-frequency sync.
 */
export class UserspaceProxier implements Provider, TcpProxyOwner, UdpFlowOwner {
  readonly name = 'userspace';
  readonly defaultMode: ProxyMode;
  readonly udpIdleTimeoutMs: number;
  readonly connects: ConnectTimeouts;
  readonly clock: Clock;
  readonly #o: UserspaceProxierOptions;
  readonly #random: () => number;
  readonly #chooser: EndpointChooser;
  /** kube-proxy's informers and change trackers (shared with the nftables backend). */
  readonly #watch: ServiceWatch;
  readonly #listeners = new Map<string, Listener>();
  readonly #healthChecks: HealthCheckServers;
  readonly #flows = new Set<TcpFlow>();
  readonly #relays: RelayPool;
  /** Dropped connections, held unanswered until dropHoldMs. */
  readonly #held = new Map<TcpHandle, TimerHandle>();
  readonly #runner: BoundedFrequencyRunner;
  /** Frontends that could not bind: how often they failed, and when to try again. */
  readonly #bindRetry = new Map<string, { attempts: number; at: number }>();
  /** Frontends not listening at their address, by frontend key; said on their Service. */
  readonly #problems = new Map<string, FrontendProblem>();
  /** Services whose FrontendsListening condition this proxier set ("ns/name"). */
  readonly #conditioned = new Set<string>();
  readonly #fds: FdReserve;
  /** When a connection was last refused for want of descriptors (warned once a minute). */
  #fdsShortAt = -Infinity;
  /** One sync at a time; a failed one is retried by the runner and does not block the next. */
  readonly #syncs = serialRuns(() => this.#sync());
  /** Frontends to reconcile at the next sync whatever changed (at start, after a bind back-off). */
  #reconcileDue = true;
  /** When the oldest change not yet synced was seen. */
  #pendingSince: number | undefined;
  readonly #router: ConnectionRouter;
  #stopped = false;

  constructor(opts: UserspaceProxierOptions) {
    warnWithoutTcpBindings(opts.logger);
    this.#o = opts;
    this.#fds = opts.fds ?? new FdReserve();
    this.clock = opts.clock;
    this.#random = opts.random ?? Math.random;
    this.#chooser = new EndpointChooser(this.#random, () => opts.clock.now());
    this.#watch = new ServiceWatch(opts.cluster, {
      onChange: () => {
        this.#routing = undefined;
        this.#pendingSince ??= opts.clock.now();
        opts.health?.queuedUpdate();
        this.#runner.run();
      },
    });
    const mode = parseProxyMode(opts.proxyMode ?? 'iptables');
    if (!mode) throw new Error(`unknown proxy mode "${opts.proxyMode}"`);
    this.defaultMode = mode;
    this.#healthChecks = new HealthCheckServers(opts.mapper, opts.logger);
    this.#router = new ConnectionRouter({
      chooser: this.#chooser,
      defaultMode: mode,
      clock: opts.clock,
      random: this.#random,
      mapperMode: opts.mapper.mode,
    });
    this.udpIdleTimeoutMs = opts.udpIdleTimeoutMs ?? 30_000;
    this.connects = new ConnectTimeouts(opts.clock, opts.connectTimeoutMs ?? 5000);
    this.#relays = new RelayPool(opts.relayProcesses ?? defaultRelayProcesses(), opts.logger);
    this.#runner = new BoundedFrequencyRunner({
      name: 'sync-runner',
      fn: () => this.syncProxyRules(),
      clock: opts.clock,
      minInterval: opts.minSyncPeriodMs ?? 50,
      maxInterval: opts.syncPeriodMs ?? 30_000,
      onError: (err) => opts.logger.warn({ err: String(err) }, 'syncProxyRules failed'),
    });
  }

  get mode(): string {
    return this.defaultMode.name;
  }

  start(): void {
    this.#relays.check(); // the native relay's build, now: a failure is said at start
    this.#watch.start();
    this.#runner.loop();
    this.#runner.run();
  }

  /** Ports, endpoints and frontends as last synced (for the API and tests). */
  state(): {
    services: ServicePortInfo[];
    endpoints: ReadonlyMap<ServicePortName, EndpointInfo[]>;
    listening: string[];
  } {
    return {
      services: [...this.#serviceMap.values()],
      endpoints: this.#endpointsMap,
      listening: [...this.#listeners.keys()],
    };
  }

  /** Every frontend listening now (virtual address, kind, node, Service port). */
  frontends(): FrontendSpec[] {
    return [...this.#listeners.values()].map((l) => ({ ...l.spec }));
  }

  syncProxyRules(): Promise<void> {
    return this.#syncs.run();
  }

  // ---- TcpProxyOwner / UdpFlowOwner
  now(): number {
    return this.#o.clock.now();
  }

  emit(e: ConnectionEvent): void {
    this.#o.onEvent(e);
  }

  streaming(flow: TcpFlow, full: boolean): HandOff {
    return this.#relays.adopt(flow, full);
  }

  /** Relay processes running, and the connections they are moving now. */
  relays(): { pids: number[]; connections: number } {
    return { pids: this.#relays.pids, connections: this.#relays.relayed };
  }

  closed(flow: TcpFlow | UdpFlow): void {
    this.#chooser.closed(flow.spn, flow.ep);
    if (flow instanceof TcpFlow) this.#flows.delete(flow);
  }

  /** What the router reads per connection: rebuilt when a part is replaced, not per connection. */
  #routing: RoutingState | undefined;

  #routingState(): RoutingState {
    return (this.#routing ??= this.#watch.routing());
  }

  get #serviceMap(): ReadonlyMap<ServicePortName, ServicePortInfo> {
    return this.#routingState().serviceMap;
  }

  get #endpointsMap(): ReadonlyMap<ServicePortName, EndpointInfo[]> {
    return this.#routingState().endpointsMap;
  }

  get #nodes(): readonly NodeInfo[] {
    return this.#routingState().nodes;
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    await timedSync(this.#o.health, (started) => this.#syncRules(started));
  }

  async #syncRules(started: number): Promise<void> {
    const since = this.#pendingSince;
    this.#pendingSince = undefined;
    const { changed, touched } = this.#watch.drain();
    if (touched.size > 0) {
      this.#routing = undefined;
      this.#chooser.prune(new Set(this.#serviceMap.keys()));
      this.#flushStaleUdpFlows();
    }
    const reconcileDue = this.#reconcileDue;
    this.#reconcileDue = false;
    const want = desiredFrontends(this.#serviceMap.values(), this.#nodes, this.#o.exposeIPs ?? []);
    if (changed || reconcileDue || want.size !== this.#listeners.size) {
      try {
        await this.#reconcileListeners(want);
        await this.#reconcileHealthChecks();
      } catch (err) {
        if (since !== undefined) this.#pendingSince = Math.min(since, this.#pendingSince ?? since);
        throw err;
      }
    }
    this.#o.health?.updated(
      changed && since !== undefined
        ? {
            elapsedMs: this.#o.clock.now() - since,
            syncMs: performance.now() - started,
            servicePorts: this.#serviceMap.size,
            endpoints: countEndpoints(this.#endpointsMap),
          }
        : undefined,
    );
  }

  /** conntrack -D for UDP: flows whose endpoint is no longer an endpoint of its Service port. */
  #flushStaleUdpFlows(): void {
    for (const l of this.#listeners.values()) {
      if (!l.flows) continue;
      for (const f of [...l.flows.values()]) {
        const eps = this.#endpointsMap.get(f.spn) ?? [];
        if (!eps.some((e) => e.ip === f.ep.ip && e.port === f.ep.port && (e.ready || e.serving))) {
          f.end('endpoint removed: stale UDP flow flushed');
        }
      }
    }
  }

  async #reconcileListeners(want: Map<string, FrontendSpec>): Promise<void> {
    for (const [key, l] of this.#listeners) {
      const w = want.get(key);
      if (w && w.spn === l.spec.spn && w.kind === l.spec.kind) {
        l.spec.node = w.node; // node names may move (externalIPs)
        continue;
      }
      this.#listeners.delete(key);
      this.#closeListener(l);
    }
    for (const key of this.#bindRetry.keys()) if (!want.has(key)) this.#bindRetry.delete(key);
    for (const key of this.#problems.keys()) if (!want.has(key)) this.#problems.delete(key);
    for (const [key, spec] of want) {
      const current = this.#listeners.get(key);
      if (current && !current.fallback) continue;
      const retry = this.#bindRetry.get(key);
      // A frontend that could not bind waits for its back-off, whatever else makes syncs run.
      if (retry && this.#o.clock.now() < retry.at) continue;
      if (current) {
        await this.#returnHome(current, retry);
        continue;
      }
      try {
        const l = await this.#listenOrMap(spec);
        if (this.#stopped) {
          this.#closeListener(l);
          return;
        }
        this.#listeners.set(key, l);
        if (l.fallback) this.#backOff(key, undefined);
        else {
          if (retry) this.#o.logger.info({ frontend: key }, 'Service frontend listening at last');
          this.#bindRetry.delete(key);
        }
      } catch (err) {
        this.#problems.set(key, {
          spn: spec.spn,
          reason: problemReason(err),
          message: `${describeFrontend(spec)}: ${errorText(err)}; retrying every ${BIND_RETRY_MS / 1000} s, doubling up to ${BIND_RETRY_MAX_MS / 1000} s`,
        });
        if (this.#backOff(key, retry) === 1) {
          this.#o.logger.warn(
            { frontend: key, err: String(err) },
            `cannot listen on Service frontend; retrying every ${BIND_RETRY_MS / 1000} s, doubling up to ${BIND_RETRY_MAX_MS / 1000} s`,
          );
        }
      }
    }
    this.#sayProblems();
  }

  /** The next try of a frontend, 1 s after the first failure, doubling up to 60 s. Returns the attempt. */
  #backOff(key: string, retry: { attempts: number } | undefined): number {
    const attempts = (retry?.attempts ?? 0) + 1;
    const delay = Math.min(BIND_RETRY_MAX_MS, BIND_RETRY_MS * 2 ** (attempts - 1));
    this.#bindRetry.set(key, { attempts, at: this.#o.clock.now() + delay });
    this.#o.clock.setTimeout(() => {
      this.#reconcileDue = true;
      this.#runner.run();
    }, delay);
    return attempts;
  }

  /** A frontend served at a mapped port tries its own address again; it moves back once free. */
  async #returnHome(mappedHere: Listener, retry: { attempts: number } | undefined): Promise<void> {
    const spec = mappedHere.spec;
    let home: Listener;
    try {
      home = await this.#listen(spec);
    } catch {
      this.#backOff(spec.key, retry);
      return;
    }
    if (this.#stopped) {
      this.#closeListener(home);
      return;
    }
    this.#closeListener(mappedHere); // drops the mapping: the address is the frontend's again
    this.#listeners.set(spec.key, home);
    this.#bindRetry.delete(spec.key);
    this.#problems.delete(spec.key);
    this.#o.logger.info({ frontend: spec.key }, 'Service frontend listening at its address again');
  }

  /**
   * Listens on the frontend's address; if a process of this host holds it (often on 0.0.0.0),
   * listens at a mapped 127.0.0.1 port instead, so the lab's own clients (traffic, exec, DNS
   * answers) still reach the Service, says so on the Service, and tries the address again later.
   */
  async #listenOrMap(spec: FrontendSpec): Promise<Listener> {
    this.#problems.delete(spec.key);
    if (!this.#fds.take(1))
      throw Object.assign(new Error(this.#fds.describe()), { code: 'EMFILE' });
    try {
      return await this.#listen(spec);
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (!inUse || this.#o.mapper.mode !== 'native' || spec.exposed) throw err;
      const l = await this.#listen(spec, true);
      l.fallback = true;
      const host = this.#o.mapper.resolve(spec.ip, spec.port, spec.protocol);
      this.#problems.set(spec.key, {
        spn: spec.spn,
        reason: 'AddressInUse',
        message: `${describeFrontend(spec)}: address already in use by another process on this host (from this host, that process answers there); l4lab's own clients reach this port at ${host.ip}:${host.port} until the address is free`,
      });
      this.#o.logger.warn(
        { frontend: spec.key, hostPort: host.port },
        'Service frontend address held by another process of this host; serving it at a mapped port until it is free',
      );
      return l;
    }
  }

  /** One FrontendsListening condition per Service with a problem; cleared once there is none. */
  #sayProblems(): void {
    const byService = new Map<string, FrontendProblem[]>();
    for (const p of this.#problems.values()) {
      const svc = p.spn.slice(0, p.spn.lastIndexOf(':'));
      byService.set(svc, [...(byService.get(svc) ?? []), p]);
    }
    for (const svc of new Set([...this.#conditioned, ...byService.keys()])) {
      const [namespace, name] = svc.split('/') as [string, string];
      const problems = byService.get(svc);
      const said = this.#o.cluster.store
        .get('Service', namespace, name)
        ?.status?.conditions?.find((c) => c.type === FRONTENDS_LISTENING)?.message;
      const message = problems?.map((p) => p.message).join('; ');
      const service = this.#o.cluster.store.get('Service', namespace, name);
      if (problems && service && message !== said) {
        // Said once per change, as a Warning Event (kubectl describe svc shows it).
        this.#o.cluster.events.record(service, 'Warning', problems[0]!.reason, message!, {
          component: 'kube-proxy',
        });
      }
      this.#o.cluster.setServiceCondition(
        namespace,
        name,
        FRONTENDS_LISTENING,
        problems && {
          status: 'False',
          reason: problems[0]!.reason,
          message: problems.map((p) => p.message).join('; '),
        },
      );
      if (problems) this.#conditioned.add(svc);
      else this.#conditioned.delete(svc);
    }
  }

  #closeListener(l: Listener): void {
    if (l.tcp) {
      l.tcp.onconnection = null;
      l.tcp.close();
    } else {
      for (const f of [...l.flows.values()]) f.end('Service frontend removed');
      l.udp.close();
    }
    if (!l.spec.exposed) this.#o.mapper.delete(l.spec.ip, l.spec.port, l.spec.protocol);
  }

  #reconcileHealthChecks(): Promise<void> {
    return this.#healthChecks.reconcile(this.#serviceMap, this.#endpointsMap, this.#nodes);
  }

  #listen(spec: FrontendSpec, mappedHere = false): Promise<Listener> {
    const mapped = (this.#o.mapper.mode === 'mapped' || mappedHere) && !spec.exposed;
    const host = mapped ? '127.0.0.1' : spec.ip;
    const port = mapped ? 0 : spec.port;
    const register = (hostPort: number) => {
      if (mapped)
        this.#o.mapper.set({
          ip: spec.ip,
          port: spec.port,
          protocol: spec.protocol,
          hostIp: '127.0.0.1',
          hostPort,
        });
    };
    if (spec.protocol === 'UDP') {
      const sock = createSocket({ type: 'udp4' });
      const l: Listener = { spec, udp: sock, flows: new Map() };
      sock.on('message', (msg, rinfo) => this.#onDatagram(l, msg, rinfo));
      return new Promise((resolve, reject) => {
        sock.once('error', reject);
        sock.bind({ address: host, port, exclusive: true }, () => {
          sock.off('error', reject);
          sock.on('error', (err) =>
            this.#o.logger.warn({ err: String(err) }, 'UDP frontend error'),
          );
          register(sock.address().port);
          resolve(l);
        });
      });
    }
    return libuv()
      .listen(host, port, 4096)
      .then(({ server, port: bound }) => {
        const l: Listener = { spec, tcp: server };
        const onConnection = (status: number, client: TcpHandle | undefined) => {
          if (status === 0 && client) this.#onConnection(l, client);
          else this.#o.logger.warn({ frontend: spec.key, status }, 'accept failed');
        };
        server.onconnection = onConnection;
        register(bound);
        return l;
      });
  }

  #onConnection(l: Listener, client: TcpHandle): void {
    // The upstream socket needs a descriptor: none left beyond the API's reserve, reset at once.
    if (!this.#fds.take(1)) {
      this.#fdsShort(l.spec);
      if (client.reset() !== 0) client.close();
      return;
    }
    const peer: SockAddr = {};
    client.getpeername(peer);
    const d = this.#router.decide(this.#routingState(), l.spec, peer.address ?? '', peer.port ?? 0);
    if (!d.endpoint) {
      this.emit(d.event);
      if (d.event.outcome === 'refused') {
        // kube-proxy REJECTs: the client sees the connection refused (here: reset at once).
        if (client.reset() !== 0) client.close();
      } else {
        // DROP: never answered (nothing read, nothing sent); the client times out. Held here,
        // then closed; at once when holding it would eat into the API's descriptors.
        if (!this.#fds.take(1)) {
          client.close();
          return;
        }
        const t = this.#o.clock.setTimeout(
          () => this.#release(client),
          this.#o.dropHoldMs ?? 60_000,
        );
        this.#held.set(client, t);
      }
      return;
    }
    const target = this.#o.mapper.resolve(d.endpoint.ip, d.endpoint.port, 'TCP');
    const flow = new TcpFlow(this, client, d.event, l.spec.spn, d.endpoint);
    this.#flows.add(flow);
    flow.start({ ...target, ...(d.localAddress ? { localAddress: d.localAddress } : {}) });
  }

  #fdsShort(spec: FrontendSpec): void {
    const now = this.#o.clock.now();
    if (now - this.#fdsShortAt < 60_000) return;
    this.#fdsShortAt = now;
    this.#o.logger.warn(
      { frontend: spec.key },
      `refusing new connections: ${this.#fds.describe()}`,
    );
  }

  #release(held: TcpHandle): void {
    const t = this.#held.get(held);
    if (!t) return;
    t.cancel();
    this.#held.delete(held);
    held.close();
  }

  #onDatagram(l: Listener, msg: Buffer, rinfo: RemoteInfo): void {
    if (!l.flows) return;
    const key = `${rinfo.address}:${rinfo.port}`;
    const existing = l.flows.get(key);
    if (existing && !existing.ended) {
      existing.fromClient(msg);
      return;
    }

    // Like a full conntrack table: no new flow beyond the limit (the datagram is lost).
    if (l.flows.size >= (this.#o.maxUdpFlows ?? MAX_UDP_FLOWS)) {
      if (!l.full)
        this.#o.logger.warn(
          { frontend: `${l.spec.ip}:${l.spec.port}/UDP`, flows: l.flows.size },
          'UDP flow table full, dropping datagrams of new flows (nf_conntrack: table full, dropping packet)',
        );
      l.full = true;
      return;
    }
    l.full = false;
    if (!this.#fds.take(1)) {
      this.#fdsShort(l.spec);
      return;
    }
    const d = this.#router.decide(this.#routingState(), l.spec, rinfo.address, rinfo.port);
    if (!d.endpoint) {
      // REJECT / DROP: the datagram is discarded.
      if (d.event.outcome !== 'dropped' || !this.#droppedBefore(l, key)) this.emit(d.event);
      return;
    }
    l.dropped?.delete(key);
    const target = this.#o.mapper.resolve(d.endpoint.ip, d.endpoint.port, 'UDP');
    const flows = l.flows;
    const flow = new UdpFlow({
      key,
      owner: this,
      frontend: l.udp,
      client: rinfo,
      event: d.event,
      spn: l.spec.spn,
      ep: d.endpoint,
      target: { ...target, ...(d.localAddress ? { localAddress: d.localAddress } : {}) },
      onEnd: (f) => {
        if (flows.get(f.key) === f) flows.delete(f.key);
      },
    });
    flows.set(key, flow);
    flow.fromClient(msg);
  }

  /** Whether a datagram of this flow was dropped lately (and remembers this one). */
  #droppedBefore(l: Listener & { udp: UdpSocket }, key: string): boolean {
    const dropped = (l.dropped ??= new Map());
    const now = this.#o.clock.now();
    const last = dropped.get(key);
    dropped.delete(key); // re-inserted: the Map stays ordered by last use
    dropped.set(key, now);
    // Bounded like the flow table: the least recently used are forgotten first.
    if (dropped.size > (this.#o.maxUdpFlows ?? MAX_UDP_FLOWS))
      dropped.delete(dropped.keys().next().value!);
    return last !== undefined && now - last < (this.#o.udpIdleTimeoutMs ?? 30_000);
  }

  async shutdown(force = true): Promise<void> {
    this.#stopped = true;
    this.#watch.stop();
    this.#runner.stop();
    await this.#syncs.idle();
    const closing: Promise<void>[] = [];
    for (const l of this.#listeners.values()) {
      if (l.tcp) {
        l.tcp.onconnection = null;
        closing.push(new Promise<void>((r) => l.tcp.close(() => r())));
      } else {
        for (const f of [...l.flows.values()]) f.end('kube-proxy stopped');
        closing.push(new Promise<void>((r) => l.udp.close(() => r())));
      }
    }
    closing.push(this.#healthChecks.closeAll());
    this.#listeners.clear();
    if (force) {
      this.connects.stop();
      await this.#relays.stop(true); // their connections' final events first, with their bytes
      for (const f of [...this.#flows]) f.close(false);
      for (const h of [...this.#held.keys()]) this.#release(h);
    } else void this.#relays.stop(false);
    await Promise.all(closing);
  }
}

/** UDP flows tracked per frontend at most (each holds a socket and a timer). */
export const MAX_UDP_FLOWS = 4096;
