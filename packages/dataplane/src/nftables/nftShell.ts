// One `nft -j -i` kept running for a listing asked again and again (the events' rate limit reads
// its set 4 times a second): a command line in, one JSON line out, where `nft -j list ...` each
// time would start a process (a fork of the server, a few ms of its event loop, and nft's own
// start). nft in interactive mode reads the ruleset anew for each command (the counters and the
// elements the packet path added are current), answers a command it cannot do on stderr
// (`Error: ...`, then the command and a caret line) and nothing on stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readLines } from '../readLines.ts';
import { NftError } from './commands.ts';

/** A command not answered in this long: nft is killed, and started again for the next one. */
const ANSWER_TIMEOUT_MS = 2000;
/** At stop, nft gets this long to exit on the end of its input before it is killed. */
const STOP_GRACE_MS = 1000;

interface Pending {
  command: string;
  resolve(out: string | undefined): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class NftShell {
  readonly #nft: string;
  readonly #timeoutMs: number;
  #child: ChildProcessWithoutNullStreams | undefined;
  #pending: Pending | undefined;
  /** Commands wait for the one before (nft answers in order, one at a time here). */
  #queue: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(nft: string, opts: { timeoutMs?: number } = {}) {
    this.#nft = nft;
    this.#timeoutMs = opts.timeoutMs ?? ANSWER_TIMEOUT_MS;
  }

  /** The running nft's pid (for its CPU time), if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * `nft -j <command>`'s output (one line of JSON), or undefined when nft says there is no such
   * object (`No such file or directory`); throws NftError for another error, no answer in time,
   * or after stop().
   */
  list(command: string): Promise<string | undefined> {
    const next = this.#queue.then(() => this.#ask(command));
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Ends nft (its input closed, then SIGKILL after a grace period); later commands throw. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin.end();
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  }

  #ask(command: string): Promise<string | undefined> {
    if (this.#stopped) return Promise.reject(new NftError(`nft -i: stopped (${command})`));
    const child = (this.#child ??= this.#start());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#child = undefined; // the next command starts another
        child.kill('SIGKILL');
        this.#settle((p) => p.reject(new NftError(`nft -i: no answer to "${command}" in time`)));
      }, this.#timeoutMs);
      this.#pending = { command, resolve, reject, timer };
      child.stdin.write(`${command}\n`);
    });
  }

  #start(): ChildProcessWithoutNullStreams {
    const child = spawn(this.#nft, ['-j', '-i'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.on('error', () => {}); // nft gone: said by 'exit'
    // A killed nft's last words are not the answer to the next nft's command.
    const current = () => this.#child === child;
    readLines(child.stdout, (line) => current() && this.#settle((p) => p.resolve(line)));
    readLines(child.stderr, (line) => {
      // Not the command echoed, nor the caret line under it.
      if (!current() || !line.startsWith('Error:')) return;
      this.#settle((p) =>
        /No such file or directory/.test(line)
          ? p.resolve(undefined)
          : p.reject(new NftError(`nft ${p.command} failed: ${line}`)),
      );
    });
    const gone = (why: string) => {
      if (!current()) return;
      this.#child = undefined;
      this.#settle((p) => p.reject(new NftError(`nft -i ${why} (${p.command})`)));
    };
    child.on('error', (err) => gone(`cannot run: ${err.message}`));
    child.on('exit', (code, signal) => gone(`exited (${signal ?? `code ${code}`})`));
    return child;
  }

  /** Settles the command waiting for its answer, if one is. */
  #settle(how: (p: Pending) => void): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = undefined;
    clearTimeout(p.timer);
    how(p);
  }
}
