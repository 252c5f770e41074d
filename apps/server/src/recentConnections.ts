import type { ConnectionEvent } from '@l4lab/protocol';

/**
 * The last connection events, every one (none sampled away), for the lessons' checks: a ring of
 * fixed size, so recording stays O(1) however busy the room is. Bigger than the hub's buffer for
 * GET /api/connections because a check counts back minutes (`within: 120`), not a screenful.
 */
export class RecentConnections {
  readonly #ring: (ConnectionEvent | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity = 20_000) {
    this.#ring = new Array<ConnectionEvent | undefined>(capacity);
  }

  record(e: ConnectionEvent): void {
    this.#ring[this.#next] = e;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** Oldest first. */
  list(): ConnectionEvent[] {
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    const out: ConnectionEvent[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#ring[(start + i) % this.capacity]!);
    return out;
  }
}
