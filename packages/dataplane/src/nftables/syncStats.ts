/**
 * How long changes take to be in force: from the watch event that made a sync needed to `nft`
 * returning (kube-proxy's network programming latency), over the last `keep` syncs.
 */
export class SyncDurations {
  readonly #keep: number;
  readonly #recent: number[] = [];
  #count = 0;

  constructor(keep = 200) {
    this.#keep = keep;
  }

  add(ms: number): void {
    this.#count++;
    this.#recent.push(ms);
    if (this.#recent.length > this.#keep) this.#recent.shift();
  }

  stats(): SyncStats {
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return {
      count: this.#count,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      lastMs: this.#recent.at(-1) ?? 0,
    };
  }
}

export interface SyncStats {
  /** Syncs measured since start. */
  count: number;
  p50Ms: number;
  p95Ms: number;
  lastMs: number;
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
