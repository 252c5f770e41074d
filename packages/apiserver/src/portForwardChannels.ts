// Port-forward over the older WebSocket channel protocol (`v4.channel.k8s.io`, or no subprotocol),
// what client libraries speak (@kubernetes/client-node's PortForward): GET .../portforward?ports=80
// (or `port`, repeated or comma-separated, as the kubelet reads it). Each port `i` has two
// channels, data `2i` and error `2i+1`; every message's first byte is its channel. The server
// first writes the port (2 bytes, little-endian) on both of a port's channels, then carries one
// TCP connection to the pod's port on the data channel, and writes what went wrong, if anything,
// on the error channel. The WebSocket closes once every port's connection ended.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Pod } from '@l4lab/protocol';
import type { PlainAnswer } from './portForward.ts';
import { goErrno, type PodDialer } from './podDialer.ts';

export const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io'];
/** Ports one WebSocket may forward (two channels each, in one byte). */
const MAX_PORTS = 16;

/** The `ports` of the request, or the kubelet's words for what is wrong with them. */
export function requestedPorts(url: string | undefined): number[] | string {
  const query = new URL(url ?? '/', 'http://x').searchParams;
  const given = [...query.getAll('ports'), ...query.getAll('port')];
  if (given.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const text of given) {
    if (text === '') return 'query parameter "port" cannot be empty';
    for (const p of text.split(',')) {
      const n = /^\d+$/.test(p) ? Number(p) : NaN;
      if (!Number.isInteger(n) || n > 65535)
        return `unable to parse "${text}" as a port: strconv.ParseUint: parsing "${p}": invalid syntax`;
      if (n < 1) return `port "${text}" must be > 0`;
      ports.push(n);
    }
  }
  if (ports.length > MAX_PORTS) return `at most ${MAX_PORTS} ports at once`;
  return ports;
}

export function channelPortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  pod: Pod,
  dial: PodDialer,
): PlainAnswer | undefined {
  const ports = requestedPorts(req.url);
  if (typeof ports === 'string') return { code: 400, text: ports };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 1 << 20,
    handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  wss.handleUpgrade(req, socket, head, (ws) => {
    wss.close();
    serveChannels(ws, pod, dial, ports);
  });
  return undefined;
}

function serveChannels(ws: WebSocket, pod: Pod, dial: PodDialer, ports: number[]): void {
  const send = (channel: number, data: Buffer) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
  };
  const conns: (Duplex | undefined)[] = ports.map(() => undefined);
  const early: Buffer[][] = ports.map(() => []);
  let open = ports.length;
  const ended = () => {
    if (--open === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    const failed = (why: string) =>
      `error forwarding port ${port} to pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}, uid ${pod.metadata.uid ?? ''}: ${why}`;
    dial(pod, port).then(
      (conn) => {
        if (ws.readyState !== ws.OPEN) return void conn.destroy();
        conns[i] = conn;
        conn.on('data', (chunk: Buffer) => {
          send(2 * i, chunk);
          if (ws.bufferedAmount > 1 << 20) {
            conn.pause();
            const resume = setInterval(() => {
              if (ws.bufferedAmount > 1 << 18 && ws.readyState === ws.OPEN) return;
              clearInterval(resume);
              conn.resume();
            }, 20);
          }
        });
        conn.on('error', (err: NodeJS.ErrnoException) => {
          send(2 * i + 1, Buffer.from(failed(`${err.syscall ?? 'read'}: ${goErrno(err)}`)));
        });
        conn.on('close', ended);
        for (const chunk of early[i]!) conn.write(chunk);
        early[i] = [];
      },
      (err: unknown) => {
        send(2 * i + 1, Buffer.from(failed(err instanceof Error ? err.message : String(err))));
        ended();
      },
    );
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length < 1) return;
    const channel = data[0]!;
    // Data channels only; the close frame (255) and error channels carry nothing to the pod.
    if (channel % 2 !== 0 || channel / 2 >= ports.length) return;
    const i = channel / 2;
    const payload = data.subarray(1);
    const conn = conns[i];
    if (conn) conn.write(payload);
    else early[i]!.push(payload);
  });
  ws.on('error', () => ws.terminate());
  ws.on('close', function channelsClosed() {
    for (const c of conns) c?.destroy();
  });
}
