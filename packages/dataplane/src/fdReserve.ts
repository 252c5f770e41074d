// The lab keeps file descriptors for its own API whatever the traffic does: kube-proxy opens a
// frontend, accepts a connection or starts a UDP flow only while the process has more than a
// reserve left under its limit (RLIMIT_NOFILE). Without it, enough Service ports or connections
// took every descriptor and the API, the WebSocket and every ClusterIP stopped answering.
import { readdirSync, readFileSync } from 'node:fs';

export interface FdReserveOptions {
  /** The process's open-files limit; read from /proc/self/limits by default. */
  limit?: number;
  /** Descriptors kept free for the API; a tenth of the limit, at least 256, by default. */
  reserve?: number;
  /** Descriptors open now; counts /proc/self/fd by default. */
  count?: () => number;
  now?: () => number;
  /** How long a count is trusted (between counts, each opening is added to it). */
  recountMs?: number;
}

export class FdReserve {
  readonly limit: number;
  readonly reserve: number;
  readonly #count: () => number;
  readonly #now: () => number;
  readonly #recountMs: number;
  #open = 0;
  #countedAt = -Infinity;

  constructor(o: FdReserveOptions = {}) {
    this.limit = o.limit ?? openFilesLimit();
    this.reserve = o.reserve ?? Math.max(256, Math.floor(this.limit / 10));
    this.#count = o.count ?? countOpenFds;
    this.#now = o.now ?? Date.now;
    this.#recountMs = o.recountMs ?? 100;
  }

  /**
   * Whether `n` more descriptors may be opened and still leave the reserve. A yes counts them as
   * opened until the next count (so a burst between counts cannot overrun the reserve).
   */
  take(n: number): boolean {
    if (!Number.isFinite(this.limit)) return true;
    const now = this.#now();
    if (now - this.#countedAt >= this.#recountMs) {
      this.#open = this.#count();
      this.#countedAt = now;
    }
    if (this.#open + n > this.limit - this.reserve) return false;
    this.#open += n;
    return true;
  }

  /** `file descriptors: 19000 of 20000 open, 2000 kept for the lab's API` */
  describe(): string {
    return `too many open files: ${this.#open} of ${this.limit} file descriptors open, the last ${this.reserve} kept for the lab's API`;
  }
}

/** The soft `Max open files` of this process (Infinity when unlimited or unreadable). */
export function openFilesLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = Number(soft);
    return soft && Number.isFinite(n) && n > 0 ? n : Infinity;
  } catch {
    return Infinity;
  }
}

function countOpenFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
