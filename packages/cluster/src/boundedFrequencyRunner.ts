import type { Clock, TimerHandle } from './clock.ts';

/**
 * k8s.io/kubernetes/pkg/util/async.BoundedFrequencyRunner: runs `fn` when asked, but never more
 * often than `minInterval`, at least every `maxInterval`, and again after `retryInterval` when it
 * throws or the promise it returns rejects. Requests that arrive while it must wait are folded into
 * one run.
 */
export class BoundedFrequencyRunner {
  readonly #fn: () => void | Promise<void>;
  readonly #clock: Clock;
  readonly #minInterval: number;
  readonly #maxInterval: number;
  readonly #retryInterval: number;
  #lastRun = -Infinity;
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #stopped = false;
  #onError: (err: unknown) => void;

  constructor(opts: {
    name: string;
    fn: () => void | Promise<void>;
    clock: Clock;
    minInterval: number;
    maxInterval: number;
    retryInterval?: number;
    onError?: (err: unknown) => void;
  }) {
    this.#fn = opts.fn;
    this.#clock = opts.clock;
    this.#minInterval = opts.minInterval;
    this.#maxInterval = opts.maxInterval;
    this.#retryInterval = opts.retryInterval ?? opts.minInterval;
    this.#onError = opts.onError ?? (() => {});
  }

  /** Starts the periodic (maxInterval) runs. */
  loop(): void {
    this.#schedule(this.#maxInterval);
  }

  /** Asks for a run as soon as minInterval allows. */
  run(): void {
    const wait = Math.max(0, this.#lastRun + this.#minInterval - this.#clock.now());
    this.#schedule(wait);
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #schedule(delay: number): void {
    if (this.#stopped) return;
    const at = this.#clock.now() + delay;
    if (this.#timer && this.#timerAt <= at) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = this.#clock.setTimeout(() => this.#tick(), delay);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#lastRun = this.#clock.now();
    let result: void | Promise<void>;
    try {
      result = this.#fn();
    } catch (err) {
      this.#failed(err);
      return;
    }
    this.#schedule(this.#maxInterval);
    // An asynchronous run that fails is retried like one that throws (sooner than maxInterval).
    if (result instanceof Promise) result.catch((err: unknown) => this.#failed(err));
  }

  #failed(err: unknown): void {
    this.#onError(err);
    this.#schedule(this.#retryInterval);
  }
}
