// A dashboard's view of the soak: one WebSocket viewer that counts what the lab streams, the
// outcome of each connection it was told about, and the generators' errors by their kind.
import { WebSocket } from 'ws';
import { parseServerMessage, type ServerMessage, type TrafficStatus } from '@l4lab/protocol';

export interface ViewerCounts {
  frames: number;
  /** Connection events by outcome (`ok`, `refused`, `reset`, `timeout`, ...). */
  outcomes: Record<string, number>;
  /** Events the lab counted but did not send one by one (its per-frame cap). */
  sampled: number;
  /** Client errors of the generators, by kind and message (each generator's last error). */
  clientErrors: Record<string, number>;
  /** Times the viewer's socket closed before the end (it reconnects). */
  reconnects: number;
}

/** ECONNREFUSED -> refused, ECONNRESET / socket hang up -> reset, ETIMEDOUT -> timeout. */
export function errorKind(message: string | undefined): string {
  const m = (message ?? '').toLowerCase();
  if (m.includes('refused')) return 'refused';
  if (m.includes('reset') || m.includes('hang up') || m.includes('closed')) return 'reset';
  if (m.includes('timeout') || m.includes('timed out')) return 'timeout';
  if (m.includes('in flight')) return 'skipped';
  return 'other';
}

export class SoakViewer {
  readonly counts: ViewerCounts = {
    frames: 0,
    outcomes: {},
    sampled: 0,
    clientErrors: {},
    reconnects: 0,
  };
  readonly #url: string;
  readonly #errorsSeen = new Map<string, number>();
  #ws: WebSocket | undefined;
  #stopped = false;

  constructor(url: string) {
    this.#url = url.replace(/^http/, 'ws') + '/ws';
    this.#connect();
  }

  close(): void {
    this.#stopped = true;
    this.#ws?.terminate();
  }

  #connect(): void {
    const ws = new WebSocket(this.#url);
    this.#ws = ws;
    ws.on('error', () => {}); // shows as the close
    ws.on('message', (data) => this.#onMessage(String(data)));
    ws.on('close', () => {
      if (this.#stopped) return;
      this.counts.reconnects++;
      setTimeout(() => this.#connect(), 500);
    });
  }

  #onMessage(text: string): void {
    const msg = parseServerMessage(text);
    if (!msg) return;
    this.counts.frames++;
    if (msg.type === 'connection_events') this.#onEvents(msg);
    if (msg.type === 'traffic_status') this.#onTraffic(msg.generators);
  }

  #onEvents(msg: Extract<ServerMessage, { type: 'connection_events' }>): void {
    for (const e of msg.events) {
      // A connection is told twice (open, then its end): count each once, by how it ended.
      if (e.outcome === 'open') continue;
      this.counts.outcomes[e.outcome] = (this.counts.outcomes[e.outcome] ?? 0) + 1;
    }
    this.counts.sampled += msg.sampled;
  }

  /** A generator's errors grew: the growth is put down to the kind of its last error. */
  #onTraffic(generators: TrafficStatus[]): void {
    for (const g of generators) {
      const before = this.#errorsSeen.get(g.id) ?? 0;
      if (g.errors <= before) continue;
      this.#errorsSeen.set(g.id, g.errors);
      const kind = `${errorKind(g.lastError)}${g.lastError ? ` ("${g.lastError.slice(0, 40)}")` : ''}`;
      this.counts.clientErrors[kind] = (this.counts.clientErrors[kind] ?? 0) + g.errors - before;
    }
  }
}
