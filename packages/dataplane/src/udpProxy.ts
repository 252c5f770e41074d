import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { Clock, TimerHandle } from '@l4lab/cluster';
import { endedEvent } from './connectionRouter.ts';
import type { EndpointInfo, ServicePortName } from './types.ts';

export interface UdpFlowOwner {
  /** The idle timers run on it (and `now` is its time). */
  readonly clock: Clock;
  now(): number;
  emit(e: ConnectionEvent): void;
  closed(flow: UdpFlow): void;
  /** Conntrack's UDP timeout: a flow with no datagram for this long ends (30 s, like nf_conntrack). */
  readonly udpIdleTimeoutMs: number;
}

const FLOW = Symbol('l4lab.udpflow');
type FlowSocket = UdpSocket & { [FLOW]?: UdpFlow };

/**
 * One UDP flow (client ip:port -> frontend): datagrams go to the chosen endpoint from a socket of
 * its own (bound to the client's or the node's address), replies come back from the frontend's
 * socket, so the client sees them from the address it sent to. Ends after an idle timeout, or
 * when flushed because its endpoint went away.
 */
export class UdpFlow {
  readonly key: string;
  readonly frontend: UdpSocket;
  readonly upstream: UdpSocket;
  readonly client: RemoteInfo;
  readonly event: ConnectionEvent;
  readonly spn: ServicePortName;
  readonly ep: EndpointInfo;
  readonly owner: UdpFlowOwner;
  readonly #onEnd: (f: UdpFlow) => void;
  bytesIn = 0;
  bytesOut = 0;
  lastSeen: number;
  timer: TimerHandle | undefined;
  ended = false;
  #queue: Buffer[] | undefined = [];

  constructor(opts: {
    key: string;
    owner: UdpFlowOwner;
    frontend: UdpSocket;
    client: RemoteInfo;
    event: ConnectionEvent;
    spn: ServicePortName;
    ep: EndpointInfo;
    target: { ip: string; port: number; localAddress?: string };
    onEnd: (f: UdpFlow) => void;
  }) {
    this.key = opts.key;
    this.owner = opts.owner;
    this.frontend = opts.frontend;
    this.client = opts.client;
    this.event = opts.event;
    this.spn = opts.spn;
    this.ep = opts.ep;
    this.#onEnd = opts.onEnd;
    this.lastSeen = opts.owner.now();
    const up = createSocket('udp4') as FlowSocket;
    up[FLOW] = this;
    this.upstream = up;
    up.on('message', onUpstreamMessage);
    up.on('error', onUpstreamError);
    up.bind({ address: opts.target.localAddress ?? '0.0.0.0', port: 0 }, () => {
      up.connect(opts.target.port, opts.target.ip, () => {
        const q = this.#queue ?? [];
        this.#queue = undefined;
        for (const b of q) this.#sendUp(b);
      });
    });
    this.owner.emit(this.event);
    this.#arm();
  }

  /** A datagram from the client. */
  fromClient(msg: Buffer): void {
    this.bytesIn += msg.length;
    this.lastSeen = this.owner.now();
    if (this.#queue) this.#queue.push(msg);
    else this.#sendUp(msg);
  }

  #sendUp(msg: Buffer): void {
    if (this.ended) return;
    this.upstream.send(msg, (err) => {
      if (err)
        this.end(
          `backend ${this.ep.ip}:${this.ep.port} ${(err as NodeJS.ErrnoException).code ?? err.message}`,
        );
    });
  }

  #arm(): void {
    this.timer = this.owner.clock.setTimeout(this.#onIdle, this.owner.udpIdleTimeoutMs);
  }

  /** Conntrack's timeout counts from the last datagram either way: ends or waits for the rest. */
  readonly #onIdle = (): void => {
    this.timer = undefined;
    if (this.ended) return;
    const left = this.owner.udpIdleTimeoutMs - (this.owner.now() - this.lastSeen);
    if (left <= 0) this.end();
    else this.timer = this.owner.clock.setTimeout(this.#onIdle, left);
  };

  end(failure?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.timer?.cancel();
    this.timer = undefined;
    try {
      this.upstream.close();
    } catch {
      // already closed
    }
    this.owner.closed(this);
    const endedAt = this.owner.now();
    this.owner.emit(
      endedEvent(
        this.event,
        failure ? 'reset' : 'ok',
        failure ? `${this.event.reason}; ${failure}` : this.event.reason,
        endedAt,
        this.bytesIn,
        this.bytesOut,
      ),
    );
    this.#onEnd(this);
  }
}

function onUpstreamMessage(this: FlowSocket, msg: Buffer): void {
  const f = this[FLOW]!;
  if (f.ended) return;
  f.bytesOut += msg.length;
  f.lastSeen = f.owner.now();
  f.frontend.send(msg, f.client.port, f.client.address);
}

function onUpstreamError(this: FlowSocket, err: NodeJS.ErrnoException): void {
  const f = this[FLOW]!;
  f.end(`backend ${f.ep.ip}:${f.ep.port} ${err.code ?? err.message}`);
}
