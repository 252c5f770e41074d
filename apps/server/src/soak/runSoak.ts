// The soak (issue 14, "Numbers"): seeds 01-04 under steady traffic for N minutes while a pod goes
// every few seconds; the lab runs in this process, so its event loop, fds and memory are measured
// here. Passes when fds come back to the baseline, RSS grows at most 10 % after the warm-up, and
// the event loop's p99 delay stays under the bound.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TrafficStatus } from '@l4lab/protocol';
import { caseRandom } from '../fuzz/random.ts';
import type { LabClient } from './labClient.ts';
import { type PodKills, PodKiller } from './podKiller.ts';
import {
  SOAK_NAMESPACES,
  applySeeds,
  dataplaneTotals,
  soakTraffic,
  waitDeploymentsReady,
} from './soakSetup.ts';
import { SoakViewer, type ViewerCounts } from './soakViewer.ts';

export interface SoakOptions {
  lab: LabClient;
  /** The lab's workspace (pod directories and pid files). */
  workspace: string;
  minutes: number;
  /** Seconds between two pod kills. */
  killEvery: number;
  /** Requests per second of each of the four generators. */
  rate: number;
  seed: number;
  limits: SoakLimits;
  print: (line: string) => void;
}

export interface SoakLimits {
  /** fds at the end may exceed the baseline by this many. */
  fdSlack: number;
  /** RSS growth from the end of the warm-up to the end, in percent. */
  rssGrowthPct: number;
  /** The event loop's p99 delay, ms. */
  p99LagMs: number;
}

export interface Sample {
  fds: number;
  rssMB: number;
  heapMB: number;
}

export interface SoakReport {
  seconds: number;
  warmupSeconds: number;
  /** Before traffic (seeds Ready); after warm-up; end of traffic; after traffic and recovery. */
  baseline: Sample;
  afterWarmup: Sample;
  endOfTraffic: Sample;
  afterRecovery: Sample;
  peakFds: number;
  lagMs: { p50: number; p99: number; max: number };
  dataplane: Awaited<ReturnType<typeof dataplaneTotals>>;
  generators: Pick<TrafficStatus, 'target' | 'sent' | 'ok' | 'errors'>[];
  viewer: ViewerCounts;
  kills: PodKills;
  recovered: boolean;
  podDirs: number;
  /** Pods in the cluster when the directories were counted. */
  pods: number;
  checks: { name: string; ok: boolean; detail: string }[];
}

const MB = 1024 * 1024;
/** The event-loop monitor's timer period; what it records is that period plus the delay. */
const LAG_RESOLUTION_MS = 1;

/** How late the monitor's timer fired (its histogram holds the whole interval, in ns). */
function lateMs(ns: number): number {
  return Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
}

function sample(): Sample {
  // A full collection first, when --expose-gc allows it: RSS then tracks what is live, not garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return {
    fds: readdirSync('/proc/self/fd').length,
    rssMB: m.rss / MB,
    heapMB: m.heapUsed / MB,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const { lab, print } = o;
  const seconds = Math.round(o.minutes * 60);
  const warmupSeconds = Math.min(60, Math.round(seconds / 4));
  print(`soak: applying seeds 01-04 and waiting for their pods`);
  await applySeeds(lab);
  if (!(await waitDeploymentsReady(lab, 120_000))) throw new Error('seed pods not Ready in 120 s');
  await sleep(2_000);
  const baseline = sample();

  const viewer = new SoakViewer(lab.url);
  const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  lag.enable();
  const ids = await startTraffic(lab, o.rate, seconds + 30);
  const killer = new PodKiller(lab, o.workspace, SOAK_NAMESPACES, caseRandom(o.seed, 0));
  print(
    `soak: ${o.minutes} min, 4 generators x ${o.rate}/s, a pod killed every ${o.killEvery} s (seed ${o.seed})`,
  );

  const started = Date.now();
  let afterWarmup: Sample | undefined;
  let peakFds = baseline.fds;
  let nextKill = started + o.killEvery * 1000;
  let nextPrint = started + 30_000;
  while (Date.now() - started < seconds * 1000) {
    await sleep(250);
    const now = Date.now();
    if (now >= nextKill) {
      nextKill = now + o.killEvery * 1000;
      await killer.killOne();
    }
    peakFds = Math.max(peakFds, readdirSync('/proc/self/fd').length);
    if (!afterWarmup && now - started >= warmupSeconds * 1000) afterWarmup = sample();
    if (now >= nextPrint) {
      nextPrint = now + 30_000;
      print(await progressLine(lab, now - started, killer.kills));
    }
  }
  const endOfTraffic = sample();
  lag.disable();
  const dataplane = await dataplaneTotals(lab);
  const { items } = await lab.get<{ items: TrafficStatus[] }>('/api/traffic');
  for (const id of ids) await lab.call('DELETE', `/api/traffic/${id}`);
  viewer.close();

  print('soak: traffic stopped; waiting for the Deployments to be Ready again');
  const recovered = await waitDeploymentsReady(lab, 90_000);
  await sleep(3_000); // sockets of the last connections close
  const afterRecovery = sample();
  const podDirs = readdirSync(join(o.workspace, 'pods')).length;
  const pods = (await lab.get<{ items: unknown[] }>('/api/objects/pods')).items.length;
  const report: SoakReport = {
    seconds,
    warmupSeconds,
    baseline,
    afterWarmup: afterWarmup ?? baseline,
    endOfTraffic,
    afterRecovery,
    peakFds,
    lagMs: {
      p50: lateMs(lag.percentile(50)),
      p99: lateMs(lag.percentile(99)),
      max: lateMs(lag.max),
    },
    dataplane,
    generators: items
      .filter((g) => ids.includes(g.id))
      .map(({ target, sent, ok, errors }) => ({ target, sent, ok, errors })),
    viewer: viewer.counts,
    kills: killer.kills,
    recovered,
    podDirs,
    pods,
    checks: [],
  };
  report.checks = soakChecks(report, o.limits);
  return report;
}

async function startTraffic(lab: LabClient, rate: number, duration: number): Promise<string[]> {
  const ids: string[] = [];
  for (const spec of await soakTraffic(lab, rate, duration)) {
    const r = await lab.call('POST', '/api/traffic', spec);
    if (r.status !== 201)
      throw new Error(`traffic to ${spec.target}: ${r.status} ${JSON.stringify(r.body)}`);
    ids.push((r.body as { id: string }).id);
  }
  return ids;
}

async function progressLine(lab: LabClient, elapsedMs: number, kills: PodKills): Promise<string> {
  const d = await dataplaneTotals(lab);
  const s = sample();
  return (
    `  ${Math.round(elapsedMs / 1000)} s: ${d.connections} connections (refused ${d.refused}, ` +
    `reset ${d.reset}, dropped ${d.dropped}); kills ${kills['kill -9']} + deletes ${kills.delete}; ` +
    `fds ${s.fds}, RSS ${s.rssMB.toFixed(0)} MB`
  );
}

export function soakChecks(r: SoakReport, limits: SoakLimits): SoakReport['checks'] {
  const fdGrowth = r.afterRecovery.fds - r.baseline.fds;
  const rssGrowth = ((r.endOfTraffic.rssMB - r.afterWarmup.rssMB) / r.afterWarmup.rssMB) * 100;
  return [
    {
      name: 'fds back to baseline',
      ok: fdGrowth <= limits.fdSlack,
      detail: `${r.baseline.fds} -> ${r.afterRecovery.fds} (${signed(fdGrowth)}, at most +${limits.fdSlack}; peak ${r.peakFds})`,
    },
    {
      name: 'RSS growth after warm-up',
      ok: rssGrowth <= limits.rssGrowthPct,
      detail: `${r.afterWarmup.rssMB.toFixed(1)} MB -> ${r.endOfTraffic.rssMB.toFixed(1)} MB (${signed(rssGrowth, 1)} %, at most ${limits.rssGrowthPct} %)`,
    },
    {
      name: 'event loop p99 delay',
      ok: r.lagMs.p99 <= limits.p99LagMs,
      detail: `${r.lagMs.p99.toFixed(1)} ms (at most ${limits.p99LagMs} ms; p50 ${r.lagMs.p50.toFixed(1)}, max ${r.lagMs.max.toFixed(0)})`,
    },
    {
      name: 'no pod directories pile up',
      ok: r.podDirs <= r.pods,
      detail: `${r.podDirs} directories for ${r.pods} pods`,
    },
    {
      name: 'Deployments Ready again after the kills',
      ok: r.recovered,
      detail: r.recovered ? 'yes' : 'not within 90 s',
    },
  ];
}

function signed(n: number, digits = 0): string {
  return `${n >= 0 ? '+' : ''}${n.toFixed(digits)}`;
}
