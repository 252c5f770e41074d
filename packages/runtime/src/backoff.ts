/** Kubernetes' container restart back-off: 10 s, doubling, at most 5 min. */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** A container that ran this long without a problem starts over at no back-off. */
export const BACKOFF_RESET_AFTER_MS = 600_000;

/**
 * The back-off of one pod's restarts (the kubelet's CrashLoopBackOff): the first restart is
 * immediate, then 10 s, 20 s, 40 s ... up to 5 min, each multiplied by `scale` (`--fast-backoff`);
 * a container that ran for 10 minutes resets it.
 */
export class RestartBackoff {
  readonly #scale: number;
  #failures = 0;

  constructor(scale = 1) {
    this.#scale = scale;
  }

  /** The delay before the next start, given how long the container that just ended ran. */
  next(ranForMs: number): number {
    if (ranForMs >= BACKOFF_RESET_AFTER_MS) this.#failures = 0;
    const n = this.#failures++;
    if (n === 0) return 0;
    return Math.min(BACKOFF_INITIAL_MS * 2 ** (n - 1), BACKOFF_MAX_MS) * this.#scale;
  }

  /** Image pulls back off the same way, but never start immediately twice. */
  nextPull(): number {
    const n = this.#failures++;
    return Math.min(BACKOFF_INITIAL_MS * 2 ** n, BACKOFF_MAX_MS) * this.#scale;
  }

  reset(): void {
    this.#failures = 0;
  }
}
