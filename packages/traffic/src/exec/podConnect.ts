import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP, Socket } from 'node:net';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { ExecTraceEntry } from '@l4lab/protocol';
import { HOST_TARGET_HINT } from '../clusterAddress.ts';
import { hostsFile, resolveName, type Resolution } from './resolveName.ts';
import type { CommandIO, PodContext } from './types.ts';

/** Resolves a host name from the pod (trace entries go to the exec's trace). */
export async function podResolve(
  name: string,
  pod: PodContext,
  io: CommandIO,
): Promise<Resolution> {
  const r = await resolveName(
    name,
    {
      conf: pod,
      dns: pod.dns,
      hosts: pod.mounted?.['/etc/hosts'] ?? hostsFile(pod.ip, pod.hostname),
      from: pod.net.localAddress ?? pod.ip,
    },
    io.signal,
  );
  for (const t of r.trace) io.trace(t);
  return r;
}

export type ConnectOutcome = Extract<ExecTraceEntry, { kind: 'connect' }>['outcome'];

export function outcomeOf(err: NodeJS.ErrnoException): ConnectOutcome {
  if (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET') return 'refused';
  if (err.code === 'ETIMEDOUT') return 'timeout';
  return 'error';
}

/**
 * A connection to an address outside the cluster, refused as the pod's own loopback would refuse
 * it (nothing listens there), saying why.
 */
export function hostTargetRefused(ip: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`Connection refused (${ip}: ${HOST_TARGET_HINT})`), {
    code: 'ECONNREFUSED',
    hostTarget: true,
  });
}

/** libc's strerror for the codes the tools print. */
export function strerror(err: NodeJS.ErrnoException): string {
  if ((err as { hostTarget?: boolean }).hostTarget) return err.message;
  const m: Record<string, string> = {
    ECONNREFUSED: 'Connection refused',
    ECONNRESET: 'Connection reset by peer',
    ETIMEDOUT: 'Connection timed out',
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    EADDRNOTAVAIL: 'Address not available',
  };
  return m[err.code ?? ''] ?? err.message;
}

/**
 * A TCP connection from the pod's own address to ip:port (the virtual address; routed here). One
 * the pods' network drops never connects: the tool's own timeout ends it, as with a real SYN
 * that no one answers.
 */
export function podSocket(pod: PodContext, ip: string, port: number, io?: CommandIO): Socket {
  if (!pod.net.reaches(ip)) {
    const s = new Socket();
    process.nextTick(() => s.destroy(hostTargetRefused(ip)));
    return s;
  }
  const dropped = pod.net.drops?.(ip, port, 'TCP');
  if (dropped !== undefined) {
    io?.trace(droppedEntry(pod, 'TCP', ip, ip, port, dropped));
    return new Socket();
  }
  const to = pod.net.route(ip, port, 'TCP');
  return connect({
    host: to.ip,
    port: to.port,
    ...(pod.net.localAddress ? { localAddress: pod.net.localAddress } : {}),
  });
}

/** The trace's record of a connection the pods' network dropped. */
export function droppedEntry(
  pod: PodContext,
  protocol: 'TCP' | 'UDP',
  host: string,
  ip: string,
  port: number,
  reason: string,
): ExecTraceEntry {
  const from = `${pod.net.localAddress ?? pod.ip}:0`;
  return { kind: 'connect', protocol, host, from, to: `${ip}:${port}`, outcome: 'timeout', reason };
}

/** Records the connection's outcome in the trace once it connects or fails. */
export function traceConnection(
  s: Socket,
  host: string,
  ip: string,
  port: number,
  pod: PodContext,
  io: CommandIO,
): void {
  const entry = (outcome: ConnectOutcome) =>
    io.trace({
      kind: 'connect',
      protocol: 'TCP',
      host,
      from: `${pod.net.localAddress ?? s.localAddress ?? pod.ip}:${s.localPort ?? 0}`,
      to: `${ip}:${port}`,
      outcome,
    });
  const onConnect = () => {
    s.off('error', onError);
    entry('ok');
  };
  const onError = (e: NodeJS.ErrnoException) => {
    s.off('connect', onConnect);
    entry(outcomeOf(e));
  };
  s.once('connect', onConnect);
  s.once('error', onError);
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  httpVersion: string;
  /** Raw header lines, as received. */
  headers: [string, string][];
  body: Buffer;
  /** The connection's local address (the pod's IP and port in native mode). */
  local: { ip: string; port: number };
  /** HTTPS: the server certificate's subject and issuer (curl -v prints them). */
  peer?: { subject: string; issuer: string; protocol: string; cipher: string };
}

/** HTTPS: whom to trust (PEM; Node's bundled roots when absent), or no check at all (curl -k). */
export interface HttpTls {
  ca?: Buffer | string;
  insecure: boolean;
}

/** One HTTP/1.1 request on a new connection from the pod; the body is cut at `maxBody` bytes. */
export function podHttp(
  pod: PodContext,
  io: CommandIO,
  o: {
    host: string;
    ip: string;
    port: number;
    method: string;
    path: string;
    headers: Record<string, string>;
    timeoutMs: number;
    maxBody: number;
    tls?: HttpTls;
  },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    if (!pod.net.reaches(o.ip)) {
      reject(hostTargetRefused(o.ip));
      return;
    }
    const dropped = pod.net.drops?.(o.ip, o.port, 'TCP');
    if (dropped !== undefined) {
      // No SYN-ACK ever comes: the request's timeout (or the exec's end) is the answer.
      io.trace(droppedEntry(pod, 'TCP', o.host, o.ip, o.port, dropped));
      const timer = setTimeout(
        () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
        o.timeoutMs,
      );
      io.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
        },
        { once: true },
      );
      return;
    }
    const to = pod.net.route(o.ip, o.port, 'TCP');
    const common = {
      host: to.ip,
      port: to.port,
      method: o.method,
      path: o.path,
      headers: o.headers,
      setHost: false,
      agent: false,
      signal: io.signal,
      ...(pod.net.localAddress ? { localAddress: pod.net.localAddress } : {}),
    };
    // TLS to the name the URL gives (SNI and the certificate's check), wherever the route leads.
    const req = o.tls
      ? httpsRequest({
          ...common,
          ...(isIP(o.host) ? {} : { servername: o.host }),
          rejectUnauthorized: !o.tls.insecure,
          ...(o.tls.ca ? { ca: o.tls.ca } : {}),
          checkServerIdentity: (_name: string, cert: PeerCertificate) =>
            checkServerIdentity(o.host, cert),
        })
      : request(common);
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
      o.timeoutMs,
    );
    const local = { ip: pod.net.localAddress ?? pod.ip, port: 0 };
    req.once('socket', (s: Socket) => {
      traceConnection(s, o.host, o.ip, o.port, pod, io);
      s.once('connect', () => (local.port = s.localPort ?? 0));
    });
    req.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.once('response', (res) => {
      const tlsSocket = res.socket as TLSSocket;
      const cert = o.tls ? tlsSocket.getPeerCertificate?.() : undefined;
      const peer =
        o.tls && cert
          ? {
              subject: nameOf(cert.subject),
              issuer: nameOf(cert.issuer),
              protocol: tlsSocket.getProtocol?.() ?? '',
              cipher: tlsSocket.getCipher?.()?.standardName ?? '',
            }
          : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < o.maxBody) chunks.push(c.subarray(0, o.maxBody - size));
        size += c.length;
      });
      res.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      res.once('end', () => {
        clearTimeout(timer);
        const raw = res.rawHeaders;
        const headers: [string, string][] = [];
        for (let i = 0; i + 1 < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          httpVersion: res.httpVersion,
          headers,
          body: Buffer.concat(chunks),
          local,
          ...(peer ? { peer } : {}),
        });
      });
    });
    req.end();
  });
}

/** A certificate name as curl -v prints it: `CN=my-nginx; O=my-nginx`. */
function nameOf(n: Partial<Record<string, string | string[]>> | undefined): string {
  if (!n) return '';
  return Object.entries(n)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join('; ');
}
