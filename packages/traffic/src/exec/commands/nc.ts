import { createSocket } from 'node:dgram';
import { getopt, hasOpt, optValue } from '../getopt.ts';
import {
  droppedEntry,
  hostTargetRefused,
  podResolve,
  podSocket,
  strerror,
  traceConnection,
} from '../podConnect.ts';
import type { Command, CommandIO, PodContext } from '../types.ts';

const USAGE = `BusyBox v1.36.1 (l4lab built-in) multi-call binary.

Usage: nc [-uvz] [-w SEC] HOST PORT

	-u	UDP mode
	-v	Verbose
	-w SEC	Timeout for connects and final net reads
	-z	Zero-I/O mode (scanning)
`;

/** nc: a TCP (or UDP) client from the pod's IP: stdin goes out, what comes back is printed. */
export const nc: Command = async (args, pod, io) => {
  const g = getopt('nc', args, 'uvzw:n', {});
  if ('error' in g || g.rest.length !== 2) {
    io.err(`${'error' in g ? `${g.error}\n` : ''}${USAGE}`);
    return 1;
  }
  const [host, portText] = g.rest as [string, string];
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    io.err(`nc: bad port '${portText}'\n`);
    return 1;
  }
  const waitS = Number(optValue(g.opts, 'w') ?? 0);
  const waitMs = Math.max(
    1,
    Math.min(waitS > 0 ? waitS * 1000 : io.remainingMs(), io.remainingMs()),
  );
  const r = await podResolve(host, pod, io);
  const ip = r.addresses[0];
  if (!ip) {
    io.err(`nc: bad address '${host}'\n`);
    return 1;
  }
  const o = { host, ip, port, verbose: hasOpt(g.opts, 'v'), zero: hasOpt(g.opts, 'z'), waitMs };
  return hasOpt(g.opts, 'u')
    ? udp(pod, io, { ...o, waitMs: waitS > 0 ? waitMs : 1000 })
    : tcp(pod, io, o);
};

interface Target {
  host: string;
  ip: string;
  port: number;
  verbose: boolean;
  zero: boolean;
  waitMs: number;
}

function tcp(pod: PodContext, io: CommandIO, t: Target): Promise<number> {
  return new Promise((resolve) => {
    const s = podSocket(pod, t.ip, t.port, io);
    traceConnection(s, t.host, t.ip, t.port, pod, io);
    let connected = false;
    const timer = setTimeout(() => {
      if (!connected) io.err(`nc: timeout connecting to ${t.ip}\n`);
      finish(connected ? 0 : 1);
    }, t.waitMs);
    const onAbort = () => finish(130);
    io.signal.addEventListener('abort', onAbort, { once: true });
    function finish(code: number) {
      clearTimeout(timer);
      io.signal.removeEventListener('abort', onAbort);
      s.destroy();
      resolve(code);
    }
    s.once('connect', () => {
      connected = true;
      if (t.verbose) io.err(`${t.host} (${t.ip}:${t.port}) open\n`);
      if (t.zero) return finish(0);
      s.end(io.stdin);
    });
    s.on('data', (d: Buffer) => io.out(d.toString('utf8')));
    s.once('end', () => finish(0));
    s.once('error', (e: NodeJS.ErrnoException) => {
      if (!connected) io.err(`nc: can't connect to remote host (${t.ip}): ${strerror(e)}\n`);
      finish(1);
    });
  });
}

function udp(pod: PodContext, io: CommandIO, t: Target): Promise<number> {
  return new Promise((resolve) => {
    if (!pod.net.reaches(t.ip)) {
      io.err(`nc: ${t.ip} (${t.ip}:${t.port}): ${strerror(hostTargetRefused(t.ip))}\n`);
      resolve(1);
      return;
    }
    const dropped = pod.net.drops?.(t.ip, t.port, 'UDP');
    if (dropped !== undefined) {
      // The datagram leaves and is dropped on the way: no answer, no error, as with UDP.
      io.trace(droppedEntry(pod, 'UDP', t.host, t.ip, t.port, dropped));
      const timer = setTimeout(() => resolve(0), t.waitMs);
      io.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve(130);
        },
        { once: true },
      );
      return;
    }
    const to = pod.net.route(t.ip, t.port, 'UDP');
    const s = createSocket('udp4');
    let code = 0;
    const timer = setTimeout(() => finish(code), t.waitMs);
    const onAbort = () => finish(130);
    io.signal.addEventListener('abort', onAbort, { once: true });
    function finish(c: number) {
      clearTimeout(timer);
      io.signal.removeEventListener('abort', onAbort);
      s.close();
      resolve(c);
    }
    s.on('message', (m: Buffer) => io.out(m.toString('utf8')));
    s.on('error', (e: NodeJS.ErrnoException) => {
      // a connected UDP socket learns of ICMP port unreachable as ECONNREFUSED
      if (t.verbose || !t.zero) io.err(`nc: ${t.ip} (${t.ip}:${t.port}): ${strerror(e)}\n`);
      code = 1;
      finish(1);
    });
    s.bind({ port: 0, ...(pod.net.localAddress ? { address: pod.net.localAddress } : {}) }, () => {
      s.connect(to.port, to.ip, () => {
        const a = s.address();
        io.trace({
          kind: 'connect',
          protocol: 'UDP',
          host: t.host,
          from: `${pod.net.localAddress ?? a.address}:${a.port}`,
          to: `${t.ip}:${t.port}`,
          outcome: 'ok',
        });
        if (t.verbose) io.err(`${t.host} (${t.ip}:${t.port}) open\n`);
        s.send(t.zero ? Buffer.alloc(0) : Buffer.from(io.stdin));
      });
    });
  });
}
