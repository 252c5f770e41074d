import type { ConnectionEvent, ServerMessage } from '@l4lab/protocol';
import type { ConnectionStats } from '@l4lab/dataplane';

/** Individual events sent per 50 ms frame at most; beyond it they are counted as `sampled`. */
export const EVENTS_PER_FRAME = 200;
/** A frame every this many ms. */
export const FRAME_MS = 50;
/** Recent events kept for GET /api/connections. */
export const RECENT_EVENTS = 5000;

/**
 * Between the data plane and the browsers: keeps the recent events, and every 50 ms sends one
 * `connection_events` frame with the counters (always) and the frame's events (up to a cap).
 */
export class EventHub {
  readonly #stats: ConnectionStats;
  readonly #recent: ConnectionEvent[] = [];
  #pending: ConnectionEvent[] = [];
  #sampled = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(stats: ConnectionStats) {
    this.#stats = stats;
  }

  record(e: ConnectionEvent): void {
    this.#stats.record(e);
    this.#recent.push(e);
    if (this.#recent.length > RECENT_EVENTS * 1.2)
      this.#recent.splice(0, this.#recent.length - RECENT_EVENTS);
    if (this.#pending.length < EVENTS_PER_FRAME) this.#pending.push(e);
    else this.#sampled++;
    this.#dirty = true;
  }

  /**
   * Connections the kernel counted without events (over the events' rate limit): in their row,
   * and in the frame's count of connections counted, not drawn.
   */
  counted(at: Pick<ConnectionEvent, 'service' | 'endpoint'>, connections: number): void {
    if (connections <= 0) return;
    this.#stats.counted(at, connections);
    this.#sampled += connections;
    this.#dirty = true;
  }

  recent(limit: number): ConnectionEvent[] {
    const n = Math.max(0, Math.min(limit, RECENT_EVENTS));
    return n === 0 ? [] : this.#recent.slice(-n);
  }

  start(broadcast: (msg: ServerMessage) => void, periodMs = FRAME_MS): void {
    this.#timer = setInterval(() => {
      if (!this.#dirty) return;
      broadcast({
        type: 'connection_events',
        events: this.#pending,
        sampled: this.#sampled,
        // Only the rows this frame changed: a frame's size follows the activity, not the history
        // (the browser merges rows by key; the snapshot carries all of them).
        counters: this.#stats.takeChanged(),
      });
      this.#pending = [];
      this.#sampled = 0;
      this.#dirty = false;
    }, periodMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
