// sessionAffinity ClientIP as a node's kernel keeps it, replayed from the NEWs its agent saw:
// iptables' `recent` lists and nftables' affinity sets (per node, per Service port, refreshed by
// every new connection, forgotten `timeoutSeconds` after the last one) and IPVS's persistence
// templates (per node, per virtual service: ClusterIP:port and each nodeIP:nodePort apart; a
// template also lives while a connection it sent is open). Worded as the lab's join words it.

interface Entry {
  endpoint: string;
  expires: number;
  /** Connections to `endpoint` opened under this entry and not ended yet. */
  open: number;
}

export interface AffinityNew {
  /** `node|spn|clientIP` (iptables, nftables) or `node|frontend|clientIP` (IPVS). */
  key: string;
  /** `ip:port` the kernel sent this connection to. */
  endpoint: string;
  now: number;
  timeoutSeconds: number;
  /** IPVS: an open connection keeps its template alive past the timeout. */
  heldByOpen: boolean;
  /** Whether an endpoint (`ip:port`) is still one the Service port may use. */
  eligible: (endpoint: string) => boolean;
  /** The scheduler's choice, for a connection that was not an affinity hit. */
  choice: string;
}

export class AffinityReplay {
  readonly #entries = new Map<string, Entry>(); // in order of last use
  readonly #max: number;

  constructor(maxEntries: number) {
    this.#max = maxEntries;
  }

  /** A new connection under ClientIP affinity: `affinity hit (...)`, or why it was a new choice. */
  opened(c: AffinityNew): string {
    const entry = this.#entries.get(c.key);
    const byTime = entry !== undefined && entry.expires > c.now;
    const held = entry !== undefined && c.heldByOpen && entry.open > 0;
    const live = byTime || held;
    const same = live && entry.endpoint === c.endpoint;
    this.#entries.delete(c.key); // re-inserted: the Map stays ordered by last use
    this.#entries.set(c.key, {
      endpoint: c.endpoint,
      expires: c.now + c.timeoutSeconds * 1000,
      open: (same ? entry.open : 0) + 1,
    });
    this.#forgetExpired(c.now);
    if (same && byTime) {
      const left = Math.round((entry.expires - c.now) / 1000);
      return `affinity hit (ClientIP, ${left.toLocaleString('en-US')} s left)`;
    }
    if (same) {
      const n = entry.open;
      return `affinity hit (ClientIP, IPVS persistence held by ${n} open connection${n === 1 ? '' : 's'})`;
    }
    const timeout = `ClientIP, ${c.timeoutSeconds.toLocaleString('en-US')} s`;
    if (!live) return `new affinity (${timeout}): ${c.choice}`;
    if (!c.eligible(entry.endpoint)) return `affinity endpoint gone (${timeout}): ${c.choice}`;
    // The replay and the kernel disagree: events lost on the node, or a timer this replay lacks.
    return `affinity not kept (${timeout}; the client's last connection went to ${entry.endpoint}): ${c.choice}`;
  }

  /** A connection counted by `opened` ended. */
  ended(key: string, endpoint: string): void {
    const entry = this.#entries.get(key);
    if (entry && entry.endpoint === endpoint && entry.open > 0) entry.open--;
  }

  get size(): number {
    return this.#entries.size;
  }

  #forgetExpired(now: number): void {
    if (this.#entries.size <= this.#max) return;
    for (const [k, v] of this.#entries) {
      if (this.#entries.size <= this.#max && v.expires > now) return;
      this.#entries.delete(k);
    }
  }
}
