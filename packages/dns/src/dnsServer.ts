import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { lengthPrefixedReader, withLengthPrefix } from './framing.ts';
import { type QueryLog, respond } from './message.ts';
import type { ZoneOptions } from './records.ts';
import type { ZoneView } from './zoneView.ts';

export interface HostPort {
  ip: string;
  port: number;
}

export interface DnsQueryEvent extends QueryLog {
  transport: 'udp' | 'tcp';
  client: HostPort;
}

export interface DnsServerOptions {
  view: ZoneView;
  zone?: ZoneOptions;
  onQuery?: (e: DnsQueryEvent) => void;
  /** A TCP connection idle this long is closed (CoreDNS: 10 s). */
  tcpIdleMs?: number;
  /** Most TCP connections at once; beyond it new ones are closed at once. */
  maxTcpConnections?: number;
}

/**
 * A DNS server for the cluster zone over UDP and TCP (two-byte length prefix), answering from
 * cluster state. It never forwards: names outside the zone are REFUSED.
 */
export class DnsServer {
  readonly #o: DnsServerOptions;
  readonly #counts = new Map<string, number>();
  readonly #conns = new Set<Socket>();
  #udp: UdpSocket | undefined;
  #tcp: Server | undefined;

  constructor(opts: DnsServerOptions) {
    this.#o = opts;
  }

  async listen(udp: HostPort, tcp: HostPort): Promise<{ udp: HostPort; tcp: HostPort }> {
    const u = createSocket({ type: 'udp4' });
    u.on('message', (msg, rinfo) =>
      this.#onDatagram(u, msg, { ip: rinfo.address, port: rinfo.port }),
    );
    await new Promise<void>((resolve, reject) => {
      u.once('error', reject);
      u.bind({ address: udp.ip, port: udp.port, exclusive: true }, () => {
        u.off('error', reject);
        resolve();
      });
    });
    u.on('error', () => {}); // a failed send to one client must not stop the server
    this.#udp = u;
    const t = createServer((s) => this.#onConnection(s));
    try {
      await new Promise<void>((resolve, reject) => {
        t.once('error', reject);
        t.listen({ host: tcp.ip, port: tcp.port, exclusive: true }, () => {
          t.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      u.close();
      this.#udp = undefined;
      throw err;
    }
    t.on('error', () => {});
    this.#tcp = t;
    return this.addresses()!;
  }

  addresses(): { udp: HostPort; tcp: HostPort } | undefined {
    const u = this.#udp?.address();
    const t = this.#tcp?.address();
    if (!u || !t || typeof t !== 'object') return undefined;
    return { udp: { ip: u.address, port: u.port }, tcp: { ip: t.address, port: t.port } };
  }

  async close(): Promise<void> {
    for (const s of this.#conns) s.destroy();
    const t = this.#tcp;
    const u = this.#udp;
    this.#tcp = this.#udp = undefined;
    await Promise.all([
      t && new Promise<void>((r) => t.close(() => r())),
      u && new Promise<void>((r) => u.close(() => r())),
    ]);
  }

  /** Prometheus text like CoreDNS's `prometheus :9153` (requests by proto/type, responses by rcode). */
  metrics(): string {
    const lines = [
      '# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol and family.',
      '# TYPE coredns_dns_requests_total counter',
    ];
    const responses = ['# TYPE coredns_dns_responses_total counter'];
    for (const [k, n] of [...this.#counts].sort()) {
      const [kind, a, b] = k.split('|');
      if (kind === 'req')
        lines.push(
          `coredns_dns_requests_total{server="dns://:53",zone="cluster.local.",proto="${a}",family="1",type="${b}"} ${n}`,
        );
      else
        responses.push(
          `coredns_dns_responses_total{server="dns://:53",zone="cluster.local.",rcode="${a}"} ${n}`,
        );
    }
    return [...lines, ...responses].join('\n') + '\n';
  }

  #answer(msg: Buffer, transport: 'udp' | 'tcp', client: HostPort): Buffer | undefined {
    const r = respond(msg, this.#o.view, { ...this.#o.zone, transport });
    if (!r) return undefined;
    this.#count(`req|${transport}|${r.log.type || 'other'}`);
    this.#count(`resp|${r.log.rcode}`);
    this.#o.onQuery?.({ ...r.log, transport, client });
    return r.response;
  }

  #count(k: string): void {
    this.#counts.set(k, (this.#counts.get(k) ?? 0) + 1);
  }

  #onDatagram(u: UdpSocket, msg: Buffer, client: HostPort): void {
    const out = this.#answer(msg, 'udp', client);
    if (out) u.send(out, client.port, client.ip);
  }

  #onConnection(s: Socket): void {
    if (this.#conns.size >= (this.#o.maxTcpConnections ?? 256)) {
      s.destroy();
      return;
    }
    this.#conns.add(s);
    s.once('close', () => this.#conns.delete(s));
    s.on('error', () => s.destroy());
    s.setTimeout(this.#o.tcpIdleMs ?? 10_000, () => s.end());
    const client = { ip: (s.remoteAddress ?? '').replace(/^::ffff:/, ''), port: s.remotePort ?? 0 };
    const read = lengthPrefixedReader((msg) => {
      const out = this.#answer(msg, 'tcp', client);
      if (out) s.write(withLengthPrefix(out));
    });
    s.on('data', function onDnsData(chunk: Buffer) {
      try {
        read(chunk);
      } catch {
        s.destroy();
      }
    });
  }
}
