import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { TrafficRequest, TrafficStatus } from '@l4lab/protocol';
import { LatencyWindow } from './latency.ts';

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
  /** Source addresses to connect from (external clients: 127.30.0.1..N); [] = the OS's choice. */
  sources: string[];
  now?: () => number;
  /** Most requests in flight at once; beyond it a tick's requests are skipped and counted. */
  maxInFlight?: number;
  onUpdate?: (status: TrafficStatus) => void;
}

/** Most requests one generator makes, whatever its rate and duration. */
export const MAX_REQUESTS = 100_000;
/** Longest a generator without a duration runs (s). */
export const MAX_DURATION_S = 3600;

/**
 * A load generator: `rate` new connections (or keep-alive requests) per second from a set of
 * client addresses, counting which pod answered (X-Pod-Name), errors and latency.
 */
export class TrafficGenerator {
  readonly id: string;
  readonly #o: GeneratorOptions;
  readonly #now: () => number;
  readonly #latency = new LatencyWindow();
  readonly #agents: Agent[];
  readonly #byPod: Record<string, number> = {};
  #state: TrafficStatus['state'] = 'running';
  #startedAt = 0;
  #sent = 0;
  #ok = 0;
  #errors = 0;
  #inFlight = 0;
  #lastError: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #updateTimer: NodeJS.Timeout | undefined;

  constructor(opts: GeneratorOptions) {
    this.id = opts.id;
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
    const n = Math.max(1, opts.sources.length);
    this.#agents = Array.from({ length: n }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
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
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
    };
  }

  #tick(): void {
    const { spec } = this.#o;
    const elapsed = (this.#now() - this.#startedAt) / 1000;
    const limit = Math.min(MAX_REQUESTS, spec.duration > 0 ? spec.rate * spec.duration : Infinity);
    const maxDuration = spec.duration > 0 ? spec.duration : MAX_DURATION_S;
    if (this.#sent >= limit || elapsed >= maxDuration) {
      if (this.#inFlight === 0 || elapsed >= maxDuration + 5) this.stop('finished');
      return;
    }
    const due = Math.min(Math.floor(elapsed * spec.rate) + 1, limit) - this.#sent;
    for (let i = 0; i < due; i++) {
      const n = this.#sent++;
      if (this.#inFlight >= (this.#o.maxInFlight ?? 256)) {
        this.#fail('too many requests in flight; skipped');
        continue;
      }
      this.#inFlight++;
      const started = performance.now();
      const done = (pod: string | undefined, err?: string) => {
        this.#inFlight--;
        if (err !== undefined) return this.#fail(err);
        this.#ok++;
        this.#latency.add(performance.now() - started);
        const key = pod ?? '(unknown)';
        this.#byPod[key] = (this.#byPod[key] ?? 0) + 1;
      };
      if (spec.protocol === 'tcp') this.#tcpOnce(n, done);
      else this.#httpOnce(n, done);
    }
  }

  #fail(err: string): void {
    this.#errors++;
    this.#lastError = err;
  }

  #source(n: number): string | undefined {
    const s = this.#o.sources;
    return s.length ? s[n % s.length] : undefined;
  }

  #httpOnce(n: number, done: (pod: string | undefined, err?: string) => void): void {
    const { target, spec } = this.#o;
    const localAddress = this.#source(n);
    const req = request(
      {
        host: target.hostIp,
        port: target.hostPort,
        path: '/',
        headers: { Host: target.name, 'User-Agent': 'l4lab-traffic/1' },
        agent: spec.keepAlive ? this.#agents[n % this.#agents.length] : false,
        timeout: 5000,
        ...(localAddress ? { localAddress } : {}),
      },
      (res) => {
        res.resume();
        res.once('end', () => done(res.headers['x-pod-name'] as string | undefined));
        res.once('error', (e: NodeJS.ErrnoException) => done(undefined, e.code ?? e.message));
      },
    );
    req.once('timeout', () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    req.once('error', (e: NodeJS.ErrnoException) => done(undefined, e.code ?? e.message));
    req.end();
  }

  #tcpOnce(n: number, done: (pod: string | undefined, err?: string) => void): void {
    const { target } = this.#o;
    const localAddress = this.#source(n);
    const s = connect({
      host: target.hostIp,
      port: target.hostPort,
      ...(localAddress ? { localAddress } : {}),
    });
    let settled = false;
    let reply = '';
    const finish = (err?: string) => {
      if (settled) return;
      settled = true;
      s.destroy();
      done(/x-pod-name:\s*(\S+)/i.exec(reply)?.[1], err);
    };
    s.setTimeout(5000, () => finish('ETIMEDOUT'));
    s.once('connect', () => s.end(`HEAD / HTTP/1.0\r\nHost: ${target.name}\r\n\r\n`));
    s.on('data', (d: Buffer) => void (reply += d.toString('latin1')));
    s.once('end', () => finish());
    s.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  }
}
