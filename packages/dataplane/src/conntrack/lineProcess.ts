// A long-running reader program (`conntrack -E`, `nft monitor trace`) whose output is read line
// by line, started again with back-off when it exits, and stopped for good (nothing left behind).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Clock, TimerHandle } from '@l4lab/cluster';
import { readLines } from '../readLines.ts';
import type { ProxierLogger } from '../userspaceProxier.ts';

export interface LineProcessOptions {
  /** For the logs: `conntrack -E`. */
  name: string;
  command: string;
  args: readonly string[];
  clock: Clock;
  logger: ProxierLogger;
  onLine(line: string): void;
  onStderr?(line: string): void;
  /** Called when the program runs again after it exited (what it would have printed is lost). */
  onRestart?(): void;
  /** First restart delay; doubled up to maxBackoffMs while the program keeps failing. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** A run that lasted this long was healthy: the next failure starts the back-off afresh. */
const HEALTHY_RUN_MS = 10_000;
const STOP_GRACE_MS = 2000;

export class LineProcess {
  readonly #o: LineProcessOptions;
  #child: ChildProcess | undefined;
  #startedAt = 0;
  #backoff: number;
  #timer: TimerHandle | undefined;
  #stopped = false;
  /** Times the program was started again after it exited. */
  restarts = 0;

  constructor(opts: LineProcessOptions) {
    this.#o = opts;
    this.#backoff = opts.backoffMs ?? 250;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  start(): void {
    if (this.#stopped || this.#child) return;
    const o = this.#o;
    this.#startedAt = o.clock.now();
    const child = spawn(o.command, [...o.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    readLines(child.stdout!, o.onLine);
    readLines(child.stderr!, (line) => o.onStderr?.(line));
    child.on('error', (err) => {
      o.logger.warn({ err: err.message }, `${o.name}: cannot run`);
      this.#exited(child, null, null);
    });
    // 'exit', not 'close': a grandchild may hold the pipes open long after the program is gone.
    child.on('exit', (code, signal) => this.#exited(child, code, signal));
  }

  /** Stops the program (SIGTERM, then SIGKILL after 2 s) and resolves once it is gone. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const force = this.#o.clock.setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await gone;
    force.cancel();
  }

  #exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return; // told twice ('error' and 'exit')
    this.#child = undefined;
    if (this.#stopped) return;
    const o = this.#o;
    const ran = o.clock.now() - this.#startedAt;
    if (ran >= HEALTHY_RUN_MS) this.#backoff = o.backoffMs ?? 250;
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, o.maxBackoffMs ?? 10_000);
    o.logger.warn(
      { code, signal, ranMs: ran, restartInMs: delay },
      `${o.name} exited: events are lost until it runs again`,
    );
    this.#timer = o.clock.setTimeout(() => {
      this.#timer = undefined;
      this.restarts++;
      this.start();
      o.onRestart?.();
    }, delay);
  }
}
