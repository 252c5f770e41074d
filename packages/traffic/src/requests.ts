import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { type Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** Where one request goes: the virtual address's real host address, and the Host header. */
export interface RequestTarget {
  hostIp: string;
  hostPort: number;
  name: string;
}

/** `pod` = the pod that answered (X-Pod-Name, or the UDP answer), `err` = an errno-like code. */
export type Done = (pod: string | undefined, err?: string) => void;

const TIMEOUT_MS = 5000;

/**
 * One HTTP GET. `agent` false: a new connection; an Agent: keep-alive (`close`: the last request of
 * its connection, sent with `Connection: close`, so the server ends it after answering).
 */
export function httpOnce(
  t: RequestTarget,
  localAddress: string | undefined,
  agent: Agent | false,
  o: { close: boolean; onSocket(s: Socket): void },
  done: Done,
): void {
  const req = request(
    {
      host: t.hostIp,
      port: t.hostPort,
      path: '/',
      headers: {
        Host: t.name,
        'User-Agent': 'l4lab-traffic/1',
        ...(o.close ? { Connection: 'close' } : {}),
      },
      agent,
      timeout: TIMEOUT_MS,
      ...(localAddress ? { localAddress } : {}),
    },
    (res) => {
      res.resume();
      res.once('end', () => done(res.headers['x-pod-name'] as string | undefined));
      res.once('error', (e: NodeJS.ErrnoException) => done(undefined, e.code ?? e.message));
    },
  );
  req.once('socket', (s: Socket) => o.onSocket(s));
  req.once('timeout', () =>
    req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
  );
  req.once('error', (e: NodeJS.ErrnoException) => done(undefined, e.code ?? e.message));
  req.end();
}

/** What a UDP exchange reports about its flow (clientConnections.ts's udpFlow). */
export interface UdpFlowWatch {
  sent(bytes: number): void;
  ended(bytesIn: number, err?: string): void;
}

/**
 * One raw TCP connection: a HEAD request written, the answer read until the server closes.
 * `watch` sees the socket (its connection's record: clientConnections.ts).
 */
export function tcpOnce(
  t: RequestTarget,
  localAddress: string | undefined,
  done: Done,
  watch?: (s: Socket) => void,
): void {
  const s = connect({
    host: t.hostIp,
    port: t.hostPort,
    ...(localAddress ? { localAddress } : {}),
  });
  watch?.(s);
  let settled = false;
  let reply = '';
  const finish = (err?: string) => {
    if (settled) return;
    settled = true;
    s.destroy();
    done(/x-pod-name:\s*(\S+)/i.exec(reply)?.[1], err);
  };
  // Destroyed with the error, as an HTTP request's timeout does: the socket's watcher sees why.
  s.setTimeout(TIMEOUT_MS, () =>
    s.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
  );
  s.once('connect', () => s.end(`HEAD / HTTP/1.0\r\nHost: ${t.name}\r\n\r\n`));
  s.on('data', (d: Buffer) => void (reply = (reply + d.toString('latin1')).slice(0, 8192)));
  s.once('end', () => finish());
  s.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
}

/**
 * One UDP exchange: a datagram sent, the first answer read (nginx pods answer "ns/name" on their
 * UDP containerPorts). No answer within the timeout is an error (UDP has no "refused" otherwise).
 */
export function udpOnce(
  t: RequestTarget,
  localAddress: string | undefined,
  done: Done,
  watch?: (s: UdpSocket) => UdpFlowWatch,
): void {
  const s = createSocket('udp4');
  const flow = watch?.(s);
  let settled = false;
  let bytesIn = 0;
  const finish = (pod: string | undefined, err?: string) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    s.close();
    flow?.ended(bytesIn, err);
    done(pod, err);
  };
  const timer = setTimeout(() => finish(undefined, 'ETIMEDOUT'), TIMEOUT_MS);
  s.once('error', (e: NodeJS.ErrnoException) => finish(undefined, e.code ?? e.message));
  s.once('message', (m: Buffer) => {
    bytesIn = m.length;
    const text = m.toString('utf8').trim();
    finish(text.includes('/') ? text.slice(text.indexOf('/') + 1) : text || undefined);
  });
  s.bind({ port: 0, ...(localAddress ? { address: localAddress } : {}) }, () =>
    s.connect(t.hostPort, t.hostIp, () => {
      const datagram = `l4lab ${t.name}\n`;
      s.send(datagram);
      flow?.sent(Buffer.byteLength(datagram));
    }),
  );
}
