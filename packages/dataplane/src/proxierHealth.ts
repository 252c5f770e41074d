import { createServer, type Server } from 'node:http';
import type { Clock } from '@l4lab/cluster';

/** kube-proxy's healthz port (`--healthz-bind-address`, 0.0.0.0:10256). */
export const PROXY_HEALTHZ_PORT = 10256;

/** The Cluster Autoscaler's taint on a node it is about to delete: kube-proxy's healthz says 503. */
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

/** One sync of the rules that changed something (what a kube-proxy pod's log says of it). */
export interface ProxierSync {
  /** When it ended (ms since the epoch). */
  at: number;
  /** From the first change it carries to the rules in force (network programming). */
  elapsedMs: number;
  /** The sync's own run, from its start to its end (what kube-proxy's log calls `elapsed`). */
  syncMs: number;
  /** Service ports and endpoints in the rules after it. */
  servicePorts: number;
  endpoints: number;
}

export interface ProxierHealthState {
  healthy: boolean;
  /** The last successful sync; undefined before the first. */
  lastUpdated: number | undefined;
  currentTime: number;
}

/**
 * kube-proxy's proxier health (pkg/proxy/healthcheck, proxier_health.go): healthy while no change
 * has waited longer than healthTimeout (twice the sync period) to be in force. The proxier says
 * when a change is queued and when the rules are updated; the kube-proxy pods' healthz reads it.
 */
export class ProxierHealth {
  readonly healthTimeoutMs: number;
  readonly #clock: Clock;
  #lastUpdated: number | undefined;
  #oldestPendingQueued: number | undefined;
  #lastQueued: number | undefined;
  /** Every sync that changed the rules: from the change seen to the rules in force (seconds). */
  readonly programming = new Histogram(NETWORK_PROGRAMMING_BUCKETS);
  /** Every sync that ran, changed or not, from its start to its end (seconds). */
  readonly syncDuration = new Histogram(SYNC_DURATION_BUCKETS);
  readonly #listeners = new Set<(sync: ProxierSync) => void>();
  readonly #recent: ProxierSync[] = [];

  constructor(clock: Clock, healthTimeoutMs = 60_000) {
    this.#clock = clock;
    this.healthTimeoutMs = healthTimeoutMs;
  }

  /** A Service or EndpointSlice change the rules do not carry yet. */
  queuedUpdate(): void {
    this.#lastQueued = this.#clock.now();
    this.#oldestPendingQueued ??= this.#lastQueued;
  }

  /** When a change was last queued, and the rules last updated (ms; undefined: never). */
  get lastQueued(): number | undefined {
    return this.#lastQueued;
  }

  get lastUpdated(): number | undefined {
    return this.#lastUpdated;
  }

  /** A sync of the rules ran for `ms`, whether it changed them, found nothing to do or failed. */
  ran(ms: number): void {
    this.syncDuration.observe(ms / 1000);
  }

  /** The rules carry every change queued so far; `sync` when this sync changed them. */
  updated(sync?: Omit<ProxierSync, 'at'>): void {
    const at = this.#clock.now();
    this.#oldestPendingQueued = undefined;
    this.#lastUpdated = at;
    if (!sync) return;
    this.programming.observe(sync.elapsedMs / 1000);
    const s = { ...sync, at };
    this.#recent.push(s);
    if (this.#recent.length > 200) this.#recent.splice(0, 100);
    for (const l of this.#listeners) l(s);
  }

  state(): ProxierHealthState {
    const currentTime = this.#clock.now();
    const pending = this.#oldestPendingQueued;
    return {
      healthy: pending === undefined || currentTime - pending < this.healthTimeoutMs,
      lastUpdated: this.#lastUpdated,
      currentTime,
    };
  }

  /** The syncs that changed the rules since `since` (ms), oldest first. */
  syncsSince(since: number): ProxierSync[] {
    return this.#recent.filter((s) => s.at >= since);
  }

  onSync(listener: (sync: ProxierSync) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Runs one sync of the rules (`started`: its start, performance.now()) and tells `health` how long
 * it ran, however it ended: kube-proxy's SyncProxyRulesLatency. The run is measured to the
 * microsecond, not read off the lab's clock.
 */
export async function timedSync(
  health: ProxierHealth | undefined,
  sync: (started: number) => Promise<void>,
): Promise<void> {
  const started = performance.now();
  try {
    await sync(started);
  } finally {
    health?.ran(performance.now() - started);
  }
}

/** The answers of one health server by status code (kubeproxy_proxy_healthz_total, ..._livez_total). */
export interface HealthzCounts {
  healthz: Map<number, number>;
  livez: Map<number, number>;
}

/** Go's `time.Time` as `%q` prints it: `2026-12-07 03:40:00.123 +0000 UTC m=+12.345000000`. */
export function goTime(ms: number | undefined, startedAt: number): string {
  if (ms === undefined) return '0001-01-01 00:00:00 +0000 UTC';
  const iso = new Date(ms).toISOString(); // 2026-12-07T03:40:00.123Z
  const frac = iso.slice(20, 23).replace(/0+$/, '');
  const mono = ((ms - startedAt) / 1000).toFixed(9);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC m=+${mono}`;
}

/**
 * The bodies of kube-proxy's `/healthz` and `/livez`, with their status: 503 when the proxier is
 * unhealthy (healthz: or the node is not eligible, being deleted or about to be), and
 * `lastUpdated` is the current time when healthy, as kube-proxy keeps it for older clients.
 */
export function proxierHealthResponse(
  path: '/healthz' | '/livez',
  s: ProxierHealthState,
  nodeEligible: boolean,
  startedAt: number,
): { status: number; body: string } {
  const healthy = s.healthy && (path === '/livez' || nodeEligible);
  const lastUpdated = goTime(healthy ? s.currentTime : s.lastUpdated, startedAt);
  const currentTime = goTime(s.currentTime, startedAt);
  const body =
    path === '/livez'
      ? `{"lastUpdated": ${JSON.stringify(lastUpdated)},"currentTime": ${JSON.stringify(currentTime)}}`
      : `{"lastUpdated": ${JSON.stringify(lastUpdated)},"currentTime": ${JSON.stringify(currentTime)}, "nodeEligible": ${nodeEligible}}`;
  return { status: healthy ? 200 : 503, body };
}

/** A node kube-proxy's healthz calls eligible: not being deleted, not about to be. */
export function nodeEligible(
  node:
    { metadata: { deletionTimestamp?: string }; spec?: { taints?: { key: string }[] } } | undefined,
): boolean {
  if (!node) return true; // as kube-proxy before its first node event
  if (node.metadata.deletionTimestamp) return false;
  return !(node.spec?.taints ?? []).some((t) => t.key === TO_BE_DELETED_TAINT);
}

/**
 * kube-proxy's proxier health server: `/healthz` and `/livez` (JSON), 404 for any other path.
 * `startedAt` is the process's start, which Go's monotonic reading (`m=+...`) counts from.
 */
export function listenProxierHealth(
  at: { host: string; port: number },
  health: ProxierHealth,
  eligible: () => boolean,
  startedAt: number,
  counts?: HealthzCounts,
): Promise<Server> {
  const srv = createServer(function serveProxierHealth(req, res) {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/livez') {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end('404 page not found\n');
      return;
    }
    const r = proxierHealthResponse(path, health.state(), eligible(), startedAt);
    const counted = path === '/healthz' ? counts?.healthz : counts?.livez;
    counted?.set(r.status, (counted.get(r.status) ?? 0) + 1);
    res.writeHead(r.status, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(r.body);
  });
  return listenExclusive(srv, at);
}

/** Listens on host:port (exclusive: not shared with a worker); rejects with the bind's error. */
export function listenExclusive(srv: Server, at: { host: string; port: number }): Promise<Server> {
  srv.on('clientError', (_e, s) => s.destroy());
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: at.host, port: at.port, exclusive: true }, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}

/** Endpoints over every Service port (one pod behind two ports counts twice, as in the rules). */
export function countEndpoints(endpoints: ReadonlyMap<unknown, readonly unknown[]>): number {
  let n = 0;
  for (const eps of endpoints.values()) n += eps.length;
  return n;
}

/** kube-proxy's buckets for kubeproxy_network_programming_duration_seconds (seconds). */
export const NETWORK_PROGRAMMING_BUCKETS: readonly number[] = [
  0.25,
  0.5,
  ...Array.from({ length: 59 }, (_, i) => i + 1),
  ...Array.from({ length: 12 }, (_, i) => 60 + 5 * i),
  ...Array.from({ length: 7 }, (_, i) => 120 + 30 * i),
];

/** kube-proxy's buckets for kubeproxy_sync_proxy_rules_duration_seconds: 1 ms to 16.384 s. */
export const SYNC_DURATION_BUCKETS: readonly number[] = Array.from(
  { length: 15 },
  (_, i) => 0.001 * 2 ** i,
);

/** A Prometheus histogram: cumulative counts per upper bound, a sum and a count. */
export class Histogram {
  readonly bounds: readonly number[];
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = [...new Set(bounds)].sort((a, b) => a - b);
    this.#counts = this.bounds.map(() => 0);
  }

  observe(v: number): void {
    this.#sum += v;
    this.#count++;
    const i = this.bounds.findIndex((b) => v <= b);
    if (i >= 0) this.#counts[i]!++;
  }

  /** Prometheus' text exposition of the histogram's samples (without HELP and TYPE). */
  samples(name: string): string[] {
    let cumulative = 0;
    const lines = this.bounds.map((b, i) => {
      cumulative += this.#counts[i]!;
      return `${name}_bucket{le="${b}"} ${cumulative}`;
    });
    lines.push(`${name}_bucket{le="+Inf"} ${this.#count}`);
    lines.push(`${name}_sum ${Number(this.#sum.toFixed(9))}`, `${name}_count ${this.#count}`);
    return lines;
  }
}
