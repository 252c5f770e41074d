import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { libuv } from './libuvTcp.ts';
import { nativeRelay } from './nativeRelay.ts';
import type { RelayReport, RelayRequest } from './relayProtocol.ts';
import type { TcpFlow } from './tcpProxy.ts';

/** One relay per CPU, at most 4 (the proxier's own loop keeps the rest). */
export function defaultRelayProcesses(): number {
  return Math.min(4, availableParallelism());
}

/** How long a relay may take to close its connections when asked to stop. */
const STOP_TIMEOUT_MS = 2000;
/** After a relay that died before it was ready, no new one for this long (streams stay here). */
export const RELAY_RETRY_MS = 30_000;

/** How long a relay may take to say it is ready and answer the socket probe. */
const START_TIMEOUT_MS = 15_000;

const RELAY_ENTRY = fileURLToPath(new URL('./relayProcess.ts', import.meta.url));
/** tsx's loader, for the relay's TypeScript entry (as `npm start` runs the server). */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A connection hands off after this many reads, when the relays are native (it lives long). */
export const LONG_LIVED_READS = 16;

interface Relay {
  child: ChildProcess;
  native: boolean;
  /** It said it is ready and a probe socket reached it: it may be handed connections. */
  ready: boolean;
  /** Found unusable before it was ready (already said, and it is being killed). */
  failed: boolean;
  startTimer: NodeJS.Timeout;
  /** Connections handed to it (by hand-off id), until it reports their end. */
  flows: Map<number, TcpFlow>;
  /** Resolves when it says it is ready (or has exited before). */
  started: Promise<void>;
  markStarted: () => void;
  exited: Promise<void>;
}

export interface RelayPoolOptions {
  /** The Node relay's module (relayProcess.ts; tests give a failing one). */
  entry?: string;
  /** false: Node relays only, even where the native one builds. */
  native?: boolean;
  /** A native relay built elsewhere, used instead of building one. */
  nativeBinary?: string;
}

/** What became of a flow offered to the relays. */
export type HandOff = 'moved' | 'later' | 'never';

/** What relays run on: relay.c, relayProcess.ts, or nothing (no hand-offs on this Node). */
export type RelayKind = 'native' | 'node' | 'none';

interface RelayLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Relay processes for connections that stream or live long. The proxier's one event loop accepts,
 * chooses, connects and relays every connection. One whose read fills a whole buffer (a download,
 * an upload), or, with native relays, one that has carried LONG_LIVED_READS reads (keep-alive), is
 * handed, both sockets and its byte counts, to the least busy relay process, which moves its bytes
 * from then on and reports its end. Bulk transfers then use every CPU and never slow the proxier's
 * accepts, choices or the dashboard; long-lived connections cost a C loop's CPU, not Node's.
 * Routing state (rr, lc, affinity) stays in the proxier: a relay only moves bytes.
 *
 * Relays start on first need, up to `size`: native ones (native/relay.c) where a C compiler built
 * it, else Node ones (relayProcess.ts). A relay that dies takes its connections with it: their
 * events end `reset` with the reason.
 *
 * Hand-offs rest on Node internals: raw libuv handles (libuvTcp.ts) sent through child_process's
 * private handle-passing messages (NODE_HANDLE, which relay.c speaks too). So each relay must take
 * a probe socket before it is handed a connection; where it cannot, the pool says so once, at warn,
 * with what is lost, and falls back: native -> Node relays -> none (every connection stays on the
 * proxier's loop). Without libuv's handles (netTcp.ts) there are no relays at all.
 */
export class RelayPool {
  readonly size: number;
  readonly #logger: RelayLogger;
  readonly #relays: Relay[] = [];
  #nextId = 1;
  #stopping = false;
  /** No relay starts before this time (Date.now()): the last one failed to start. */
  #noStartBefore = 0;
  readonly #opts: RelayPoolOptions;
  /** Native, Node or no relays: known once the native build has been tried. */
  #kind: RelayKind | undefined;
  #nativePath: string | undefined;
  #building: Promise<void> | undefined;

  constructor(size: number, logger: RelayLogger, opts: RelayPoolOptions = {}) {
    this.size = size;
    this.#logger = logger;
    this.#opts = opts;
    if (size <= 0 || libuv().kind !== 'libuv') this.#kind = 'none';
    else if (opts.native === false) this.#kind = 'node';
    else if (opts.nativeBinary) {
      this.#kind = 'native';
      this.#nativePath = opts.nativeBinary;
    }
  }

  /**
   * What the relays run on: `native` (relay.c), `node` (relayProcess.ts), `none` (this Node cannot
   * hand sockets to them), or not known yet.
   */
  get kind(): RelayKind | undefined {
    return this.#kind;
  }

  /** At start: builds the native relay now (in the background), so a failure is said at once. */
  check(): void {
    this.#settled();
  }

  /** Tries the native build once (in the background); true once the kind is known. */
  #settled(): boolean {
    if (this.#kind) return true;
    this.#building ??= nativeRelay().then(({ path, error }) => {
      this.#nativePath = path;
      this.#kind = path ? 'native' : 'node';
      if (!path)
        this.#logger.warn(
          { error },
          "native relay unavailable: long-lived connections stay on kube-proxy's event loop, and streams go to Node relay processes",
        );
    });
    return false;
  }

  /** Connections handed to a relay and not yet ended. */
  get relayed(): number {
    let n = 0;
    for (const r of this.#relays) n += r.flows.size;
    return n;
  }

  /** Relay processes running (pids). */
  get pids(): number[] {
    return this.#relays.map((r) => r.child.pid ?? 0);
  }

  /**
   * A flow with nothing in flight that streams (`full`: a read filled its buffer) or lives long:
   * handed to the relay with the fewest connections. Long-lived ones go only to native relays (a
   * Node relay would cost what this loop costs). While a relay is starting and the others are
   * busy, the flow stays here and is asked about again (`later`).
   */
  adopt(f: TcpFlow, full: boolean): HandOff {
    if (this.#stopping || this.#kind === 'none') return 'never';
    if (!this.#settled()) return 'later';
    if (!full && this.#kind !== 'native') return 'never';
    let best: Relay | undefined;
    let starting = false;
    for (const r of this.#relays) {
      if (!r.ready) starting = true;
      else if (!best || r.flows.size < best.flows.size) best = r;
    }
    if (
      (!best || best.flows.size > 0) &&
      this.#relays.length < this.size &&
      Date.now() >= this.#noStartBefore
    ) {
      this.#start();
      starting = true;
    }
    if (!best || (starting && best.flows.size > 0)) return 'later';
    this.#handOff(best, f);
    return 'moved';
  }

  /** Starts every relay now (rather than on first need); resolves once all are ready. */
  async prestart(): Promise<void> {
    if (!this.#settled()) await this.#building;
    if (this.#kind === 'none') return;
    while (this.#relays.length < this.size) this.#start();
    await Promise.all(this.#relays.map((r) => r.started));
  }

  #handOff(r: Relay, f: TcpFlow): void {
    const id = this.#nextId++;
    f.pause();
    r.flows.set(id, f);
    let sent = 0;
    // Once both sockets are in the relay's hands, this process closes its copies. A send that
    // fails ends the flow here (a relay that got only the client socket drops it after 5 s).
    const onSent = (err: Error | null) => {
      if (f.closed || r.flows.get(id) !== f) return;
      if (err) {
        r.flows.delete(id);
        f.failure ??= `relay hand-off failed (${err.message}): client connection reset`;
        f.close(true);
      } else if (++sent === 2) f.detach();
    };
    const { child } = r;
    child.send(
      {
        t: 'client',
        id,
        backend: f.backend,
        bytesIn: f.bytesIn,
        bytesOut: f.bytesOut,
      } satisfies RelayRequest,
      f.client as never,
      onSent,
    );
    child.send({ t: 'upstream', id } satisfies RelayRequest, f.upstream as never, onSent);
  }

  #start(): void {
    const stdio = ['ignore', 'inherit', 'inherit', 'ipc'] as const;
    const native = this.#kind === 'native';
    let child: ChildProcess;
    try {
      child = native
        ? spawn(this.#nativePath!, [], { stdio: [...stdio], serialization: 'json' })
        : fork(this.#opts.entry ?? RELAY_ENTRY, [], {
            execArgv: ['--import', TSX_LOADER],
            stdio: [...stdio],
            serialization: 'json',
          });
    } catch (err) {
      this.#failedStart(native, String(err));
      return;
    }
    let markStarted!: () => void;
    let markExited!: () => void;
    const r: Relay = {
      child,
      native,
      ready: false,
      failed: false,
      startTimer: setTimeout(
        () => this.#unusable(r, `relay process did not answer in ${START_TIMEOUT_MS / 1000} s`),
        START_TIMEOUT_MS,
      ),
      flows: new Map(),
      started: new Promise<void>((resolve) => (markStarted = resolve)),
      markStarted: () => markStarted(),
      exited: new Promise<void>((resolve) => (markExited = resolve)),
    };
    this.#relays.push(r);
    let gone = false;
    /** It has exited, or never started (spawn failed: Node says 'error', never 'exit'). */
    const onGone = (why: string) => {
      if (gone) return;
      gone = true;
      clearTimeout(r.startTimer);
      const at = this.#relays.indexOf(r);
      if (at >= 0) this.#relays.splice(at, 1);
      if (this.#stopping || r.failed) {
        // asked to go, or found unusable (said then)
      } else if (!r.ready) this.#failedStart(native, why, child.pid);
      else this.#logger.warn({ pid: child.pid, connections: r.flows.size }, why);
      for (const f of r.flows.values())
        this.#finish(f, f.bytesIn, f.bytesOut, `${why}: connection closed`);
      r.flows.clear();
      markStarted();
      markExited();
    };
    child.on('message', (m: RelayReport) => this.#onReport(r, m));
    child.on('error', (err) => {
      if (child.pid === undefined) onGone(`relay process did not start (${err.message})`);
      // Writing to a relay that is going (EPIPE while the pool stops) is part of its end.
      else if (!this.#stopping) this.#logger.warn({ err: String(err) }, 'relay process error');
    });
    child.on('exit', (code, signal) =>
      onGone(`relay process exited (${signal ?? `code ${code}`})`),
    );
    // Relays do not keep the proxier's process alive on their own.
    r.startTimer.unref();
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  /**
   * A relay died before it was ready: a broken install, not a crash. A native one: Node relays from
   * now on. A Node one: streams stay in the proxier for RELAY_RETRY_MS, or for good when this Node
   * cannot hand it sockets (`noSockets`).
   */
  #failedStart(native: boolean, why: string, pid?: number, noSockets = false): void {
    if (native) {
      this.#kind = 'node';
      this.#logger.warn({ pid }, `${why} before it was ready: relay processes run on Node`);
      return;
    }
    if (noSockets) {
      this.#kind = 'none';
      this.#logger.warn(
        { pid, node: process.version },
        `${why}: no relay processes, every connection stays on kube-proxy's event loop`,
      );
      return;
    }
    this.#noStartBefore = Date.now() + RELAY_RETRY_MS;
    this.#logger.warn(
      { pid, retryInSeconds: RELAY_RETRY_MS / 1000 },
      `${why} before it was ready: streams stay in the proxier`,
    );
  }

  /**
   * Sends a started relay a probe socket (one with a descriptor of its own, bound, never
   * connected), as a hand-off sends one; it is ready once it says the socket came.
   */
  #probe(r: Relay): void {
    const socket = libuv().newSocket();
    if (socket.bind('127.0.0.1', 0) !== 0) {
      socket.close();
      this.#ready(r); // no socket to probe with here: the hand-offs will tell
      return;
    }
    r.child.send({ t: 'probe' } satisfies RelayRequest, socket as never, (err: Error | null) => {
      socket.close();
      if (err) this.#unusable(r, `relay process could not be sent a socket (${err.message})`, true);
    });
  }

  #ready(r: Relay): void {
    if (r.ready || r.failed) return;
    clearTimeout(r.startTimer);
    r.ready = true;
    r.markStarted();
    this.#logger.info({ pid: r.child.pid, kind: this.#kind }, 'relay process started');
  }

  /** A relay that cannot take connections: said once (what is lost), killed, not used. */
  #unusable(r: Relay, why: string, noSockets = false): void {
    if (r.ready || r.failed) return;
    r.failed = true;
    clearTimeout(r.startTimer);
    this.#failedStart(r.native, why, r.child.pid, noSockets);
    r.child.kill('SIGKILL');
  }

  #onReport(r: Relay, m: RelayReport): void {
    switch (m.t) {
      case 'ready':
        this.#probe(r);
        return;
      case 'probe':
        if (m.socket) this.#ready(r);
        else
          this.#unusable(
            r,
            "relay process received no socket with the probe (Node's handle passing has changed)",
            true,
          );
        return;
      case 'end': {
        const f = r.flows.get(m.id);
        if (!f) return;
        r.flows.delete(m.id);
        this.#finish(f, m.bytesIn, m.bytesOut, m.failure);
        return;
      }
      case 'stopped':
        // Every end is reported (they came before): let it go; it exits when the channel closes.
        if (r.child.connected) r.child.disconnect();
        return;
    }
  }

  /** The flow's end as the relay saw it: its final event, from this process. */
  #finish(f: TcpFlow, bytesIn: number, bytesOut: number, failure: string | undefined): void {
    if (f.closed) return;
    f.bytesIn = bytesIn;
    f.bytesOut = bytesOut;
    if (failure) f.failure ??= failure;
    f.close(false);
  }

  /**
   * force: every relay closes its connections and reports them, then exits (killed after
   * STOP_TIMEOUT_MS). Otherwise they take no more and exit when their connections have closed.
   */
  async stop(force: boolean): Promise<void> {
    this.#stopping = true;
    const relays = [...this.#relays];
    for (const r of relays) {
      if (!r.ready || !r.child.connected) {
        r.child.kill('SIGKILL'); // starting: it holds no connection yet
        continue;
      }
      r.child.send({ t: force ? 'stop' : 'drain' } satisfies RelayRequest);
    }
    if (!force) return;
    await Promise.all(
      relays.map(async (r) => {
        const t = setTimeout(() => r.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await r.exited;
        clearTimeout(t);
      }),
    );
  }
}
