import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const REAPER_PROGRAM = fileURLToPath(new URL('./reaperProcess.mjs', import.meta.url));
/** How long an orderly stop waits for the reaper to leave before killing it. */
const RELEASE_WAIT_MS = 2_000;

/**
 * Ties the life of this server's containers to the server's own. Containers are children of
 * dockerd, not of the server, so a parent-death signal (what nginx pods use) cannot reach them,
 * and a watchdog that only gets a death signal itself could not act on it. Instead a small process
 * (reaperProcess.mjs) holds the read end of a pipe whose write end only the server holds: when the
 * server ends in any way, kill -9 included, the kernel closes the pipe and the reaper removes the
 * containers labelled with this server's instance through the engine, then exits. The next start's
 * clean-up (by workspace) stays as the fallback for what the reaper could not do (engine down,
 * reaper killed too).
 */
export class ContainerReaper {
  readonly #args: string[];
  #child: ChildProcess | undefined;

  constructor(opts: { engineSocket: string; workspace: string; instance: string }) {
    this.#args = [REAPER_PROGRAM, opts.engineSocket, opts.workspace, opts.instance];
  }

  /** Starts the reaper unless it runs: called before every container is created. */
  ensureRunning(): void {
    if (this.#child && running(this.#child)) return;
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // a plain script: no loader (tsx) nor the server's own options
    const child = spawn(process.execPath, this.#args, {
      // Its own process group: a Ctrl+C meant for the server does not kill it first.
      detached: true,
      stdio: ['pipe', 'ignore', 'inherit'],
      env,
    });
    child.once('error', function onReaperError() {
      // no reaper: the next start's clean-up removes what a crash leaves, as before
    });
    const pipe = child.stdin as Socket;
    pipe.on('error', function onPipeError() {}); // EPIPE once the reaper has gone
    // Neither keeps the server alive; the pipe still closes when the server exits.
    child.unref();
    pipe.unref();
    this.#child = child;
  }

  /** An orderly stop, after every pod stopped: the reaper leaves without removing anything. */
  async release(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || !running(child)) return;
    const exited = once(child, 'exit');
    child.stdin?.end('release\n');
    const timer = setTimeout(() => child.kill('SIGKILL'), RELEASE_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** The reaper's pid while it runs (tests). */
  get pid(): number | undefined {
    return this.#child && running(this.#child) ? this.#child.pid : undefined;
  }
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}
