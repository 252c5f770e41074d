import type { ConnectionEvent, EndpointCounters } from '@l4lab/protocol';

const NO_ENDPOINT = {};

/** Per Service port, per endpoint counters, fed by every connection event (open and close). */
export class ConnectionStats {
  readonly #rows = new Map<string, EndpointCounters>();
  /** Rows changed since the last takeChanged(). */
  #changed = new Set<EndpointCounters>();

  /** Rows by the events' own `service` and `endpoint` objects (the router reuses them). */
  #byObject = new WeakMap<object, WeakMap<object, EndpointCounters>>();

  #row(e: Pick<ConnectionEvent, 'service' | 'endpoint'>): EndpointCounters {
    const epObject = e.endpoint ?? NO_ENDPOINT;
    let inner = this.#byObject.get(e.service);
    const cached = inner?.get(epObject);
    if (cached) return cached;
    const service = `${e.service.namespace}/${e.service.name}:${e.service.port}`;
    const endpoint = e.endpoint ? `${e.endpoint.namespace}/${e.endpoint.pod}` : '';
    const key = `${service}|${endpoint}`;
    let row = this.#rows.get(key);
    if (!row) {
      row = {
        service,
        endpoint,
        connections: 0,
        active: 0,
        bytesIn: 0,
        bytesOut: 0,
        refused: 0,
        dropped: 0,
        reset: 0,
      };
      this.#rows.set(key, row);
    }
    if (!inner) this.#byObject.set(e.service, (inner = new WeakMap()));
    inner.set(epObject, row);
    return row;
  }

  record(e: ConnectionEvent): void {
    const row = this.#row(e);
    this.#changed.add(row);
    switch (e.outcome) {
      case 'open':
        row.connections++;
        row.active++;
        return;
      case 'refused':
        row.refused++;
        return;
      case 'dropped':
        row.dropped++;
        return;
      case 'timeout': // the endpoint never answered the connect: the client was reset
      case 'reset':
      case 'ok':
        if (e.outcome !== 'ok') row.reset++;
        // Its open was counted in the same row (an event without an endpoint too: a client-side
        // one, in remote mode); never below 0 for an end whose open came before a reset().
        row.active = Math.max(0, row.active - 1);
        row.bytesIn += e.bytesIn;
        row.bytesOut += e.bytesOut;
        return;
    }
  }

  /**
   * Connections the kernel counted without events (over the events' rate limit): in the row
   * of the events through the same frontend to the same endpoint, never active, without bytes.
   */
  counted(at: Pick<ConnectionEvent, 'service' | 'endpoint'>, connections: number): void {
    if (connections <= 0) return;
    const row = this.#row(at);
    this.#changed.add(row);
    row.connections += connections;
    row.unreported = (row.unreported ?? 0) + connections;
  }

  /** Copies of the rows changed since the last call (what a frame must carry), then forgets them. */
  takeChanged(): EndpointCounters[] {
    const out = [...this.#changed].map((r) => ({ ...r }));
    this.#changed = new Set();
    return out;
  }

  /** A copy of every row, ordered by service then endpoint. */
  snapshot(): EndpointCounters[] {
    return [...this.#rows.values()]
      .map((r) => ({ ...r }))
      .sort((a, b) => a.service.localeCompare(b.service) || a.endpoint.localeCompare(b.endpoint));
  }

  reset(): void {
    this.#rows.clear();
    this.#byObject = new WeakMap();
    this.#changed.clear();
  }
}
