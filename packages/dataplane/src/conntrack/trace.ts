// Packets the kube-proxy table refuses or drops never become conntrack entries (the entry of a
// packet dropped in `output` is never confirmed, so conntrack sends no event): they are seen
// through `nft monitor trace` instead. The ruleset's `reject-no-endpoints`, `drop-no-endpoints`
// and `drop-source-ranges` chains start with `meta nftrace set 1`; nft 1.0.6 then prints, per
// packet (its JSON output has no trace events: this is the text form, captured in a namespace):
//
//   trace id 29bf1110 ip kube-proxy reject-no-endpoints packet: oif "lo" ip saddr 127.244.1.5
//     ip daddr 127.96.0.11 ... tcp sport 43023 tcp dport 80 tcp flags == syn tcp window 65495
//   trace id 29bf1110 ip kube-proxy reject-no-endpoints rule meta nftrace set 1 (verdict continue)
//   trace id 29bf1110 ip kube-proxy reject-no-endpoints rule reject (verdict drop)
//
// The `packet:` line says all (the chain says the verdict); the `rule` lines are not needed.
// The NetworkPolicy table's `egress-denied` and `ingress-denied` chains are traced too: a
// connection no rule allows is dropped after kube-proxy's DNAT (its `ip daddr` is the endpoint)
// and, for ingress, after its SNAT (its `ip saddr` is what the pod would have seen).
import { EGRESS_DENIED, INGRESS_DENIED, POLICY_TABLE } from '../nftables/policyTable.ts';
import {
  DROP_NO_ENDPOINTS,
  DROP_SOURCE_RANGES,
  REJECT_NO_ENDPOINTS,
  TABLE,
} from '../nftables/chainNames.ts';

export interface TraceVerdict {
  verdict: 'reject' | 'drop';
  /**
   * The traced chain: which rule refused the packet (no endpoints, loadBalancerSourceRanges, or
   * the NetworkPolicy table's egress-denied or ingress-denied, whose packet is already DNATed to
   * the endpoint).
   */
  chain: string;
  protocol: 'TCP' | 'UDP';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** ms since the epoch, when the line was read (trace lines carry no time). */
  at: number;
}

const VERDICTS = new Map<string, TraceVerdict['verdict']>([
  [REJECT_NO_ENDPOINTS, 'reject'],
  [DROP_NO_ENDPOINTS, 'drop'],
  [DROP_SOURCE_RANGES, 'drop'],
]);

const PACKET = /^trace id \S+ ip (\S+) (\S+) packet: (.*)$/;

/** A `packet:` line of one of the traced chains of the kube-proxy table, else undefined. */
export function parseTraceLine(line: string, at: number): TraceVerdict | undefined {
  const m = PACKET.exec(line.trim());
  if (!m) return undefined;
  const chain = m[2]!;
  const verdict =
    m[1] === TABLE
      ? VERDICTS.get(chain)
      : m[1] === POLICY_TABLE && (chain === EGRESS_DENIED || chain === INGRESS_DENIED)
        ? 'drop'
        : undefined;
  if (!verdict) return undefined;
  const fields = m[3]!;
  const src = / ip saddr (\S+)/.exec(fields)?.[1];
  const dst = / ip daddr (\S+)/.exec(fields)?.[1];
  const ports = /\b(tcp|udp) sport (\d+) \1 dport (\d+)/.exec(fields);
  if (!src || !dst || !ports) return undefined;
  return {
    verdict,
    chain,
    protocol: ports[1] === 'tcp' ? 'TCP' : 'UDP',
    src,
    sport: Number(ports[2]),
    dst,
    dport: Number(ports[3]),
    at,
  };
}

export interface TraceReaderOptions {
  /**
   * Packets of one 4-tuple closer together than this are one connection: a client retries a
   * dropped SYN after 1, 2, 4, 8, 16 and 32 s with the same port, a UDP client sends on from
   * its one socket. Measured from the last packet seen (default 35 s covers those gaps).
   */
  windowMs?: number;
  /** At most this many 4-tuples remembered (the oldest go first). */
  maxTuples?: number;
}

/**
 * Turns `nft monitor trace` lines into one verdict per refused or dropped connection: SYN
 * retransmits of a dropped connection, and further datagrams of a refused or dropped UDP flow,
 * are not new connections; every refused TCP SYN is one.
 */
export class TraceReader {
  readonly #onVerdict: (v: TraceVerdict) => void;
  readonly #windowMs: number;
  readonly #maxTuples: number;
  /** verdict|proto|src:sport|dst:dport -> last seen (Map order: oldest first). */
  readonly #seen = new Map<string, number>();
  /** Packets traced, repeats included. */
  packets = 0;

  constructor(onVerdict: (v: TraceVerdict) => void, opts: TraceReaderOptions = {}) {
    this.#onVerdict = onVerdict;
    this.#windowMs = opts.windowMs ?? 35_000;
    this.#maxTuples = opts.maxTuples ?? 10_000;
  }

  line(text: string, at: number): void {
    const v = parseTraceLine(text, at);
    if (!v) return;
    this.packets++;
    // A refused TCP SYN is its client's answer: the socket is closed, nothing is retransmitted.
    // Another with the same 4-tuple is a new connection (a client that binds its address gets a
    // random port each time, and sometimes one it had a moment ago).
    if (v.protocol === 'TCP' && v.verdict === 'reject') {
      this.#onVerdict(v);
      return;
    }
    const key = `${v.verdict}|${v.protocol}|${v.src}:${v.sport}|${v.dst}:${v.dport}`;
    const last = this.#seen.get(key);
    this.#seen.delete(key); // re-inserted below: the Map stays ordered by last use
    this.#seen.set(key, at);
    if (last !== undefined && at - last < this.#windowMs) return;
    this.#forgetOld(at);
    this.#onVerdict(v);
  }

  #forgetOld(now: number): void {
    for (const [key, last] of this.#seen) {
      if (this.#seen.size <= this.#maxTuples && now - last < this.#windowMs) return;
      this.#seen.delete(key);
    }
  }
}
