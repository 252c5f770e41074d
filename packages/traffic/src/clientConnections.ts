import type { Socket as UdpSocket } from 'node:dgram';
import type { Socket } from 'node:net';

/**
 * One connection (TCP) or flow (UDP) a generator made, as this machine's side of it saw it: the
 * local address and port the kernel chose, the bytes each way, how long it lasted and how it ended.
 * Reported twice under the same id: `open` (TCP: once connected; UDP: once sent), then ended; a
 * connection that never opened (refused, timed out) is reported once, ended.
 */
export interface ClientConnection {
  id: string;
  protocol: 'TCP' | 'UDP';
  /** This machine's address and port; port 0 when the kernel's choice could not be read. */
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  startedAt: number;
  endedAt?: number;
  /** Bytes received (from the frontend) and sent (to it). */
  bytesIn: number;
  bytesOut: number;
  outcome: 'open' | 'ok' | 'refused' | 'reset' | 'timeout';
}

export type ClientConnectionListener = (c: ClientConnection) => void;

let seq = 0;
const nextId = () => `client-${process.pid}-${++seq}`;

/** How an error ends a connection, as a client sees it. */
export function outcomeOf(code: string | undefined): ClientConnection['outcome'] {
  if (code === undefined) return 'ok';
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return 'refused';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'reset';
}

/**
 * Reports a TCP socket's connection to `listener`: open when connected, ended when closed. The
 * socket's own `error` (ECONNREFUSED, ECONNRESET, ETIMEDOUT from a request's timeout) decides how.
 */
export function watchTcp(
  s: Socket,
  remote: { ip: string; port: number },
  listener: ClientConnectionListener,
  now: () => number = Date.now,
): void {
  const startedAt = now();
  const id = nextId();
  let local = { ip: '', port: 0 };
  let error: string | undefined;
  let opened = false;
  const open = () => {
    opened = true;
    local = { ip: s.localAddress ?? '', port: s.localPort ?? 0 };
    listener({
      id,
      protocol: 'TCP',
      local,
      remote,
      startedAt,
      bytesIn: 0,
      bytesOut: 0,
      outcome: 'open',
    });
  };
  if (!s.connecting && !s.destroyed && s.localPort) open();
  else s.once('connect', open);
  s.on('error', function clientError(e: NodeJS.ErrnoException) {
    error ??= e.code ?? e.message;
  });
  s.once('close', function clientClosed() {
    const outcome = outcomeOf(error);
    listener({
      id,
      protocol: 'TCP',
      local,
      remote,
      startedAt,
      endedAt: now(),
      bytesIn: opened ? s.bytesRead : 0,
      bytesOut: opened ? s.bytesWritten : 0,
      outcome: !opened && outcome === 'ok' ? 'reset' : outcome,
    });
  });
}

/** One UDP flow's record: `sent` once the datagram left, `ended` with the answer or the error. */
export function udpFlow(
  s: UdpSocket,
  remote: { ip: string; port: number },
  listener: ClientConnectionListener,
  now: () => number = Date.now,
): { sent(bytes: number): void; ended(bytesIn: number, err?: string): void } {
  const startedAt = now();
  const id = nextId();
  let local = { ip: '', port: 0 };
  let bytesOut = 0;
  return {
    sent(bytes) {
      bytesOut += bytes;
      try {
        const a = s.address();
        local = { ip: a.address, port: a.port };
      } catch {
        // not bound: the kernel's choice is unknown
      }
      listener({
        id,
        protocol: 'UDP',
        local,
        remote,
        startedAt,
        bytesIn: 0,
        bytesOut,
        outcome: 'open',
      });
    },
    ended(bytesIn, err) {
      listener({
        id,
        protocol: 'UDP',
        local,
        remote,
        startedAt,
        endedAt: now(),
        bytesIn,
        bytesOut,
        outcome: outcomeOf(err),
      });
    },
  };
}
