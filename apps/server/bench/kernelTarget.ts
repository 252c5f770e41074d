// bench:dataplane's kernel target: kube-proxy's nftables mode (NftablesProxier) in front of the
// bench nginx, with connection events from conntrack (ConntrackEventSource) or without them.
// Runs only inside the bench's own network namespace (the proxier refuses the host's).
//
// Two static Services in front of the bench nginx: `bench-on` (events on) and `bench-off` (events
// off), so the DESTROYs of the events-off runs, reaped later, are never taken for this target's
// own. Each has an nginx address of its own, not the one the direct runs use: a client's TCP
// timestamps are offset per (source, destination) pair, and the destination it knows is the
// ClusterIP, so a SYN DNATed onto a 4-tuple that nginx still holds in TIME_WAIT from a direct
// connection (or from the other Service) fails PAWS, is reset and retried a second later (seen:
// TcpExtPAWSTimewait, TCPSynRetrans), which is the bench's doing, not the dataplane's.
// Addresses (inside the namespace): Services from 127.74.0.0/16, node 127.73.0.2.
import { connect } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ConnectionEvent } from '@l4lab/protocol';
import { Cluster, DEFAULT_ADDRESS_PLAN, realClock } from '@l4lab/cluster';
import { addStaticService } from '@l4lab/cluster/testing';
import {
  ConntrackEventSource,
  DEFAULT_EVENTS_RATE_LIMIT,
  NftablesProxier,
  type ProxierLogger,
} from '@l4lab/dataplane';

export const KERNEL_ON = 'l4lab nftables, events on';
export const KERNEL_OFF = 'l4lab nftables, events off';
const ON = 'bench-on';
const OFF = 'bench-off';
/** The events pipeline runs this long before a window opens (its processes start, then settle). */
const STEADY_MS = 500;
/** A window waits this long at most for the DESTROYs of its connections. */
const SETTLE_MS = 5000;
/** The events' rate limit, as the lab's default (BENCH_EVENTS_RATE_LIMIT=0: none). */
export const EVENTS_RATE_LIMIT = Number(
  process.env.BENCH_EVENTS_RATE_LIMIT ?? DEFAULT_EVENTS_RATE_LIMIT,
);

export interface Endpoint {
  ip: string;
  port: number;
}

/** What the events of one run (a window) said, against what the kernel counted. */
export interface EventWindow {
  label: string;
  /** New connections the kernel DNATed to the endpoint (the endpoint chain's rule counter). */
  connections: number;
  /** Open events whose conntrack NEW was seen. */
  opens: number;
  /** Connections the kernel counted without events (over the events' rate limit). */
  counted: number;
  /** Ended events of the window's connections (their DESTROY, or ended as lost). */
  closes: number;
  /** Open events made up from a DESTROY whose NEW was lost. */
  missedStarts: number;
  /** Ended events whose DESTROY was lost (found gone by a table dump). */
  missedEnds: number;
  /** conntrack's ENOBUFS warnings while the window ran (each: events dropped by the kernel). */
  lost: number;
  restarts: number;
  /** Connections of the window still without an end when it closed. */
  unsettled: number;
  /** CPU seconds of the window: this process (join, EventHub) and the reader processes. */
  cpu: { own: number; readers: number };
}

export class KernelTarget {
  readonly cluster: Cluster;
  readonly proxier: NftablesProxier;
  readonly onIP: string;
  readonly offIP: string;
  readonly port: number;
  /** Where every event goes besides the window's counts (the bench's EventHub). */
  sink: (e: ConnectionEvent) => void = () => {};
  /** Where the connections counted without events go (the bench's EventHub). */
  countedSink: (at: Pick<ConnectionEvent, 'service' | 'endpoint'>, n: number) => void = () => {};
  /** The first ended event of `bench-on` that carried bytes, to show what the events say. */
  sample: ConnectionEvent | undefined;
  /** What the proxier and the readers warned about (the first 20). */
  readonly warnings: string[];
  #source: ConntrackEventSource | undefined;
  #window: Omit<EventWindow, 'connections' | 'lost' | 'restarts' | 'unsettled' | 'cpu'> | undefined;
  #counterAtStart = 0;
  #ownCpuAtStart = 0;
  /**
   * The window's connections still open, and when it opened (ms since the epoch, conntrack's
   * clock): an end of a connection that started before is not the window's (the probe's). A
   * count, not a set of ids: the bench's own bookkeeping costs the events pipeline's CPU.
   */
  #open = 0;
  #openedAt = 0;
  /** CPU seconds of the reader processes of the windows already closed. */
  #readersCpu = 0;

  private constructor(
    cluster: Cluster,
    proxier: NftablesProxier,
    warnings: string[],
    ips: { on: string; off: string },
  ) {
    this.cluster = cluster;
    this.warnings = warnings;
    this.proxier = proxier;
    this.onIP = ips.on;
    this.offIP = ips.off;
    this.port = 8080;
  }

  /** The proxier with both Services in force (throws outside a namespace of the bench's own). */
  static async start(endpoints: Record<'on' | 'off', Endpoint>): Promise<KernelTarget> {
    const cluster = new Cluster({
      clock: realClock,
      plan: {
        ...DEFAULT_ADDRESS_PLAN,
        nodeCount: 1,
        serviceCIDR: '127.74.0.0/16',
        nodeBase: '127.73.0.2',
        podCIDR: '127.72.0.0/16',
      },
    });
    const warnings: string[] = [];
    const logger = benchLogger(warnings);
    const proxier = new NftablesProxier({ cluster, clock: realClock, logger });
    const add = (name: string, endpoint: Endpoint) =>
      addStaticService(cluster, {
        name,
        port: 8080,
        protocol: 'TCP',
        endpoint: { ...endpoint, node: 'node-1', pod: 'nginx' },
      });
    const target = new KernelTarget(cluster, proxier, warnings, {
      on: add(ON, endpoints.on),
      off: add(OFF, endpoints.off),
    });
    proxier.start();
    await until('both bench Services in the rules in force', 10_000, () =>
      [ON, OFF].every((s) => proxier.rulesInForce().routing.endpointsMap.has(`default/${s}:`)),
    );
    // As the lab does (ConntrackEventSource): a closed connection's entry goes after 1 s, not
    // 120 s, so at tens of thousands of connections a second the table never fills; set once
    // for every target alike (they share this namespace's conntrack table).
    for (const state of ['time_wait', 'close'])
      writeSysctl(`/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_${state}`, '1');
    return target;
  }

  /** Starts a conntrack reader and waits until it sees a connection; the window opens then. */
  async eventsOn(label: string): Promise<void> {
    const source = new ConntrackEventSource({
      rules: () => this.proxier.rulesInForce(),
      onEvent: (e) => this.#event(e),
      clock: realClock,
      logger: benchLogger(this.warnings),
      // BENCH_CT_LOOKUPS=0: the native reader sweeps the table instead of looking entries up.
      ...(process.env.BENCH_CT_LOOKUPS === '0' ? { lookups: false } : {}),
      // As the lab (--events-rate-limit): BENCH_EVENTS_RATE_LIMIT=0 reads every connection's.
      eventsRateLimit: EVENTS_RATE_LIMIT,
      onCounted: (at, n) => {
        this.countedSink(at, n);
        if (at.service.name === ON && this.#window) this.#window.counted += n;
      },
    });
    this.#source = source;
    source.start();
    // `conntrack -E` subscribes a moment after it starts: a connection before that is not seen.
    this.#window = { label, opens: 0, counted: 0, closes: 0, missedStarts: 0, missedEnds: 0 };
    for (let i = 0; i < 50 && this.#window.opens === 0; i++) {
      await askOnce(this.onIP, this.port);
      await until('', 100, () => this.#window!.opens > 0).catch(() => {});
    }
    if (this.#window.opens === 0) throw new Error('conntrack -E saw no connection in 5 s');
    // The lab's pipeline runs all along: the window measures it running, not starting. The rate
    // limit's table is written once the readers run (until then every connection is reported),
    // and the processes just started (nft -i) settle first.
    await until(
      'the events rate limit in force',
      5000,
      () => source.stats().rateLimit > 0 || EVENTS_RATE_LIMIT === 0,
    );
    await new Promise((r) => setTimeout(r, STEADY_MS));
    this.#open = 0;
    // The next ms: a probe's open read in this very ms is not the window's, nor is its end.
    this.#openedAt = Date.now() + 1;
    this.#window = { label, opens: 0, counted: 0, closes: 0, missedStarts: 0, missedEnds: 0 };
    this.#counterAtStart = await this.#kernelConnections();
    this.#ownCpuAtStart = ownCpu();
  }

  /** Waits (bounded) for the window's connections to end, stops the reader, says what it saw. */
  async eventsOff(): Promise<EventWindow> {
    const source = this.#source;
    const w = this.#window;
    if (!source || !w) throw new Error('eventsOff without eventsOn');
    const connections = (await this.#kernelConnections()) - this.#counterAtStart;
    await until(
      '',
      SETTLE_MS,
      () => this.#open === 0 && w.opens + w.missedStarts + w.counted >= connections,
    ).catch(() => {});
    const cpu = { own: ownCpu() - this.#ownCpuAtStart, readers: readersCpu(source.pids()) };
    this.#readersCpu += cpu.readers;
    const stats = source.stats();
    await source.stop();
    this.#source = undefined;
    this.#window = undefined;
    return {
      ...w,
      connections,
      lost: stats.lost,
      restarts: stats.restarts,
      unsettled: this.#open,
      cpu,
    };
  }

  /** CPU seconds of the events pipeline so far: this process and the conntrack readers. */
  eventsCpu(): number {
    return ownCpu() + this.#readersCpu + readersCpu(this.#source?.pids() ?? []);
  }

  async shutdown(): Promise<void> {
    await this.#source?.stop();
    await this.proxier.shutdown();
  }

  #event(e: ConnectionEvent): void {
    this.sink(e);
    if (e.service.name !== ON) return;
    // One whole connection to show: its endpoint, reason, bytes and duration.
    if (e.outcome !== 'open' && e.bytesOut > 0) this.sample ??= e;
    const w = this.#window;
    if (!w) return;
    if (e.outcome === 'open') {
      if (e.reason.includes('start not seen')) w.missedStarts++;
      else w.opens++;
      this.#open++;
      return;
    }
    if (e.startedAt < this.#openedAt) return; // a connection of before the window (the probe's)
    this.#open--;
    w.closes++;
    if (/end not seen|end not tracked/.test(e.reason)) w.missedEnds++;
  }

  /** Connections DNATed to the endpoint of `bench-on` so far: its endpoint chain's counter. */
  async #kernelConnections(): Promise<number> {
    const { chains } = await this.proxier.rulesFor('default', ON);
    let n = 0;
    for (const c of chains.filter((x) => x.name.startsWith('endpoint-')))
      for (const m of c.text.matchAll(/counter packets (\d+)/g)) n += Number(m[1]);
    return n;
  }
}

function benchLogger(into: string[]): ProxierLogger {
  return {
    info() {},
    warn: (o, msg) => {
      if (into.length < 20) into.push(`${msg} ${JSON.stringify(o)}`);
    },
  };
}

/** One HTTP/1.0 request on a connection of its own; resolves when the server closed it. */
export function askOnce(ip: string, port: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    s.setTimeout(3000, () => s.destroy());
    s.on('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('data', () => {});
    s.on('error', () => {});
    s.on('close', () => resolve());
  });
}

export async function until(what: string, ms: number, ok: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** CPU seconds (user + system) used so far by this process. */
function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds (user + system) of processes, from /proc (clock ticks of 10 ms). */
export function readersCpu(pids: number[]): number {
  let cpu = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / 100;
    } catch {
      // exited: its CPU is gone from /proc
    }
  }
  return cpu;
}

function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    // conntrack not loaded yet or read-only: the reader's own tuning tries again
  }
}
