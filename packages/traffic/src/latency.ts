/** Latency percentiles over the most recent samples (a fixed-size ring). */
export class LatencyWindow {
  readonly #samples: number[] = [];
  readonly #size: number;
  #next = 0;

  constructor(size = 1000) {
    this.#size = size;
  }

  add(ms: number): void {
    if (this.#samples.length < this.#size) this.#samples.push(ms);
    else this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#size;
  }

  percentiles(): { p50: number; p90: number; p99: number } {
    if (this.#samples.length === 0) return { p50: 0, p90: 0, p99: 0 };
    const s = [...this.#samples].sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]! * 10) / 10;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
  }
}
