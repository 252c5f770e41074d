// What bench:dataplane prints for the kernel target beyond the throughput table: its events
// against the connections the kernel made, conntrack -> browser latency, rule sync times.
import type { ConnectionEvent } from '@l4lab/protocol';
import type { LatencyResult } from './eventLatency.ts';
import { EVENTS_RATE_LIMIT, type EventWindow, type KernelTarget } from './kernelTarget.ts';
import type { RuleSyncResult } from './ruleSync.ts';

export interface MetricWindow extends EventWindow {
  metric: string;
  /** wrk's completed requests in the run (new connections: one each, up to 32 more in flight). */
  requests: number;
}

/** An events-off run of the kernel target: this process's CPU all the same (wrk's start, the hub). */
export interface OffWindow {
  metric: string;
  requests: number;
  /** CPU seconds of this process during the run. */
  own: number;
}

const pct = (part: number, whole: number) =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : 'n/a';

/** The events-on runs: every event against the kernel's own count of connections. */
export function printEventWindows(
  windows: MetricWindow[],
  offWindows: OffWindow[],
  kernel: KernelTarget,
  newConnMedian: number,
): void {
  console.log(
    '\nkernel target, events on: conntrack events against the connections the kernel DNATed',
  );
  console.log(
    `  (connections: the endpoint chain's rule counter; seen: open events whose NEW was read; counted only: over the`,
  );
  console.log(
    `   events' rate limit, counted by the kernel per endpoint, no events (BENCH_EVENTS_RATE_LIMIT=0: none); "start lost" / "end lost":`,
  );
  console.log(
    `   made up from a DESTROY / ended by a table dump; ENOBUFS: conntrack's warnings, each a burst the kernel dropped)`,
  );
  const columns: [string, (w: MetricWindow) => number][] = [
    ['wrk requests', (w) => w.requests],
    ['connections', (w) => w.connections],
    ['seen', (w) => w.opens],
    ['counted only', (w) => w.counted],
    ['start lost', (w) => w.missedStarts],
    ['ended', (w) => w.closes],
    ['end lost', (w) => w.missedEnds],
    ['ENOBUFS', (w) => w.lost],
    ['unended', (w) => w.unsettled],
  ];
  const cells = (first: string, values: string[]) =>
    `  ${first.padEnd(18)}${values.map((v, i) => v.padStart(columns[i]![0].length + 2)).join('')}`;
  console.log(
    cells(
      'run',
      columns.map(([name]) => name),
    ),
  );
  const runs = windows.filter((w) => w.label !== 'warm-up');
  for (const w of runs)
    console.log(
      cells(
        `${w.metric} ${w.label}`,
        columns.map(([, get]) => String(get(w))),
      ),
    );
  const top = runs.filter((w) => w.metric === 'newConn');
  if (top.length) {
    const sum = (get: (w: MetricWindow) => number) => top.reduce((n, w) => n + get(w), 0);
    const made = sum((w) => w.connections);
    const seen = sum((w) => w.opens);
    const lateSeen = sum((w) => w.missedStarts);
    const counted = sum((w) => w.counted);
    const limit =
      EVENTS_RATE_LIMIT > 0
        ? `over the events' rate limit of ${EVENTS_RATE_LIMIT}/s`
        : 'no rate limit';
    console.log(
      `  at the highest new-connection rate (wrk, 32 conns; median ${newConnMedian.toFixed(0)} conn/s): ` +
        `${seen} of ${made} connections seen at their start (${pct(seen, made)}), ${counted} counted by the ` +
        `kernel without events (${limit}), ${lateSeen} only at their end, ${made - seen - counted - lateSeen} ` +
        `not at all; ${sum((w) => w.missedEnds)} ends lost; ` +
        `${sum((w) => w.lost)} ENOBUFS warnings; ${sum((w) => w.restarts)} reader restarts`,
    );
    const perConnection = (cpu: number, n = made) => `${((cpu * 1e6) / n).toFixed(1)} µs`;
    // This process does the bench's own work in every run too (it starts wrk, reads its report,
    // runs the hub's frames): its events-off runs say how much, per connection.
    const off = offWindows.filter((w) => w.metric === 'newConn' && w.requests > 0);
    const offRequests = off.reduce((n, w) => n + w.requests, 0);
    const baseline = offRequests
      ? ` (${perConnection(
          off.reduce((n, w) => n + w.own, 0),
          offRequests,
        )} in its events-off runs: the bench's own work, not the events')`
      : '';
    console.log(
      `  events CPU per connection there: this process (join, EventHub) ${perConnection(sum((w) => w.cpu.own))}${baseline}, ` +
        `the readers (the native ctnetlink reader with its look-ups, or conntrack -E; nft monitor trace) ` +
        `${perConnection(sum((w) => w.cpu.readers))}`,
    );
  }
  if (kernel.sample) console.log(`  one event: ${describe(kernel.sample)}`);
  for (const w of kernel.warnings.slice(0, 5)) console.log(`  (warning: ${w})`);
}

function describe(e: ConnectionEvent): string {
  const ep = e.endpoint ? `${e.endpoint.pod} ${e.endpoint.ip}:${e.endpoint.port}` : 'no endpoint';
  return (
    `${e.client.ip}:${e.client.port} -> ${e.frontend.kind} ${e.frontend.ip}:${e.frontend.port} -> ${ep}, ` +
    `${e.outcome}, "${e.reason}", ${e.bytesIn} B in / ${e.bytesOut} B out, ${e.durationMs ?? '?'} ms`
  );
}

export function printLatency(r: LatencyResult): void {
  const { load, viewer, window: w } = r;
  console.log(
    `  load: ${load.issued} connections opened in ${load.seconds.toFixed(1)} s (${(load.issued / load.seconds).toFixed(0)}/s), ` +
      `${load.answered} answered, ${load.failed} failed; the kernel DNATed ${w.connections}`,
  );
  console.log(
    `  viewer (a WebSocket client in another process): ${viewer.frames} connection_events frames, ` +
      `${viewer.opens} open events and ${viewer.ended} ended ones of the Service; ${viewer.sampled} events only counted ` +
      `(over 200 a frame, by design)`,
  );
  console.log(
    `  conntrack's timestamp of the NEW line -> frame received by the viewer: p50 ${viewer.p50} ms, ` +
      `p95 ${viewer.p95} ms, p99 ${viewer.p99} ms, max ${viewer.max} ms   (target p95 <= 150 ms)`,
  );
  console.log(
    `  events: ${w.opens} seen at their start, ${w.missedStarts} only at their end, ${w.missedEnds} ends lost, ` +
      `${w.lost} ENOBUFS warnings, ${w.unsettled} without an end after the settle`,
  );
}

export function printRuleSync(r: RuleSyncResult): void {
  const ms = (v: number | undefined) => (v === undefined ? '?' : `${v.toFixed(0)} ms`);
  console.log(`  ${r.services} Services (the lab's quota), ${r.endpoints} endpoints in the table`);
  console.log(
    `  added at once to a running proxier: in force ${ms(r.added.ms)} after the apply, in ${r.added.syncs} sync(s) ` +
      `(the proxier's measure, watch event -> nft done: ${ms(r.added.syncMs)})`,
  );
  console.log(
    `  written whole by a fresh proxier (as at a restart: one nft -f of the entire table): ${ms(r.whole.ms)} from start ` +
      `to in force, ${r.whole.syncs} sync(s); service-ips holds ${r.whole.serviceIPs} elements`,
  );
  const n = r.changes.wallMs.length;
  console.log(
    `  endpoint change -> rules in force, ${n} changes one at a time (an endpoint leaves a Service; 30 ms apart):`,
  );
  console.log(
    `    apply -> in force (seen here): p50 ${ms(pctl(r.changes.wallMs, 0.5))}, p95 ${ms(pctl(r.changes.wallMs, 0.95))}, max ${ms(pctl(r.changes.wallMs, 1))}`,
  );
  console.log(
    `    the proxier's own (watch event -> nft done): p50 ${ms(pctl(r.changes.syncMs, 0.5))}, p95 ${ms(pctl(r.changes.syncMs, 0.95))}, max ${ms(pctl(r.changes.syncMs, 1))}   (target p95 <= 50 ms)`,
  );
  const s = r.syncStats;
  console.log(
    `    NftablesProxier.syncStats() over its last ${Math.min(s.count, 200)} syncs (the bulk one included): p50 ${ms(s.p50Ms)}, p95 ${ms(s.p95Ms)}`,
  );
  for (const w of r.warnings.slice(0, 5)) console.log(`  (warning: ${w})`);
}

/** Nearest-rank percentile (undefined when there is no value). */
function pctl(values: number[], p: number): number | undefined {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.max(0, Math.ceil(p * s.length) - 1)] : undefined;
}
