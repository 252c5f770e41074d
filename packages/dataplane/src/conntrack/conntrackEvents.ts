// The kernel dataplane's connection events: conntrack's NEW and DESTROY (the native reader
// native/ctevents.c, else `conntrack -E`) and the trace of refused / dropped packets (`nft monitor
// trace`), read in the lab's network namespace and joined with the rules in force (join.ts) into
// the same ConnectionEvents the userspace proxier emits.
import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { Clock, TimerHandle } from '@l4lab/cluster';
import { assertLabNamespace } from '@l4lab/netns';
import type { ProxierLogger } from '../userspaceProxier.ts';
import { ConntrackJoiner, type RulesSnapshot } from './join.ts';
import { LineProcess } from './lineProcess.ts';
import {
  nativeConntrackReader,
  nativeReaderArgs,
  parseNativeConntrackLine,
} from './nativeReader.ts';
import { parseConntrackLine, type ConntrackLine } from './parse.ts';
import {
  readUnreported,
  removeEventsTable,
  UnreportedDeltas,
  writeEventsTable,
} from './eventRateLimit.ts';
import { NftShell } from '../nftables/nftShell.ts';
import { TraceReader } from './trace.ts';

export interface ConntrackEventSourceOptions {
  /** The rules in force (NftablesProxier.rulesInForce). */
  rules: () => RulesSnapshot;
  onEvent: (e: ConnectionEvent) => void;
  clock: Clock;
  logger: ProxierLogger;
  /** Path of `conntrack` (conntrack-tools) and of `nft`. */
  conntrack?: string;
  nft?: string;
  /**
   * Which program reads conntrack's events: `native` (native/ctevents.c, built with the system's
   * C compiler on first use; the default) or `cli` (`conntrack -E`, also what runs when the
   * native one cannot be built).
   */
  reader?: 'native' | 'cli';
  /**
   * Netlink receive buffer of the event socket: the native reader's (SO_RCVBUFFORCE, default
   * 32 MiB; without CAP_NET_ADMIN in the host's user namespace, SO_RCVBUF capped by
   * net.core.rmem_max), or `conntrack -E -b`'s (default 8 MiB), which conntrack-tools 1.4.7
   * applies to a socket that does not carry the events (seen with `ss -f netlink -m`: the event
   * socket keeps the 208 KiB default); losses are counted.
   */
  bufferSize?: number;
  /** The cluster's default proxy mode (`--proxy-mode`), for the reasons. */
  defaultProxyMode?: string;
  /**
   * conntrack's TIME_WAIT and CLOSE timeouts set in the lab's namespace (s), so a closed TCP
   * connection's DESTROY (its bytes and duration) comes within about a second instead of
   * 120 s; false leaves the kernel's.
   */
  closeTimeoutSeconds?: number | false;
  /**
   * How often at most, while connections are open, a table dump reaps expired entries (the
   * kernel's garbage collector gets to them up to a minute late, a dump at once): default
   * 250 ms, down to 50 ms while connections close fast (see #sweepEvery). The native reader
   * instead looks each open entry up when it may have expired (a look-up reaps it too, at a
   * fraction of a walk of the whole table: see ctevents.c), and sweeps at this pace only after
   * a loss, for the entries whose NEW it did not see.
   */
  sweepIntervalMs?: number;
  /**
   * The native reader's look-ups (see sweepIntervalMs): false turns them off and it sweeps as
   * `conntrack -E`'s reader does (the bench compares both).
   */
  lookups?: boolean;
  /**
   * The events' rate limit (eventRateLimit.ts): over this many new Service connections a second
   * the kernel sends no events and counts the connections per frontend and endpoint instead,
   * read every `unreportedPollMs` into `onCounted`. 0 or absent: every connection's events.
   */
  eventsRateLimit?: number;
  onCounted?: (at: Pick<ConnectionEvent, 'service' | 'endpoint'>, connections: number) => void;
  unreportedPollMs?: number;
}

export interface ConntrackEventStats {
  /** ConnectionEvents emitted. */
  events: number;
  /** conntrack's ENOBUFS warnings: each time the kernel dropped events the reader missed. */
  lost: number;
  /** Readers started again after they exited. */
  restarts: number;
  /** DESTROYs whose NEW was never seen (a sure sign of lost events). */
  missedStarts: number;
  /** Connections ended without their DESTROY (lost: found gone by a table dump after a loss). */
  missedEnds: number;
  /** Connections waiting for their DESTROY. */
  open: number;
  /**
   * The native reader's look-ups of open entries (ctevents.c), and those answered "no such
   * entry" (each, mostly, an expired entry the look-up reaped); 0 with `conntrack -E`.
   */
  lookups: number;
  lookupsGone: number;
  /** The events' rate limit in force (0: none), and the connections counted over it. */
  rateLimit: number;
  unreported: number;
}

const NETFILTER = '/proc/sys/net/netfilter';
/** A ct mark nothing sets: the sweep's dump lists nothing, it only reaps what expired. */
const SWEEP_MARK = '0x4c34ab1e';
/** After a loss: wait for the burst to pass, dump the table, wait for the DESTROYs it caused. */
const RECONCILE_AFTER_MS = 1000;
const RECONCILE_SETTLE_MS = 500;
/**
 * A sweep reaps at once every entry that expired since the last one, and each is a DESTROY
 * event; conntrack-tools 1.4.7's event socket holds about 150-600 of them (measured), so
 * sweeps come more often while more than SWEEP_BURST_MAX DESTROYs come between two.
 */
const SWEEP_BURST_MAX = 100;
const SWEEP_MIN_MS = 50;
const SWEEP_MAX_MS = 250;
/** The native reader's look-ups: the first this long after an entry may have expired... */
const CHECK_AFTER_LINGER_MS = 50;
/** ...then up to this often while it is open (its DESTROY comes at most this late). */
const CHECK_MAX_MS = 500;
const NATIVE_BUFFER_BYTES = 32 * 1024 * 1024;
/**
 * How often the counts of connections over the events' rate limit are read (by one `nft -j -i`
 * kept running: NftShell), so a Service's conn/s above the limit rises in quarter-second steps.
 */
const UNREPORTED_POLL_MS = 250;
/** At stop, the last reading of those counts and the table's removal take this long at most. */
const STOP_NFT_MS = 2000;
const CLI_BUFFER_BYTES = 8 * 1024 * 1024;

export class ConntrackEventSource {
  readonly #o: ConntrackEventSourceOptions;
  #joiner: ConntrackJoiner | undefined;
  #readers: LineProcess[] = [];
  #sweepTimer: TimerHandle | undefined;
  #sweeping: ChildProcess | undefined;
  #reconcileTimer: TimerHandle | undefined;
  #listing: ChildProcess | undefined;
  #sweepEvery = 0;
  #newSinceSweep = 0;
  #destroysSinceSweep = 0;
  #events = 0;
  #lost = 0;
  #failures = 0;
  #stopped = false;
  #reader: 'native' | 'cli' | undefined;
  #lookups = { sent: 0, gone: 0 };
  /** The events' rate limit once its table is written (0 until then, or without one). */
  #rateLimit = 0;
  #limitWritten: Promise<void> | undefined;
  #unreported = new UnreportedDeltas();
  #unreportedTimer: TimerHandle | undefined;
  #nftShell: NftShell | undefined;

  constructor(opts: ConntrackEventSourceOptions) {
    this.#o = opts;
  }

  /** Starts both readers in this process's network namespace; throws in the host's. */
  start(): void {
    if (this.#joiner) return;
    assertLabNamespace('conntrack -E');
    const o = this.#o;
    const tuning = tuneNamespace(o.closeTimeoutSeconds ?? 1, o.logger);
    const joiner = new ConntrackJoiner({
      emit: (e) => {
        this.#events++;
        o.onEvent(e);
      },
      defaultProxyMode: o.defaultProxyMode,
      tcpTimestamps: tuning.tcpTimestamps,
      lingerMs: tuning.lingerMs,
    });
    this.#joiner = joiner;
    const ct = this.#eventReader(joiner, tuning);
    const trace = new TraceReader((v) => this.#guard(() => joiner.verdict(v, o.rules())));
    const nft = new LineProcess({
      name: 'nft monitor trace',
      command: o.nft ?? 'nft',
      args: ['monitor', 'trace'],
      clock: o.clock,
      logger: o.logger,
      onLine: (line) => trace.line(line, o.clock.now()),
      onStderr: (line) => o.logger.warn({ line }, 'nft monitor trace'),
    });
    this.#readers = [ct, nft];
    for (const r of this.#readers) r.start();
    if (this.#reader === 'cli') this.#scheduleSweep();
    if ((o.eventsRateLimit ?? 0) > 0) this.#limitEvents(o.eventsRateLimit!);
  }

  /** Writes the events' rate limit table, then reads its counts every unreportedPollMs. */
  #limitEvents(rate: number): void {
    const o = this.#o;
    const nft = o.nft ?? 'nft';
    this.#limitWritten = writeEventsTable(nft, rate).then(
      () => {
        this.#rateLimit = rate;
        this.#nftShell = new NftShell(nft);
        o.logger.info(
          { rate },
          'conntrack events: over this many new connections a second, counted only',
        );
        this.#scheduleUnreported();
      },
      (err: unknown) =>
        o.logger.warn(
          { err: String(err) },
          'conntrack events: no rate limit (its table was refused): every connection is reported',
        ),
    );
  }

  #scheduleUnreported(): void {
    if (this.#stopped) return;
    this.#unreportedTimer = this.#o.clock.setTimeout(() => {
      this.#unreportedTimer = undefined;
      this.#readUnreported().then(
        () => this.#scheduleUnreported(),
        () => this.#scheduleUnreported(),
      );
    }, this.#o.unreportedPollMs ?? UNREPORTED_POLL_MS);
  }

  /** The kernel's counts of connections without events since the last reading, into onCounted. */
  async #readUnreported(): Promise<void> {
    const o = this.#o;
    const shell = this.#nftShell;
    if (!shell) return;
    let now;
    try {
      now = await readUnreported(shell);
    } catch (err) {
      o.logger.warn({ err: String(err) }, 'conntrack events: cannot read the unreported counts');
      return;
    }
    const joiner = this.#joiner;
    if (!now || !joiner) return;
    for (const flows of this.#unreported.take(now)) {
      const at = this.#guard(() => joiner.counted(flows, o.rules()));
      if (at) this.#guard(() => o.onCounted?.(at, flows.connections));
    }
  }

  /** The program that reads conntrack's events (`native` or `cli`), once started. */
  get reader(): 'native' | 'cli' | undefined {
    return this.#reader;
  }

  /** Stops the readers and the sweep; resolves once every child process is gone. */
  async stop(): Promise<void> {
    const wasStopped = this.#stopped;
    this.#stopped = true;
    for (const t of [this.#sweepTimer, this.#reconcileTimer, this.#unreportedTimer]) t?.cancel();
    this.#sweepTimer = this.#reconcileTimer = this.#unreportedTimer = undefined;
    const limit = this.#limitWritten;
    this.#limitWritten = undefined;
    if (limit) {
      // The last counts first (they close the account of the connections), then the table;
      // bounded, so a stop never waits on nft for long.
      const close = async () => {
        await limit;
        if (this.#rateLimit > 0 && !wasStopped) await this.#readUnreported();
        await removeEventsTable(this.#o.nft ?? 'nft').catch(() => {});
        await this.#nftShell?.stop(); // (made late, once the table is written)
      };
      await within(STOP_NFT_MS, close());
      await this.#nftShell?.stop();
    }
    const dumps = [this.#sweeping, this.#listing].map(killed);
    await Promise.all([...this.#readers.map((r) => r.stop()), ...dumps]);
  }

  stats(): ConntrackEventStats {
    return {
      events: this.#events,
      lost: this.#lost,
      restarts: this.#readers.reduce((n, r) => n + r.restarts, 0),
      missedStarts: this.#joiner?.stats.missedStarts ?? 0,
      missedEnds: this.#joiner?.stats.missedEnds ?? 0,
      open: this.#joiner?.openCount ?? 0,
      lookups: this.#lookups.sent,
      lookupsGone: this.#lookups.gone,
      rateLimit: this.#rateLimit,
      unreported: this.#unreported.total,
    };
  }

  /** PIDs of the reader processes running now (for tests and for the server's own records). */
  pids(): number[] {
    const pids = [...this.#readers.map((r) => r.pid), this.#nftShell?.pid];
    return pids.filter((pid) => pid !== undefined);
  }

  /** The native reader when it builds (it sweeps on its own timer), else `conntrack -E`. */
  #eventReader(joiner: ConntrackJoiner, tuning: Tuning): LineProcess {
    const o = this.#o;
    const common = {
      clock: o.clock,
      logger: o.logger,
      // Events were lost while it was down.
      onRestart: () => this.#scheduleReconcile(),
    };
    const build =
      o.reader === 'cli' ? { error: 'asked for (reader: cli)' } : nativeConntrackReader();
    if (build.path) {
      this.#reader = 'native';
      o.logger.info({ path: build.path }, 'conntrack events: native reader (ctevents)');
      const sweepMaxMs = o.sweepIntervalMs ?? SWEEP_MAX_MS;
      // A closed connection's entry expires after the shorter of the two closing timeouts at
      // the earliest: the first look-up comes just after.
      const firstMs =
        Math.min(tuning.lingerMs.TIME_WAIT, tuning.lingerMs.CLOSE) + CHECK_AFTER_LINGER_MS;
      return new LineProcess({
        ...common,
        name: 'ctevents',
        command: build.path,
        args: nativeReaderArgs({
          checkFirstMs: o.lookups === false ? 0 : firstMs,
          checkMaxMs: CHECK_MAX_MS,
          sweepMinMs: Math.min(SWEEP_MIN_MS, sweepMaxMs),
          sweepMaxMs,
          receiveBufferBytes: o.bufferSize ?? NATIVE_BUFFER_BYTES,
        }),
        onLine: (line) =>
          this.#guard(() => this.#conntrackLine(joiner, parseNativeConntrackLine(line))),
        // Its receive buffer, and whether it got the size it asked for.
        onStderr: (line) => o.logger.info({ line }, 'ctevents'),
      });
    }
    this.#reader = 'cli';
    o.logger.info({ why: build.error }, 'conntrack events: conntrack -E (no native reader)');
    return new LineProcess({
      ...common,
      name: 'conntrack -E',
      command: o.conntrack ?? 'conntrack',
      args: [
        ...['-E', '-e', 'NEW,DESTROY', '-o', 'timestamp,id'],
        ...['-b', String(o.bufferSize ?? CLI_BUFFER_BYTES)],
      ],
      onLine: (line) =>
        this.#guard(() => this.#conntrackLine(joiner, parseConntrackLine(line, o.clock.now()))),
      onStderr: (line) => this.#conntrackStderr(line),
    });
  }

  #conntrackLine(joiner: ConntrackJoiner, parsed: ConntrackLine): void {
    if (parsed.kind === 'event') {
      if (parsed.event.type === 'DESTROY') this.#destroysSinceSweep++;
      else this.#newSinceSweep++;
      joiner.conntrack(parsed.event, this.#o.rules());
    } else if (parsed.kind === 'lost') this.#countLoss();
    else if (parsed.kind === 'lookups') this.#lookups = { sent: parsed.sent, gone: parsed.gone };
  }

  #conntrackStderr(line: string): void {
    if (parseConntrackLine(line).kind === 'lost') this.#countLoss();
    // The lines that follow the warning explain it; the count says it.
    else if (!/netlink socket buffer size|check --buffer-size|^\s*$/i.test(line))
      this.#o.logger.info({ line }, 'conntrack -E');
  }

  #countLoss(): void {
    this.#lost++;
    // The first loss, then every hundredth: a flood of warnings would cost what it reports.
    if (this.#lost === 1 || this.#lost % 100 === 0)
      this.#o.logger.warn(
        { lost: this.#lost },
        'conntrack events lost (ENOBUFS): the reader fell behind the kernel',
      );
    this.#scheduleReconcile();
  }

  /** Soon (once per loss burst): ends the open connections conntrack no longer has. */
  #scheduleReconcile(): void {
    if (this.#stopped || this.#reconcileTimer || this.#listing) return;
    this.#reconcileTimer = this.#o.clock.setTimeout(() => {
      this.#reconcileTimer = undefined;
      this.#reconcile();
    }, RECONCILE_AFTER_MS);
  }

  #reconcile(): void {
    const { clock, logger } = this.#o;
    const listedAt = clock.now();
    const child = execFile(
      this.#o.conntrack ?? 'conntrack',
      ['-L', '-o', 'id'],
      { maxBuffer: 512 * 1024 * 1024, timeout: 30_000 },
      (err, stdout) => {
        if (this.#listing === child) this.#listing = undefined;
        if (err || this.#stopped) return;
        const alive = new Set<number>();
        for (const m of stdout.matchAll(/\bid=(\d+)/g)) alive.add(Number(m[1]));
        // The entries this dump reaped are on their way as DESTROYs: let them in first.
        this.#reconcileTimer = clock.setTimeout(() => {
          this.#reconcileTimer = undefined;
          const ended = this.#joiner?.endLost(alive, listedAt, clock.now()) ?? 0;
          if (ended > 0)
            logger.warn({ ended }, 'conntrack: connections ended without their DESTROY (lost)');
        }, RECONCILE_SETTLE_MS);
      },
    );
    this.#listing = child;
  }

  /** A bad event or state must not stop the reader: logged (the first few), then skipped. */
  #guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (++this.#failures <= 5)
        this.#o.logger.warn({ err: (err as Error).message }, 'conntrack event not joined');
      return undefined;
    }
  }

  #scheduleSweep(): void {
    if (this.#stopped) return;
    const max = this.#o.sweepIntervalMs ?? SWEEP_MAX_MS;
    this.#sweepEvery ||= max;
    this.#sweepTimer = this.#o.clock.setTimeout(() => {
      this.#sweepTimer = undefined;
      // The last burst sets the pace, twice as often while big, half as often while small; so do
      // the connections opened meanwhile, which expire as one burst a second after they close.
      const burst = Math.max(this.#destroysSinceSweep, this.#newSinceSweep);
      this.#destroysSinceSweep = this.#newSinceSweep = 0;
      if (burst > SWEEP_BURST_MAX) this.#sweepEvery = Math.max(SWEEP_MIN_MS, this.#sweepEvery / 2);
      else if (burst < SWEEP_BURST_MAX / 4) this.#sweepEvery = Math.min(max, this.#sweepEvery * 2);
      if ((this.#joiner?.openCount ?? 0) > 0 && !this.#sweeping) this.#sweep();
      this.#scheduleSweep();
    }, this.#sweepEvery);
  }

  #sweep(): void {
    const child = execFile(
      this.#o.conntrack ?? 'conntrack',
      ['-L', '--mark', SWEEP_MARK],
      { timeout: 10_000 },
      () => {
        if (this.#sweeping === child) this.#sweeping = undefined;
      },
    );
    this.#sweeping = child;
  }
}

/** Kills a one-shot child still running; resolves once it is gone. */
function killed(child: ChildProcess | undefined): Promise<void> | undefined {
  if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
  const gone = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGKILL');
  return gone;
}

interface Tuning {
  tcpTimestamps: boolean;
  lingerMs: { TIME_WAIT: number; CLOSE: number };
}

/**
 * Accounting on (DESTROY then carries packets and bytes), TCP's closing timeouts shortened, in
 * this (the lab's) namespace only; returns what the join needs to know of it.
 */
function tuneNamespace(closeTimeoutSeconds: number | false, logger: ProxierLogger): Tuning {
  if (!writeSysctl(`${NETFILTER}/nf_conntrack_acct`, '1'))
    logger.warn({}, 'cannot turn on nf_conntrack_acct: connection events will show 0 bytes');
  if (closeTimeoutSeconds !== false) {
    for (const state of ['time_wait', 'close'])
      writeSysctl(`${NETFILTER}/nf_conntrack_tcp_timeout_${state}`, String(closeTimeoutSeconds));
  }
  const seconds = (state: string, fallback: number) =>
    Number(readSysctl(`${NETFILTER}/nf_conntrack_tcp_timeout_${state}`) ?? fallback);
  return {
    tcpTimestamps: readSysctl('/proc/sys/net/ipv4/tcp_timestamps') !== '0',
    lingerMs: { TIME_WAIT: seconds('time_wait', 120) * 1000, CLOSE: seconds('close', 10) * 1000 },
  };
}

function writeSysctl(path: string, value: string): boolean {
  try {
    writeFileSync(path, value);
    return true;
  } catch {
    return false;
  }
}

function readSysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Waits for `work`, or `ms` at most (what it does after that is not waited for). */
function within(ms: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  return Promise.race([work.catch(() => {}), late]).finally(() => clearTimeout(timer));
}
