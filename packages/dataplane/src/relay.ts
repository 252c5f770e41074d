import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { TcpFlow } from './tcpProxy.ts';

/** kube-proxy -> relay. A hand-off is two messages, one socket each (IPC passes one per message). */
export type RelayRequest =
  | { t: 'client'; id: number; backend: string; bytesIn: number; bytesOut: number }
  | { t: 'upstream'; id: number }
  /** Close every connection, report them, then `stopped`. */
  | { t: 'stop' }
  /** Take no more; `stopped` once the last connection has closed. */
  | { t: 'drain' };

/** relay -> kube-proxy. */
export type RelayReport =
  | { t: 'ready' }
  | { t: 'end'; id: number; bytesIn: number; bytesOut: number; failure?: string }
  | { t: 'stopped' };

/** One relay per CPU, at most 4 (the proxier's own loop keeps the rest). */
export function defaultRelayProcesses(): number {
  return Math.min(4, availableParallelism());
}

/** How long a relay may take to close its connections when asked to stop. */
const STOP_TIMEOUT_MS = 2000;
/** After a relay that died before it was ready, no new one for this long (streams stay here). */
export const RELAY_RETRY_MS = 30_000;

const RELAY_ENTRY = fileURLToPath(new URL('./relayProcess.ts', import.meta.url));
const NATIVE_SOURCE = fileURLToPath(new URL('../native/relay.c', import.meta.url));
const NATIVE_BUILD_DIR = fileURLToPath(new URL('../native/.build/', import.meta.url));
/** tsx's loader, for the relay's TypeScript entry (as `npm start` runs the server). */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * The native relay (native/relay.c), built once per version of its source with the system's C
 * compiler (`cc -O2`, or $CC) into native/.build/. Undefined when it cannot be built (no compiler,
 * not Linux): relays then run on Node (relayProcess.ts).
 */
export function nativeRelay(): Promise<{ path?: string; error?: string }> {
  return (nativeBuild ??= buildNative());
}
let nativeBuild: Promise<{ path?: string; error?: string }> | undefined;

async function buildNative(): Promise<{ path?: string; error?: string }> {
  if (process.platform !== 'linux') return { error: `epoll is Linux's (${process.platform})` };
  try {
    const hash = createHash('sha256')
      .update(`${process.platform}-${process.arch}\n`)
      .update(await readFile(NATIVE_SOURCE))
      .digest('hex')
      .slice(0, 16);
    const path = join(NATIVE_BUILD_DIR, `relay-${hash}`);
    if (existsSync(path)) return { path };
    await mkdir(NATIVE_BUILD_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      await promisify(execFile)(process.env.CC ?? 'cc', ['-O2', '-o', tmp, NATIVE_SOURCE]);
      await rename(tmp, path); // atomic: another process building it at the same time is fine
    } finally {
      await rm(tmp, { force: true });
    }
    return { path };
  } catch (err) {
    return { error: String((err as Error).message).split('\n')[0] };
  }
}

/** A connection hands off after this many reads, when the relays are native (it lives long). */
export const LONG_LIVED_READS = 16;

interface Relay {
  child: ChildProcess;
  ready: boolean;
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
  /** Native or Node relays: known once the native build has been tried. */
  #kind: 'native' | 'node' | undefined;
  #nativePath: string | undefined;
  #building: Promise<void> | undefined;

  constructor(size: number, logger: RelayLogger, opts: RelayPoolOptions = {}) {
    this.size = size;
    this.#logger = logger;
    this.#opts = opts;
    if (opts.native === false) this.#kind = 'node';
    else if (opts.nativeBinary) {
      this.#kind = 'native';
      this.#nativePath = opts.nativeBinary;
    }
  }

  /** What the relays run on: `native` (relay.c), `node` (relayProcess.ts), or not known yet. */
  get kind(): 'native' | 'node' | undefined {
    return this.#kind;
  }

  /** Tries the native build once (in the background); true once the kind is known. */
  #settled(): boolean {
    if (this.#kind) return true;
    this.#building ??= nativeRelay().then(({ path, error }) => {
      this.#nativePath = path;
      this.#kind = path ? 'native' : 'node';
      if (!path)
        this.#logger.info({ error }, 'native relay unavailable: relay processes run on Node');
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
    if (this.#stopping || this.size <= 0) return 'never';
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
      ready: false,
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
      const at = this.#relays.indexOf(r);
      if (at >= 0) this.#relays.splice(at, 1);
      if (!r.ready && !this.#stopping) this.#failedStart(native, why, child.pid);
      else if (!this.#stopping)
        this.#logger.warn({ pid: child.pid, connections: r.flows.size }, why);
      for (const f of r.flows.values())
        this.#finish(f, f.bytesIn, f.bytesOut, `${why}: connection closed`);
      r.flows.clear();
      markStarted();
      markExited();
    };
    child.on('message', (m: RelayReport) => this.#onReport(r, m));
    child.on('error', (err) => {
      if (child.pid === undefined) onGone(`relay process did not start (${err.message})`);
      else this.#logger.warn({ err: String(err) }, 'relay process error');
    });
    child.on('exit', (code, signal) =>
      onGone(`relay process exited (${signal ?? `code ${code}`})`),
    );
    // Relays do not keep the proxier's process alive on their own.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  /**
   * A relay died before it was ready: a broken install, not a crash. A native one: Node relays from
   * now on. A Node one: streams stay in the proxier for RELAY_RETRY_MS.
   */
  #failedStart(native: boolean, why: string, pid?: number): void {
    if (native) {
      this.#kind = 'node';
      this.#logger.warn({ pid }, `${why} before it was ready: relay processes run on Node`);
      return;
    }
    this.#noStartBefore = Date.now() + RELAY_RETRY_MS;
    this.#logger.warn(
      { pid, retryInSeconds: RELAY_RETRY_MS / 1000 },
      `${why} before it was ready: streams stay in the proxier`,
    );
  }

  #onReport(r: Relay, m: RelayReport): void {
    switch (m.t) {
      case 'ready':
        r.ready = true;
        r.markStarted();
        this.#logger.info({ pid: r.child.pid, kind: this.#kind }, 'relay process started');
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
