import type { TrafficRequest, TrafficStatus } from '@l4lab/protocol';
import { TrafficGenerator, type GeneratorOptions } from './generator.ts';
import { checkTrafficLimits } from './trafficLimits.ts';

/** Kept after they stop, for their results, up to this many generators in all. */
const KEPT = 32;

/**
 * The generators of one manager (the embedded lab's TrafficManager, remote mode's
 * RemoteTrafficManager): ids, the limits, the finished ones kept for their results (not
 * forever), stop, forget and list, and every change told to `onUpdate`.
 */
export class GeneratorSet {
  readonly #generators = new Map<string, TrafficGenerator>();
  readonly #onUpdate: ((all: TrafficStatus[]) => void) | undefined;
  readonly #max: number;
  #seq = 0;

  constructor(max: number, onUpdate?: (all: TrafficStatus[]) => void) {
    this.#max = max;
    this.#onUpdate = onUpdate;
  }

  /** Throws (TargetError) when `spec` breaks a limit or too many generators run already. */
  check(spec: TrafficRequest): void {
    const running = [...this.#generators.values()].filter((g) => g.running).length;
    checkTrafficLimits(spec, running, this.#max);
  }

  /** A new generator (its id given), started; the oldest finished ones make room. */
  start(options: Omit<GeneratorOptions, 'id' | 'onUpdate'>): TrafficStatus {
    const id = `gen-${++this.#seq}`;
    for (const [k, g] of this.#generators)
      if (!g.running && this.#generators.size >= KEPT) this.#generators.delete(k);
    const g = new TrafficGenerator({ ...options, id, onUpdate: () => this.#changed() });
    this.#generators.set(id, g);
    g.start();
    this.#changed();
    return g.status();
  }

  stop(id: string): TrafficStatus | undefined {
    const g = this.#generators.get(id);
    g?.stop();
    return g?.status();
  }

  /** Forgets a generator that no longer runs (its results go with it); a running one stays. */
  forget(id: string): TrafficStatus | undefined {
    const g = this.#generators.get(id);
    if (!g || g.running) return undefined;
    this.#generators.delete(id);
    this.#changed();
    return g.status();
  }

  list(): TrafficStatus[] {
    return [...this.#generators.values()].map((g) => g.status());
  }

  stopAll(): void {
    for (const g of this.#generators.values()) g.stop();
  }

  #changed(): void {
    this.#onUpdate?.(this.list());
  }
}
