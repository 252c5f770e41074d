import { connect, type Socket } from 'node:net';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { Clock, PortMapper } from '@l4lab/cluster';
import type { Pick } from './endpointSelection.ts';
import type { ServicePortInfo } from './types.ts';

export interface ProxiedConnection {
  client: Socket;
  svc: ServicePortInfo;
  frontend: ConnectionEvent['frontend'];
  mode: string;
  pick: Pick;
  id: string;
  startedAt: number;
}

export function clientAddress(s: Socket): { ip: string; port: number } {
  const ip = (s.remoteAddress ?? '').replace(/^::ffff:/, '');
  return { ip, port: s.remotePort ?? 0 };
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.');
}

/**
 * Forwards one accepted client connection to the chosen endpoint, both ways, with back-pressure
 * (pipe) and half-close (allowHalfOpen on both sides). The pair lives and dies together. Emits the
 * `open` event now and the final one (ok / reset) when both sides have closed.
 */
export function proxyTcp(
  c: ProxiedConnection,
  deps: {
    clock: Clock;
    mapper: PortMapper;
    emit: (e: ConnectionEvent) => void;
    track: (s: Socket) => () => void;
  },
): void {
  const { client, pick } = c;
  const ep = pick.endpoint;
  const from = clientAddress(client);
  const base: ConnectionEvent = {
    id: c.id,
    startedAt: c.startedAt,
    protocol: 'TCP',
    client: from,
    frontend: c.frontend,
    service: { namespace: c.svc.namespace, name: c.svc.service, port: c.svc.portName },
    endpoint: { pod: ep.pod, namespace: ep.namespace, ip: ep.ip, port: ep.port, node: ep.nodeName },
    mode: c.mode,
    reason: pick.reason,
    bytesIn: 0,
    bytesOut: 0,
    outcome: 'open',
  };
  deps.emit(base);

  const target = deps.mapper.resolve(ep.ip, ep.port, 'TCP');
  // Native mode: leave from the client's own address, so the pod sees the real client IP
  // (kube-proxy does not SNAT ClusterIP traffic).
  const localAddress = deps.mapper.mode === 'native' && isLoopback(from.ip) ? from.ip : undefined;
  const upstream = connect({
    host: target.ip,
    port: target.port,
    allowHalfOpen: true,
    ...(localAddress ? { localAddress } : {}),
  });
  const untrackUp = deps.track(upstream);
  let connected = false;
  let failure: string | undefined;
  let closed = 0;

  upstream.setTimeout(5000, function onConnectTimeout() {
    if (!connected) {
      failure = `timed out connecting to ${ep.ip}:${ep.port}`;
      upstream.destroy();
      client.resetAndDestroy();
    }
  });
  upstream.once('connect', function onUpstreamConnect() {
    connected = true;
    upstream.setTimeout(0);
  });
  upstream.on('error', function onUpstreamError(err: NodeJS.ErrnoException) {
    failure ??= connected
      ? `backend ${ep.ip}:${ep.port} ${err.code ?? err.message}`
      : `${err.code ?? err.message} connecting to ${ep.ip}:${ep.port}: client connection reset`;
    if (!client.destroyed) client.resetAndDestroy();
  });
  client.on('error', function onClientError(err: NodeJS.ErrnoException) {
    failure ??= `client ${err.code ?? err.message}`;
    if (!upstream.destroyed) upstream.destroy();
  });
  client.pipe(upstream);
  upstream.pipe(client);

  const onClose = (hadError: boolean, other: Socket) => {
    if (hadError && !other.destroyed) other.destroy();
    if (++closed < 2) return;
    untrackUp();
    const endedAt = deps.clock.now();
    deps.emit({
      ...base,
      endedAt,
      durationMs: endedAt - c.startedAt,
      bytesIn: client.bytesRead,
      bytesOut: client.bytesWritten,
      outcome: failure ? 'reset' : 'ok',
      reason: failure ? `${pick.reason}; ${failure}` : pick.reason,
    });
  };
  client.once('close', (hadError) => onClose(hadError, upstream));
  upstream.once('close', (hadError) => onClose(hadError, client));
}
