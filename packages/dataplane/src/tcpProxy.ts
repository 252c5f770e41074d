import type { ConnectionEvent } from '@l4lab/protocol';
import { libuv, uvErrorName, type ConnectReq, type TcpHandle } from './libuvTcp.ts';
import type { Clock, TimerHandle } from '@l4lab/cluster';
import { endedEvent } from './connectionRouter.ts';
import { LONG_LIVED_READS, type HandOff } from './relay.ts';
import { TcpPipe, type FlowHandle } from './tcpPipe.ts';
import type { EndpointInfo, ServicePortName } from './types.ts';

/** What a proxied TCP connection reports to its owner (the proxier). */
export interface TcpProxyOwner {
  now(): number;
  emit(e: ConnectionEvent): void;
  closed(flow: TcpFlow): void;
  /** Connects in progress, failed (`timeout`) when the endpoint does not answer in time. */
  readonly connects: ConnectTimeouts;
  /**
   * A connection that streams (`full`: a read filled its buffer) or lives long: the owner may move
   * it to a relay (relay.ts).
   */
  streaming?(flow: TcpFlow, full: boolean): HandOff;
}

/**
 * One proxied TCP connection, client <-> endpoint: connects to the endpoint (the client is read
 * only once it has accepted: its bytes wait in the kernel), then moves bytes as a TcpPipe, and
 * emits the connection's `open` and final events.
 */
export class TcpFlow extends TcpPipe {
  readonly event: ConnectionEvent;
  readonly spn: ServicePortName;
  readonly ep: EndpointInfo;
  readonly owner: TcpProxyOwner;
  /** The endpoint never answered the connect: outcome `timeout` rather than `reset`. */
  timedOut = false;
  override handOffAt = LONG_LIVED_READS;

  constructor(
    owner: TcpProxyOwner,
    client: TcpHandle,
    event: ConnectionEvent,
    spn: ServicePortName,
    ep: EndpointInfo,
  ) {
    super(client, libuv().newSocket(), `${ep.ip}:${ep.port}`);
    this.owner = owner;
    this.event = event;
    this.spn = spn;
    this.ep = ep;
  }

  /** Emits the `open` event and connects to the endpoint (from `localAddress` when given). */
  start(target: { ip: string; port: number; localAddress?: string }): void {
    this.owner.emit(this.event);
    this.upstream.setNoDelay(true); // (the client has it from its listener: listenTcp)
    let err = target.localAddress ? this.upstream.bind(target.localAddress, 0) : 0;
    if (err === 0) {
      const req = libuv().newConnectReq();
      req.oncomplete = onConnect;
      err = this.upstream.connect(req, target.ip, target.port);
    }
    if (err !== 0) {
      this.failure = `${uvErrorName(err)} connecting to ${this.backend}: client connection reset`;
      this.close(true);
      return;
    }
    this.owner.connects.add(this);
  }

  override streaming(full: boolean): void {
    // A long-lived connection nobody takes is not offered again (a stream is: it is cheap then).
    if ((this.owner.streaming?.(this, full) ?? 'never') === 'never' && !full)
      this.handOffAt = Infinity;
  }

  /** Emits the final event. */
  protected ended(): void {
    if (!this.connected) this.owner.connects.delete(this);
    this.owner.closed(this);
    const { event } = this;
    this.owner.emit(
      endedEvent(
        event,
        this.timedOut ? 'timeout' : this.failure ? 'reset' : 'ok',
        this.failure ? `${event.reason}; ${this.failure}` : event.reason,
        this.owner.now(),
        this.bytesIn,
        this.bytesOut,
      ),
    );
  }
}

function onConnect(this: ConnectReq, status: number, handle: TcpHandle): void {
  const f = (handle as FlowHandle).flow as TcpFlow;
  if (f.closed) return;
  f.owner.connects.delete(f);
  if (status < 0) {
    f.failure ??= `${uvErrorName(status)} connecting to ${f.backend}: client connection reset`;
    f.close(true);
    return;
  }
  f.beginReading();
}

/**
 * Connects in progress, on the owner's clock: one timer while there are any, checking them every
 * 250 ms against the time their connection arrived (the event's startedAt).
 */
export class ConnectTimeouts {
  readonly #clock: Clock;
  readonly timeoutMs: number;
  readonly #pending = new Set<TcpFlow>();
  #timer: TimerHandle | undefined;

  constructor(clock: Clock, timeoutMs: number) {
    this.#clock = clock;
    this.timeoutMs = timeoutMs;
  }

  add(f: TcpFlow): void {
    this.#pending.add(f);
    this.#timer ??= this.#clock.setTimeout(this.#sweep, 250);
  }

  delete(f: TcpFlow): void {
    this.#pending.delete(f);
  }

  /** No more checks (the owner is shutting down and closes its flows itself). */
  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    const now = this.#clock.now();
    for (const f of this.#pending) {
      if (now - f.event.startedAt < this.timeoutMs) continue;
      this.#pending.delete(f);
      f.timedOut = true;
      f.failure ??= `timed out connecting to ${f.backend}`;
      f.close(true);
    }
    if (this.#pending.size > 0) this.#timer = this.#clock.setTimeout(this.#sweep, 250);
  };
}
