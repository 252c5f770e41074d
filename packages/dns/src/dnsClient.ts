import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type Answer, type DecodedPacket, type RecordType } from 'dns-packet';
import type { HostPort } from './dnsServer.ts';
import { lengthPrefixedReader, withLengthPrefix } from './framing.ts';
import { rcodeOf } from './message.ts';

/** One answer record, its data as text (`10.96.0.12`, `target.`, `0 100 80 target`). */
export interface DnsRecord {
  name: string;
  type: string;
  ttl: number;
  data: string;
}

export interface DnsReply {
  rcode: string;
  authoritative: boolean;
  answers: DnsRecord[];
  /** The transport that gave this answer, and what happened before (`udp: ECONNREFUSED`). */
  transport: 'udp' | 'tcp';
  attempts: string[];
}

export interface DnsClientOptions {
  /** The nameserver's address as the pod sees it (the kube-dns ClusterIP) and port. */
  server: string;
  port?: number;
  /** Where that address really is for a transport; undefined when it cannot be reached that way. */
  route?: (ip: string, port: number, protocol: 'UDP' | 'TCP') => HostPort | undefined;
  /** Source address of the queries (the pod's IP in native mode). */
  localAddress?: string;
  /** Per attempt (busybox nslookup: 5 s for the whole query; here 2 s per transport). */
  timeoutMs?: number;
}

/**
 * A stub resolver's transport, as libc's and busybox's: the query goes over UDP; a truncated answer,
 * a refused or silent UDP port fall back to TCP (RFC 7766). Every query is one real exchange with
 * the nameserver (through the kube-dns Service, so it is routed and drawn like any connection).
 */
export class DnsClient {
  readonly #o: DnsClientOptions;

  constructor(opts: DnsClientOptions) {
    this.#o = opts;
  }

  get server(): string {
    return this.#o.server;
  }

  async query(name: string, type: string, signal?: AbortSignal): Promise<DnsReply> {
    const id = Math.floor(Math.random() * 65536);
    const msg = dnsPacket.encode({
      type: 'query',
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: type as RecordType, name, class: 'IN' }],
    });
    const port = this.#o.port ?? 53;
    const route = this.#o.route ?? ((ip, p) => ({ ip, port: p }));
    const attempts: string[] = [];
    const udp = route(this.#o.server, port, 'UDP');
    if (udp) {
      try {
        const p = await this.#udp(msg, id, udp, signal);
        if (!p.flag_tc) return reply(p, 'udp', attempts);
        attempts.push('udp: truncated');
      } catch (err) {
        if (signal?.aborted) throw err;
        attempts.push(`udp: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    } else attempts.push('udp: no route to the nameserver');
    const tcp = route(this.#o.server, port, 'TCP');
    if (!tcp) throw Object.assign(new Error('no route to the nameserver'), { attempts });
    try {
      return reply(await this.#tcp(msg, id, tcp, signal), 'tcp', attempts);
    } catch (err) {
      attempts.push(`tcp: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      throw Object.assign(new Error(attempts.join('; ')), { attempts });
    }
  }

  #udp(msg: Buffer, id: number, to: HostPort, signal?: AbortSignal): Promise<DecodedPacket> {
    return new Promise((resolve, reject) => {
      const s = createSocket('udp4');
      const done = (err: Error | undefined, p?: DecodedPacket) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        s.close();
        if (err) reject(err);
        else resolve(p!);
      };
      const onAbort = () => done(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
      const timer = setTimeout(
        () => done(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
        this.#o.timeoutMs ?? 2000,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      s.on('error', (e) => done(e));
      s.on('message', (buf) => {
        try {
          const p = dnsPacket.decode(buf);
          if (p.id === id && p.type === 'response') done(undefined, p);
        } catch {
          // not a DNS answer: keep waiting
        }
      });
      s.bind({ port: 0, ...(this.#o.localAddress ? { address: this.#o.localAddress } : {}) }, () =>
        s.connect(to.port, to.ip, () => s.send(msg)),
      );
    });
  }

  #tcp(msg: Buffer, id: number, to: HostPort, signal?: AbortSignal): Promise<DecodedPacket> {
    return new Promise((resolve, reject) => {
      const s = connect({
        host: to.ip,
        port: to.port,
        ...(this.#o.localAddress ? { localAddress: this.#o.localAddress } : {}),
      });
      const done = (err: Error | undefined, p?: DecodedPacket) => {
        signal?.removeEventListener('abort', onAbort);
        s.destroy();
        if (err) reject(err);
        else resolve(p!);
      };
      const onAbort = () => done(Object.assign(new Error('aborted'), { code: 'ABORT_ERR' }));
      signal?.addEventListener('abort', onAbort, { once: true });
      s.setTimeout(this.#o.timeoutMs ?? 2000, () =>
        done(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      );
      s.once('error', (e) => done(e));
      s.once('end', () => done(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
      const read = lengthPrefixedReader((buf) => {
        const p = dnsPacket.decode(buf);
        if (p.id === id) done(undefined, p);
      });
      s.on('data', (chunk: Buffer) => {
        try {
          read(chunk);
        } catch (e) {
          done(e as Error);
        }
      });
      s.once('connect', () => s.write(withLengthPrefix(msg)));
    });
  }
}

function reply(p: DecodedPacket, transport: 'udp' | 'tcp', attempts: string[]): DnsReply {
  return {
    rcode: rcodeOf(p),
    authoritative: p.flag_aa,
    answers: (p.answers ?? []).filter((a) => a.type !== 'OPT').map(recordOf),
    transport,
    attempts,
  };
}

function recordOf(a: Answer): DnsRecord {
  const ttl = 'ttl' in a ? (a.ttl ?? 0) : 0;
  let data: string;
  if (a.type === 'SRV') {
    const d = a.data;
    data = `${d.priority} ${d.weight} ${d.port} ${d.target}`;
  } else if (a.type === 'OPT') data = '';
  else if (typeof a.data === 'string') data = a.data;
  else data = JSON.stringify(a.data);
  return { name: a.name, type: a.type, ttl, data };
}
