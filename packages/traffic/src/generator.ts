import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_TRAFFIC_COUNT, type TrafficRequest, type TrafficStatus } from '@l4lab/protocol';
import { type ClientConnectionListener, udpFlow, watchTcp } from './clientConnections.ts';
import { LatencyWindow } from './latency.ts';
import { type Done, httpOnce, tcpOnce, udpOnce } from './requests.ts';

export interface GeneratorTarget {
  /** The virtual address to reach (e.g. the ClusterIP) and where it really listens on this host. */
  ip: string;
  port: number;
  hostIp: string;
  hostPort: number;
  /** The Host header / display name. */
  name: string;
}

export interface GeneratorOptions {
  id: string;
  spec: TrafficRequest;
  target: GeneratorTarget;
  /** Source addresses to connect from (external clients 127.30.0.1..N, or the pod's IP); [] = the OS's choice. */
  sources: string[];
  /** The pod the requests come from (`ns/name`), shown in the status. */
  sourcePod?: string;
  now?: () => number;
  onUpdate?: (status: TrafficStatus) => void;
  /** Each connection (UDP: flow) as this side saw it: open, then ended (clientConnections.ts). */
  onConnection?: ClientConnectionListener;
}

/** Most requests one generator makes, whatever its rate and duration. */
export const MAX_REQUESTS = MAX_TRAFFIC_COUNT;
/** Longest a generator without a duration runs (s). */
export const MAX_DURATION_S = 3600;
/** Requests in flight at once unless the request says `concurrency`. */
const DEFAULT_CONCURRENCY = 64;

/**
 * A load generator: `rate` new connections (or keep-alive requests, or UDP datagrams) per second
 * from a set of client addresses, counting which pod answered (X-Pod-Name), errors and latency.
 */
export class TrafficGenerator {
  readonly id: string;
  readonly #o: GeneratorOptions;
  readonly #now: () => number;
  readonly #latency = new LatencyWindow();
  readonly #agents: Agent[];
  readonly #agentRequests: number[];
  readonly #sockets = new WeakSet<Socket>();
  readonly #byPod: Record<string, number> = {};
  #state: TrafficStatus['state'] = 'running';
  #startedAt = 0;
  #sent = 0;
  #ok = 0;
  #errors = 0;
  #connections = 0;
  #inFlight = 0;
  #lastError: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #updateTimer: NodeJS.Timeout | undefined;

  constructor(opts: GeneratorOptions) {
    this.id = opts.id;
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    const n = Math.max(1, opts.sources.length);
    // keep-alive: one connection per client address at a time, reused request after request
    this.#agents = Array.from({ length: n }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    this.#agentRequests = this.#agents.map(() => 0);
  }

  start(): void {
    this.#startedAt = this.#now();
    this.#timer = setInterval(() => this.#tick(), 10);
    this.#updateTimer = setInterval(() => this.#o.onUpdate?.(this.status()), 500);
  }

  stop(state: 'stopped' | 'finished' = 'stopped'): void {
    if (this.#state !== 'running') return;
    this.#state = state;
    clearInterval(this.#timer);
    clearInterval(this.#updateTimer);
    for (const a of this.#agents) a.destroy();
    this.#o.onUpdate?.(this.status());
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  status(): TrafficStatus {
    const { spec, target } = this.#o;
    return {
      id: this.id,
      target: spec.target,
      resolved: `${target.ip}:${target.port}`,
      from: spec.from,
      protocol: spec.protocol,
      rate: spec.rate,
      state: this.#state,
      startedAt: this.#startedAt,
      sent: this.#sent,
      ok: this.#ok,
      errors: this.#errors,
      byPod: { ...this.#byPod },
      latencyMs: this.#latency.percentiles(),
      connections: this.#connections,
      ...(this.#o.sourcePod && this.#o.sources[0] ? { source: this.#o.sources[0] } : {}),
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  /** How many requests this generator sends in all (count, rate x duration, the maximum). */
  get limit(): number {
    const { spec } = this.#o;
    const byDuration = spec.duration > 0 ? Math.ceil(spec.rate * spec.duration) : Infinity;
    return Math.min(MAX_REQUESTS, spec.count ?? Infinity, byDuration);
  }

  #tick(): void {
    const { spec } = this.#o;
    const elapsed = (this.#now() - this.#startedAt) / 1000;
    const limit = this.limit;
    const maxDuration = spec.duration > 0 ? spec.duration : MAX_DURATION_S;
    if (this.#sent >= limit || elapsed >= maxDuration) {
      if (this.#inFlight === 0 || elapsed >= maxDuration + 5) this.stop('finished');
      return;
    }
    const due = Math.min(Math.floor(elapsed * spec.rate) + 1, limit) - this.#sent;
    for (let i = 0; i < due; i++) {
      const n = this.#sent++;
      if (this.#inFlight >= (spec.concurrency ?? DEFAULT_CONCURRENCY)) {
        this.#fail('too many requests in flight; skipped');
        continue;
      }
      this.#inFlight++;
      const started = performance.now();
      this.#send(n, (pod, err) => {
        this.#inFlight--;
        if (err !== undefined) return this.#fail(err);
        this.#ok++;
        this.#latency.add(performance.now() - started);
        const key = pod ?? '(unknown)';
        this.#byPod[key] = (this.#byPod[key] ?? 0) + 1;
      });
    }
  }

  #send(n: number, done: Done): void {
    const { spec, target, sources } = this.#o;
    const localAddress = sources.length ? sources[n % sources.length] : undefined;
    const listener = this.#o.onConnection;
    const remote = { ip: target.hostIp, port: target.hostPort };
    if (spec.protocol === 'tcp') {
      this.#connections++;
      return tcpOnce(
        target,
        localAddress,
        done,
        listener && ((s) => watchTcp(s, remote, listener)),
      );
    }
    if (spec.protocol === 'udp') {
      this.#connections++;
      return udpOnce(target, localAddress, done, listener && ((s) => udpFlow(s, remote, listener)));
    }
    const slot = n % this.#agents.length;
    const perConnection = spec.requestsPerConnection ?? 0;
    const k = ++this.#agentRequests[slot]!;
    httpOnce(
      target,
      localAddress,
      spec.keepAlive ? this.#agents[slot]! : false,
      {
        close: spec.keepAlive && perConnection > 0 && k % perConnection === 0,
        onSocket: (s) => {
          if (this.#sockets.has(s)) return;
          this.#sockets.add(s);
          this.#connections++;
          if (listener) watchTcp(s, remote, listener);
        },
      },
      done,
    );
  }

  #fail(err: string): void {
    this.#errors++;
    this.#lastError = err;
  }
}
