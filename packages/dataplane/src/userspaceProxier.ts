import { createServer, type Server, type Socket } from 'node:net';
import type { ConnectionEvent, EndpointSlice, Service, WatchEvent } from '@l4lab/protocol';
import { objectKey } from '@l4lab/protocol';
import {
  BoundedFrequencyRunner,
  ChangeTracker,
  type Clock,
  type Cluster,
  type PortMapper,
} from '@l4lab/cluster';
import { eligibleEndpoints, pickRandom } from './endpointSelection.ts';
import { endpointsFromSlices, servicePorts } from './serviceState.ts';
import { clientAddress, proxyTcp } from './tcpProxy.ts';
import type {
  ConnectionEventSink,
  EndpointInfo,
  Provider,
  ServicePortInfo,
  ServicePortName,
} from './types.ts';

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
  random?: () => number;
  /** kube-proxy's --iptables-min-sync-period (l4lab: 50 ms, so the graph follows at once). */
  minSyncPeriodMs?: number;
  /** kube-proxy's --iptables-sync-period. */
  syncPeriodMs?: number;
}

interface Frontend {
  key: string;
  ip: string;
  port: number;
  spn: ServicePortName;
  server: Server;
}

/**
 * l4lab's kube-proxy, userspace backend: a real TCP listener on every ClusterIP:port, each new
 * connection sent to an endpoint chosen like the iptables mode (uniform random over the ready
 * endpoints), one ConnectionEvent when it opens and one when it closes. Cluster state arrives only
 * through the Service / EndpointSlice change trackers and a bounded-frequency sync.
 */
export class UserspaceProxier implements Provider {
  readonly name = 'userspace';
  readonly mode = 'iptables';
  readonly #o: UserspaceProxierOptions;
  readonly #random: () => number;
  readonly #serviceChanges = new ChangeTracker<Service>();
  readonly #sliceChanges = new ChangeTracker<EndpointSlice>();
  readonly #slices = new Map<string, Map<string, EndpointSlice>>(); // "ns/service" -> slices
  readonly #servicePorts = new Map<string, ServicePortInfo[]>(); // "ns/service" -> ports
  #serviceMap = new Map<ServicePortName, ServicePortInfo>();
  #endpointsMap = new Map<ServicePortName, EndpointInfo[]>();
  readonly #frontends = new Map<string, Frontend>();
  readonly #sockets = new Set<Socket>();
  readonly #runner: BoundedFrequencyRunner;
  #syncing: Promise<void> = Promise.resolve();
  #seq = 0;
  #unwatch: (() => void) | undefined;
  #stopped = false;

  constructor(opts: UserspaceProxierOptions) {
    this.#o = opts;
    this.#random = opts.random ?? Math.random;
    this.#runner = new BoundedFrequencyRunner({
      name: 'sync-runner',
      fn: () => void this.syncProxyRules(),
      clock: opts.clock,
      minInterval: opts.minSyncPeriodMs ?? 50,
      maxInterval: opts.syncPeriodMs ?? 30_000,
      onError: (err) => opts.logger.warn({ err: String(err) }, 'syncProxyRules failed'),
    });
  }

  start(): void {
    // An informer's cache: the previous state of each object, for the change trackers.
    const seen = new Map<string, Service | EndpointSlice>();
    const onEvent = (e: WatchEvent) => {
      const o = e.object;
      if (o.kind !== 'Service' && o.kind !== 'EndpointSlice') return;
      const key = `${o.kind}/${objectKey(o)}`;
      const previous = seen.get(key);
      const current = e.type === 'DELETED' ? undefined : o;
      if (current) seen.set(key, current);
      else seen.delete(key);
      const pending =
        o.kind === 'Service'
          ? this.#serviceChanges.update(
              previous as Service | undefined,
              current as Service | undefined,
            )
          : this.#sliceChanges.update(
              previous as EndpointSlice | undefined,
              current as EndpointSlice | undefined,
            );
      if (pending) this.#runner.run();
    };
    this.#unwatch = this.#o.cluster.watch(onEvent);
    for (const o of [
      ...this.#o.cluster.list('Service'),
      ...this.#o.cluster.list('EndpointSlice'),
    ]) {
      onEvent({ type: 'ADDED', object: o });
    }
    this.#runner.loop();
    this.#runner.run();
  }

  /** Ports and endpoints as last synced (for the API and tests). */
  state(): {
    services: ServicePortInfo[];
    endpoints: Map<ServicePortName, EndpointInfo[]>;
    listening: string[];
  } {
    return {
      services: [...this.#serviceMap.values()],
      endpoints: this.#endpointsMap,
      listening: [...this.#frontends.keys()],
    };
  }

  syncProxyRules(): Promise<void> {
    this.#syncing = this.#syncing.then(() => this.#sync());
    return this.#syncing;
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    const touched = new Set<string>();
    for (const [key, ch] of this.#serviceChanges.drain()) {
      touched.add(key);
      if (ch.current) this.#servicePorts.set(key, servicePorts(ch.current));
      else this.#servicePorts.delete(key);
    }
    for (const ch of this.#sliceChanges.drain().values()) {
      const s = (ch.current ?? ch.previous)!;
      const svcKey = `${s.metadata.namespace}/${s.metadata.labels?.['kubernetes.io/service-name'] ?? ''}`;
      touched.add(svcKey);
      const m = this.#slices.get(svcKey) ?? new Map<string, EndpointSlice>();
      if (ch.current) m.set(objectKey(s), ch.current);
      else m.delete(objectKey(s));
      if (m.size) this.#slices.set(svcKey, m);
      else this.#slices.delete(svcKey);
    }
    if (touched.size === 0 && this.#frontends.size === this.#desiredFrontends().size) return;
    const serviceMap = new Map<ServicePortName, ServicePortInfo>();
    for (const ports of this.#servicePorts.values())
      for (const p of ports) serviceMap.set(p.name, p);
    const endpointsMap = new Map(this.#endpointsMap);
    for (const key of touched) {
      for (const k of endpointsMap.keys()) if (k.startsWith(`${key}:`)) endpointsMap.delete(k);
      const [ns, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      for (const [k, v] of endpointsFromSlices(ns, name, this.#slices.get(key)?.values() ?? []))
        endpointsMap.set(k, v);
    }
    this.#serviceMap = serviceMap;
    this.#endpointsMap = endpointsMap;
    await this.#reconcileFrontends();
  }

  #desiredFrontends(): Map<string, ServicePortInfo> {
    const want = new Map<string, ServicePortInfo>();
    for (const p of this.#serviceMap.values()) {
      if (p.protocol !== 'TCP') continue; // UDP and SCTP frontends: not in this backend yet
      want.set(`TCP/${p.clusterIP}:${p.port}`, p);
    }
    return want;
  }

  async #reconcileFrontends(): Promise<void> {
    const want = this.#desiredFrontends();
    for (const [key, f] of this.#frontends) {
      if (want.get(key)?.name === f.spn) continue;
      this.#frontends.delete(key);
      f.server.close();
      this.#o.mapper.delete(f.ip, f.port, 'TCP');
    }
    for (const [key, p] of want) {
      if (this.#frontends.has(key)) continue;
      try {
        const server = await this.#listen(p);
        if (this.#stopped) {
          server.close();
          return;
        }
        this.#frontends.set(key, { key, ip: p.clusterIP, port: p.port, spn: p.name, server });
      } catch (err) {
        this.#o.logger.warn(
          { frontend: key, err: String(err) },
          'cannot listen on Service frontend; will retry',
        );
        this.#o.clock.setTimeout(() => this.#runner.run(), 1000);
      }
    }
  }

  #listen(p: ServicePortInfo): Promise<Server> {
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, (socket) =>
      this.#onConnection(socket, p.name, p.clusterIP, p.port),
    );
    server.on('error', (err) =>
      this.#o.logger.warn({ err: String(err) }, 'frontend listener error'),
    );
    const mapped = this.#o.mapper.mode === 'mapped';
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(
        { host: mapped ? '127.0.0.1' : p.clusterIP, port: mapped ? 0 : p.port, exclusive: true },
        () => {
          server.off('error', reject);
          if (mapped) {
            const a = server.address();
            const hostPort = typeof a === 'object' && a ? a.port : 0;
            this.#o.mapper.set({
              ip: p.clusterIP,
              port: p.port,
              protocol: 'TCP',
              hostIp: '127.0.0.1',
              hostPort,
            });
          }
          resolve(server);
        },
      );
    });
  }

  #onConnection(client: Socket, spn: ServicePortName, ip: string, port: number): void {
    const untrack = this.#track(client);
    client.once('close', untrack);
    client.on('error', () => {}); // replaced by the proxy's handler; never let an error escape
    const svc = this.#serviceMap.get(spn);
    const startedAt = this.#o.clock.now();
    const id = `${startedAt.toString(36)}-${(++this.#seq).toString(36)}`;
    if (!svc) {
      client.resetAndDestroy();
      return;
    }
    const frontend: ConnectionEvent['frontend'] = { kind: 'ClusterIP', ip, port };
    const pick = pickRandom(eligibleEndpoints(this.#endpointsMap.get(spn) ?? []), this.#random);
    if (!pick) {
      // kube-proxy REJECTs: the client sees "connection refused" (here: a reset, at once).
      const at = this.#o.clock.now();
      this.#o.onEvent({
        id,
        startedAt,
        endedAt: at,
        durationMs: at - startedAt,
        protocol: 'TCP',
        client: clientAddress(client),
        frontend,
        service: { namespace: svc.namespace, name: svc.service, port: svc.portName },
        mode: this.mode,
        reason: `${svc.namespace}/${svc.service}:${svc.portName} has no endpoints`,
        bytesIn: 0,
        bytesOut: 0,
        outcome: 'refused',
      });
      client.resetAndDestroy();
      return;
    }
    proxyTcp(
      { client, svc, frontend, mode: this.mode, pick, id, startedAt },
      {
        clock: this.#o.clock,
        mapper: this.#o.mapper,
        emit: this.#o.onEvent,
        track: (s) => this.#track(s),
      },
    );
  }

  #track(s: Socket): () => void {
    this.#sockets.add(s);
    return () => this.#sockets.delete(s);
  }

  async shutdown(force = true): Promise<void> {
    this.#stopped = true;
    this.#unwatch?.();
    this.#runner.stop();
    await this.#syncing.catch(() => {});
    const closing = [...this.#frontends.values()].map(
      (f) => new Promise<void>((r) => f.server.close(() => r())),
    );
    this.#frontends.clear();
    if (force) for (const s of this.#sockets) s.destroy();
    await Promise.all(closing);
  }
}
