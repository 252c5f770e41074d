// Manifest parsing and validation run in a worker thread, never on the event loop that carries the
// lab's connections, API and WebSocket: a hostile or clumsy manifest may cost the worker seconds,
// never the dataplane. Each request has a time budget; a request over it is refused and the worker
// replaced, so the next request starts fresh. Requests queue (one at a time in the worker, so the
// budget measures that request alone), up to a bound, past which the apply is asked to retry.
import { Worker } from 'node:worker_threads';
import type { ManifestError } from '@l4lab/protocol';
import type { CheckResult } from '@l4lab/manifests';

export type CheckRequest =
  | { id: number; op: 'check'; text: string }
  | { id: number; op: 'locate'; text: string; fields: FieldRef[] };

export type CheckReply =
  | { id: number; op: 'check'; result: CheckResult }
  | { id: number; op: 'locate'; positions: (Position | undefined)[] }
  | { id: number; op: 'failed'; message: string }
  | { op: 'ready' };

export interface FieldRef {
  document: number;
  path: string;
}
export interface Position {
  line: number;
  column: number;
}

/** Why the checker did not answer: the status and the one error the apply returns. */
export class CheckRefused extends Error {
  constructor(
    readonly status: 422 | 429 | 500,
    readonly error: ManifestError,
  ) {
    super(error.message);
  }
}

export interface ManifestCheckerOptions {
  /** Longest a request may take in the worker. */
  budgetMs?: number;
  /** Requests waiting for the worker before more are refused (429). */
  maxQueued?: number;
}

interface Job {
  request: CheckRequest;
  resolve: (reply: CheckReply) => void;
  reject: (err: CheckRefused) => void;
}

export class ManifestChecker {
  readonly #budgetMs: number;
  readonly #maxQueued: number;
  readonly #queue: Job[] = [];
  #worker: Worker | undefined;
  /** The worker has loaded its modules (loading is not charged to a request's budget). */
  #ready = false;
  #running: { job: Job; timer: NodeJS.Timeout } | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: ManifestCheckerOptions = {}) {
    this.#budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
    this.#maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
  }

  /** Starts the worker ahead of the first apply (it takes a few hundred ms to load). */
  warm(): void {
    this.#workerReady();
  }

  /** Syntax, structure and validation of a multi-document text, as checkManifests answers it. */
  async check(text: string): Promise<CheckResult> {
    const reply = await this.#submit({ id: this.#nextId++, op: 'check', text });
    if (reply.op !== 'check') throw internal(reply);
    return reply.result;
  }

  /** The line and column of fields in the text (for errors only the cluster's state can show). */
  async locate(text: string, fields: FieldRef[]): Promise<(Position | undefined)[]> {
    const reply = await this.#submit({ id: this.#nextId++, op: 'locate', text, fields });
    if (reply.op !== 'locate') throw internal(reply);
    return reply.positions;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const jobs = [...this.#queue.splice(0), ...(this.#running ? [this.#running.job] : [])];
    if (this.#running) clearTimeout(this.#running.timer);
    this.#running = undefined;
    for (const job of jobs) job.reject(refused(500, 'the lab is shutting down', 'L4_E_INTERNAL'));
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #submit(request: CheckRequest): Promise<CheckReply> {
    if (this.#closed)
      return Promise.reject(refused(500, 'the lab is shutting down', 'L4_E_INTERNAL'));
    if (this.#queue.length >= this.#maxQueued) {
      return Promise.reject(
        refused(
          429,
          `Too many requests: ${this.#queue.length} manifests are waiting to be checked, please try again later`,
          'L4_E_TOO_MANY_REQUESTS',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#next();
    });
  }

  #next(): void {
    if (this.#running || this.#closed || this.#queue.length === 0) return;
    const worker = this.#workerReady();
    if (!this.#ready) return;
    const job = this.#queue.shift()!;
    const timer = setTimeout(() => this.#overBudget(), this.#budgetMs);
    this.#running = { job, timer };
    worker.postMessage(job.request);
  }

  #workerReady(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker();
    this.#ready = false;
    worker.unref();
    worker.on('message', (reply: CheckReply) => this.#answered(worker, reply));
    worker.on('error', (err) => this.#lost(worker, err.message));
    worker.on('exit', (code) => this.#lost(worker, `the manifest checker exited (code ${code})`));
    this.#worker = worker;
    return worker;
  }

  #answered(worker: Worker, reply: CheckReply): void {
    if (worker !== this.#worker) return;
    if (reply.op === 'ready') {
      this.#ready = true;
      this.#next();
      return;
    }
    const running = this.#running;
    if (!running || running.job.request.id !== reply.id) return;
    clearTimeout(running.timer);
    this.#running = undefined;
    running.job.resolve(reply);
    this.#next();
  }

  /** The request ran past its budget: refuse it, replace the worker, go on with the queue. */
  #overBudget(): void {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
    this.#workerReady(); // its successor loads now, not when the next apply arrives
    running.job.reject(
      refused(
        422,
        `manifest too costly to check: checking it took longer than ${this.#budgetMs / 1000} s, the limit per apply (split it into several applies)`,
        'L4_E_LIMIT',
      ),
    );
    this.#next();
  }

  /** The worker died (out of memory, a crash): the request it held fails, the next gets a new one. */
  #lost(worker: Worker, why: string): void {
    if (worker !== this.#worker) return;
    this.#worker = undefined;
    const running = this.#running;
    this.#running = undefined;
    if (running) clearTimeout(running.timer);
    // A worker that never loaded would fail again: the queue fails now, the next apply retries.
    const failed = this.#ready ? (running ? [running.job] : []) : this.#queue.splice(0);
    for (const job of failed)
      job.reject(refused(500, `Internal error occurred: ${why}`, 'L4_E_INTERNAL'));
    this.#next();
  }
}

/**
 * The URL of apps/server/dist/ in the server's bundle (scripts/build-server.mjs writes it in); not
 * defined when the server runs from its sources.
 */
declare const L4LAB_SERVER_DIST: string | undefined;

/**
 * The worker runs what the server runs: in the bundle, its own bundle beside it; from sources,
 * TypeScript through tsx, registered in the worker itself (a worker does not inherit the parent's
 * `--import` loader hooks).
 */
function startWorker(): Worker {
  // Enough heap for the largest manifest the limits let through, and no more.
  const resourceLimits = { maxOldGenerationSizeMb: 512 };
  if (typeof L4LAB_SERVER_DIST === 'string')
    return new Worker(new URL('manifestCheckWorker.mjs', L4LAB_SERVER_DIST), { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./manifestCheckWorker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, resourceLimits });
}

function refused(status: CheckRefused['status'], message: string, code: string): CheckRefused {
  return new CheckRefused(status, {
    message,
    path: '',
    line: 1,
    column: 1,
    document: 0,
    severity: 'error',
    code,
  });
}

function internal(reply: CheckReply): CheckRefused {
  const why = reply.op === 'failed' ? reply.message : `unexpected answer ${reply.op}`;
  return refused(500, `Internal error occurred: ${why}`, 'L4_E_INTERNAL');
}

/**
 * Real manifests check in a few ms; 500 Services of 20 ports (300 KB) in about 0.5 s. Under a
 * second with the answer's own overhead, even on a busy machine: no apply waits longer.
 */
const DEFAULT_BUDGET_MS = 750;
const DEFAULT_MAX_QUEUED = 32;
