import { connect, type Socket } from 'node:net';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { EndpointInfo, ServicePortName } from './types.ts';

/** What a proxied TCP connection reports to its owner (the proxier). */
export interface TcpProxyOwner {
  now(): number;
  emit(e: ConnectionEvent): void;
  closed(spn: ServicePortName, ep: EndpointInfo, sockets: Socket[]): void;
}

const FLOW = Symbol('l4lab.flow');
type FlowSocket = Socket & { [FLOW]?: TcpFlow };

/**
 * One proxied TCP connection: client <-> endpoint, bytes forwarded by hand with back-pressure
 * (write() false -> pause the other side, resume on drain), half-close (allowHalfOpen: a FIN is
 * passed on with end()), and the pair destroyed together on any error. No closures per
 * connection: the handlers are module functions that find their flow through the socket.
 */
export class TcpFlow {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly event: ConnectionEvent;
  readonly spn: ServicePortName;
  readonly ep: EndpointInfo;
  readonly owner: TcpProxyOwner;
  connected = false;
  failure: string | undefined;
  /** The endpoint never answered the connect (5 s): outcome `timeout` rather than `reset`. */
  timedOut = false;
  closedSides = 0;

  constructor(
    owner: TcpProxyOwner,
    client: Socket,
    event: ConnectionEvent,
    spn: ServicePortName,
    ep: EndpointInfo,
    target: { ip: string; port: number; localAddress?: string },
  ) {
    this.owner = owner;
    this.client = client;
    this.event = event;
    this.spn = spn;
    this.ep = ep;
    const upstream = connect({
      host: target.ip,
      port: target.port,
      allowHalfOpen: true,
      noDelay: true,
      ...(target.localAddress ? { localAddress: target.localAddress } : {}),
    });
    this.upstream = upstream;
    (client as FlowSocket)[FLOW] = this;
    (upstream as FlowSocket)[FLOW] = this;
    client.setNoDelay(true);
    client.on('data', onClientData);
    client.on('end', onClientEnd);
    client.on('error', onClientError);
    client.on('drain', onClientDrain);
    client.on('close', onClose);
    upstream.setTimeout(5000, onConnectTimeout);
    upstream.once('connect', onUpstreamConnect);
    upstream.on('data', onUpstreamData);
    upstream.on('end', onUpstreamEnd);
    upstream.on('error', onUpstreamError);
    upstream.on('drain', onUpstreamDrain);
    upstream.on('close', onClose);
    owner.emit(event);
  }

  finish(): void {
    const { client, event } = this;
    const endedAt = this.owner.now();
    this.owner.closed(this.spn, this.ep, [client, this.upstream]);
    this.owner.emit({
      ...event,
      endedAt,
      durationMs: endedAt - event.startedAt,
      bytesIn: client.bytesRead,
      bytesOut: client.bytesWritten,
      outcome: this.timedOut ? 'timeout' : this.failure ? 'reset' : 'ok',
      reason: this.failure ? `${event.reason}; ${this.failure}` : event.reason,
    });
  }
}

function flowOf(s: Socket): TcpFlow {
  return (s as FlowSocket)[FLOW]!;
}

function onClientData(this: Socket, chunk: Buffer): void {
  const f = flowOf(this);
  if (!f.upstream.write(chunk)) this.pause();
}
function onUpstreamData(this: Socket, chunk: Buffer): void {
  const f = flowOf(this);
  if (!f.client.write(chunk)) this.pause();
}
function onClientDrain(this: Socket): void {
  flowOf(this).upstream.resume();
}
function onUpstreamDrain(this: Socket): void {
  flowOf(this).client.resume();
}
function onClientEnd(this: Socket): void {
  const f = flowOf(this);
  if (!f.upstream.destroyed) f.upstream.end();
}
function onUpstreamEnd(this: Socket): void {
  const f = flowOf(this);
  if (!f.client.destroyed) f.client.end();
}
function onUpstreamConnect(this: Socket): void {
  const f = flowOf(this);
  f.connected = true;
  this.setTimeout(0);
}
function onConnectTimeout(this: Socket): void {
  const f = flowOf(this);
  if (f.connected) return;
  f.failure ??= `timed out connecting to ${f.ep.ip}:${f.ep.port}`;
  f.timedOut = true;
  this.destroy();
  f.client.resetAndDestroy();
}
function onUpstreamError(this: Socket, err: NodeJS.ErrnoException): void {
  const f = flowOf(this);
  f.failure ??= f.connected
    ? `backend ${f.ep.ip}:${f.ep.port} ${err.code ?? err.message}`
    : `${err.code ?? err.message} connecting to ${f.ep.ip}:${f.ep.port}: client connection reset`;
  if (!f.client.destroyed) f.client.resetAndDestroy();
}
function onClientError(this: Socket, err: NodeJS.ErrnoException): void {
  const f = flowOf(this);
  f.failure ??= `client ${err.code ?? err.message}`;
  if (!f.upstream.destroyed) f.upstream.destroy();
}
function onClose(this: Socket, hadError: boolean): void {
  const f = flowOf(this);
  const other = this === f.client ? f.upstream : f.client;
  if (hadError && !other.destroyed) other.destroy();
  if (++f.closedSides === 2) f.finish();
}
