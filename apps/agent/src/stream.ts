// The /events streams: every client gets the hello, then each message from when it connected.
// Each event is encoded once and written to every client.
//
// A slow client must not grow the agent's memory without bound: its queue is the response's own
// write buffer (writableLength: what Node holds for it, in the response and its socket), capped
// at QUEUE_CAP_BYTES. Beyond the cap, events meant for it are dropped and counted; once it has
// room again it gets `{"type":"lost","count":N,"cause":"slow_client"}` first, then the stream
// goes on. Other messages are not dropped but folded while it is full: ENOBUFS losses add up, the
// latest kube-proxy mode is kept, a stats line is skipped (another comes 5 s later).
import {
  encodeAgentMessage,
  type AgentHello,
  type AgentLossCause,
  type AgentMessage,
  type AgentMode,
} from '@l4lab/agent';
import type { ConntrackEvent } from '@l4lab/dataplane';

/** About 10,000 event lines (one is ~400 bytes), a few seconds of a busy node. */
export const QUEUE_CAP_BYTES = 4 * 1024 * 1024;

/** Where a client's lines go: an http.ServerResponse, or a fake in tests. */
export interface StreamSink {
  write(chunk: string): boolean;
  readonly writableLength: number;
}

export class StreamClient {
  /** Events dropped for this client since it connected. */
  dropped = 0;
  #unsentDrops = 0;
  readonly #unsentLosses = new Map<AgentLossCause, number>();
  #unsentMode: AgentMode | undefined;

  constructor(
    readonly sink: StreamSink,
    readonly capBytes = QUEUE_CAP_BYTES,
  ) {}

  get full(): boolean {
    return this.sink.writableLength >= this.capBytes;
  }

  /** `line`: the message already encoded (shared by every client). */
  send(m: AgentMessage, line?: string): void {
    if (this.full) {
      this.#fold(m);
      return;
    }
    this.flush();
    this.sink.write(line ?? encodeAgentMessage(m));
  }

  /** Writes what was held back while it was full (on 'drain', and before the next line). */
  flush(): void {
    if (this.full) return;
    if (this.#unsentMode) this.sink.write(encodeAgentMessage(this.#unsentMode));
    this.#unsentMode = undefined;
    if (this.#unsentDrops > 0) this.#lost(this.#unsentDrops, 'slow_client');
    this.#unsentDrops = 0;
    for (const [cause, count] of this.#unsentLosses) this.#lost(count, cause);
    this.#unsentLosses.clear();
  }

  #fold(m: AgentMessage): void {
    if (m.type === 'conntrack') {
      this.dropped++;
      this.#unsentDrops++;
    } else if (m.type === 'lost')
      this.#unsentLosses.set(m.cause, (this.#unsentLosses.get(m.cause) ?? 0) + m.count);
    else if (m.type === 'mode') this.#unsentMode = m;
    // hello goes out first, before anything can fill the queue; stats: the next one will do
  }

  #lost(count: number, cause: AgentLossCause): void {
    this.sink.write(encodeAgentMessage({ type: 'lost', count, cause }));
  }
}

export class EventStream {
  readonly #clients = new Set<StreamClient>();
  /** conntrack events read, and losses (ENOBUFS, reader restarts), since the agent started. */
  events = 0;
  lost = 0;

  constructor(readonly capBytes = QUEUE_CAP_BYTES) {}

  get clients(): number {
    return this.#clients.size;
  }

  /** A new client: the hello first, then every message from now on. */
  add(sink: StreamSink, hello: AgentHello): StreamClient {
    const client = new StreamClient(sink, this.capBytes);
    sink.write(encodeAgentMessage(hello));
    this.#clients.add(client);
    return client;
  }

  remove(client: StreamClient): void {
    this.#clients.delete(client);
  }

  event(event: ConntrackEvent): void {
    this.events++;
    this.#broadcast({ type: 'conntrack', event });
  }

  loss(cause: Exclude<AgentLossCause, 'slow_client'>): void {
    this.lost++;
    this.#broadcast({ type: 'lost', count: 1, cause });
  }

  mode(m: Omit<AgentMode, 'type'>): void {
    this.#broadcast({ type: 'mode', ...m });
  }

  /** The counters, to every client (each with its own drops). */
  stats(): void {
    for (const c of this.#clients)
      c.send({
        type: 'stats',
        events: this.events,
        lost: this.lost,
        clients: this.#clients.size,
        dropped: c.dropped,
      });
  }

  #broadcast(m: AgentMessage): void {
    if (this.#clients.size === 0) return;
    const line = encodeAgentMessage(m);
    for (const c of this.#clients) c.send(m, line);
  }
}
