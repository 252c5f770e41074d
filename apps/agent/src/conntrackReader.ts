// conntrack's NEW and DESTROY events in this process's network namespace (on a node: the node's,
// hostNetwork), read by the dataplane's native reader (native/ctevents.c, built with the system's
// C compiler on first use) or, where it cannot be built, `conntrack -E`. Read only: no sysctl is
// written, no entry deleted, no rule touched. The native reader's look-ups (a ctnetlink GET of an
// entry it saw open, when its closing timeout may be over) only read, and an entry that expired is
// reaped by the kernel on the way, as its own garbage collector would a little later; table
// sweeps (a full dump) are off.
import {
  LineProcess,
  nativeConntrackReader,
  nativeReaderArgs,
  parseConntrackLine,
  parseNativeConntrackLine,
  type ConntrackEvent,
  type ConntrackLine,
  type LineProcessOptions,
} from '@l4lab/dataplane';
import type { AgentLogger } from './logger.ts';

export interface ConntrackReaderOptions {
  /** The node's TIME_WAIT and CLOSE timeouts (s), as read; the kernel's defaults when unknown. */
  timeWaitSeconds: number | null;
  closeSeconds: number | null;
  onEvent(e: ConntrackEvent): void;
  /** ENOBUFS (events the kernel dropped), or the reader restarted (events missed meanwhile). */
  onLoss(cause: 'enobufs' | 'reader_restart'): void;
  logger: AgentLogger;
  clock: LineProcessOptions['clock'];
  /** `cli` forces `conntrack -E`; `native` (the default) falls back to it when it cannot build. */
  reader?: 'native' | 'cli';
  conntrack?: string;
  /** A network namespace (path) to read in: the reader runs as `nsenter --net=PATH -- ...`. */
  netns?: string;
}

/** Kernel defaults (nf_conntrack_proto_tcp.c). */
const DEFAULT_TIME_WAIT_S = 120;
const DEFAULT_CLOSE_S = 10;
/** The first look-up comes this long after the entry may have expired. */
const CHECK_AFTER_LINGER_MS = 50;
/** An open entry is looked up again at most this often (a GET each: cheap, not free). */
const CHECK_MAX_MS = 60_000;
/** SO_RCVBUFFORCE needs NET_ADMIN, which the DaemonSet grants; else SO_RCVBUF, capped. */
const NATIVE_BUFFER_BYTES = 32 * 1024 * 1024;
const CLI_BUFFER_BYTES = 8 * 1024 * 1024;

export class ConntrackReader {
  readonly #o: ConntrackReaderOptions;
  #process: LineProcess | undefined;
  #kind: 'native' | 'cli' | undefined;

  constructor(opts: ConntrackReaderOptions) {
    this.#o = opts;
  }

  /** Starts the reader; says which one runs. */
  start(): 'native' | 'cli' {
    if (this.#process) return this.#kind!;
    const o = this.#o;
    // nsenter execs the reader: the pid LineProcess stops is the reader's own.
    const inNetns = (command: string, args: readonly string[]) =>
      o.netns
        ? { command: 'nsenter', args: [`--net=${o.netns}`, '--', command, ...args] }
        : { command, args };
    const common = {
      clock: o.clock,
      logger: o.logger,
      onRestart: () => o.onLoss('reader_restart'),
    };
    const build =
      o.reader === 'cli' ? { error: 'asked for (--reader cli)' } : nativeConntrackReader();
    if (build.path) {
      this.#kind = 'native';
      o.logger.info({ path: build.path }, 'conntrack events: native reader (ctevents)');
      const timeWaitMs = (o.timeWaitSeconds ?? DEFAULT_TIME_WAIT_S) * 1000;
      const closeMs = (o.closeSeconds ?? DEFAULT_CLOSE_S) * 1000;
      const firstMs = Math.min(timeWaitMs, closeMs) + CHECK_AFTER_LINGER_MS;
      this.#process = new LineProcess({
        ...common,
        name: 'ctevents',
        ...inNetns(
          build.path,
          nativeReaderArgs({
            checkFirstMs: firstMs,
            checkMaxMs: Math.max(firstMs, CHECK_MAX_MS),
            sweepMinMs: 0,
            sweepMaxMs: 0,
            receiveBufferBytes: NATIVE_BUFFER_BYTES,
          }),
        ),
        onLine: (line) => this.#line(parseNativeConntrackLine(line)),
        onStderr: (line) => o.logger.info({ line }, 'ctevents'),
      });
    } else {
      this.#kind = 'cli';
      o.logger.warn({ why: build.error }, 'conntrack events: conntrack -E (no native reader)');
      this.#process = new LineProcess({
        ...common,
        name: 'conntrack -E',
        ...inNetns(o.conntrack ?? 'conntrack', [
          ...['-E', '-e', 'NEW,DESTROY', '-o', 'timestamp,id'],
          ...['-b', String(CLI_BUFFER_BYTES)],
        ]),
        onLine: (line) => this.#line(parseConntrackLine(line, o.clock.now())),
        onStderr: (line) => {
          if (parseConntrackLine(line).kind === 'lost') o.onLoss('enobufs');
          else if (!/netlink socket buffer size|check --buffer-size|^\s*$/i.test(line))
            o.logger.info({ line }, 'conntrack -E');
        },
      });
    }
    this.#process.start();
    return this.#kind;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** Stops the reader; resolves once its process is gone. */
  async stop(): Promise<void> {
    await this.#process?.stop();
  }

  #line(parsed: ConntrackLine): void {
    if (parsed.kind === 'event') this.#o.onEvent(parsed.event);
    else if (parsed.kind === 'lost') this.#o.onLoss('enobufs');
  }
}
