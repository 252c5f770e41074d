// The events' rate limit: above a number of new Service connections a second, the kernel sends
// no conntrack events for the rest and counts them instead, per frontend and endpoint.
//
// Each connection's NEW and DESTROY cost the kernel (the netlink messages, built on the
// connection's own path), the reader and the join, about 20 µs in all: at 13,000 connections a
// second that is 15 % of a 2-core laptop, a fifth of what the kernel dataplane could carry. The
// server sends a browser 200 events per 50 ms frame at most (EventHub), an open and an end per
// connection: 2,000 connections a second, and counts the rest ("counted, not drawn"). By
// default the kernel stops there too: the connections it reports are the ones a browser can
// draw, and up to that rate every connection is reported (the limit's burst, a tenth of a
// second's worth, absorbs a client's jitter; the events' latency is measured at 2,000 a second).
// Reporting twice that (the default until bench:dataplane measured a client pod behind a veth)
// cost 4 % of the new connections a second, for events the frames then dropped. The connections
// over the limit are counted by the kernel, per Service frontend and endpoint (a set with a
// counter per element), and the counts go into the same rows as the events' (ConnectionStats):
// the connections per endpoint stay exact, the bytes and durations are the reported ones'.
//
// A table of l4lab's own beside kube-proxy's (which stays as kube-proxy writes it), with NAT
// chains that NAT nothing: the kernel consults NAT chains for a connection's first packet only, so
// the rule costs the packets after it nothing (a filter chain, the first version, sees every
// packet: 1-2 % of the keep-alive requests a second in bench:dataplane). Two hooks, where a
// Service connection's first packet goes after its DNAT, before conntrack confirms the entry:
//   postrouting, priority 99 (srcnat - 1): the lab's own clients (its pods and generator run in
//     its namespace: DNATed in output) and forwarded traffic; before kube-proxy's masquerade,
//     since the kernel stops at the first NAT chain of a hook that NATs.
//   input, priority 99: a client behind an interface, as a pod on a real node is behind its veth
//     (the bench's client pod): DNATed in prerouting, delivered here without postrouting. A
//     connection that went through postrouting already has its source NAT settled (masqueraded,
//     or none), so the kernel does not consult these chains for it again: each is seen once.
//
//   ct status & (dnat | confirmed) == dnat          a Service connection (kube-proxy DNATed it)
//   meta l4proto { tcp, udp }                        (gives `ct original proto-dst` its type)
//   limit name "events"                              only the connections over the rate
//                                                    (rate over N/second burst B packets)
//   add @unreported { frontend ip . port . endpoint ip . port . proto }   counted per pair
//   ct event set 0x0                                 no NEW, no DESTROY for this entry
//
// Only the entry's first packet is matched: an entry whose NEW went out keeps its DESTROY. The
// count comes before the event mask: were the set ever full, the add would fail, the rule stop
// there and the connection be reported as any other, never neither reported nor counted.
import { nftApply } from '../nftables/commands.ts';
import type { NftShell } from '../nftables/nftShell.ts';

export const EVENTS_TABLE = 'l4lab-events';
export const UNREPORTED_SET = 'unreported';
/** The named limit both hooks' rules share. */
export const EVENTS_LIMIT = 'events';
/** The hooks a Service connection's first packet passes after its DNAT (see above). */
export const EVENTS_HOOKS = ['postrouting', 'input'] as const;
/** srcnat - 1: before kube-proxy's masquerade (nft 1.0.6 names `srcnat` on postrouting only). */
const EVENTS_PRIORITY = 99;
/** What the server's frames carry to a browser (EventHub: 200 events per 50 ms, 2 a connection). */
export const DEFAULT_EVENTS_RATE_LIMIT = 2000;

/** Connections the kernel counted without events, through one frontend to one endpoint. */
export interface UnreportedFlows {
  protocol: 'TCP' | 'UDP';
  frontendIP: string;
  frontendPort: number;
  endpointIP: string;
  endpointPort: number;
  /** Since the table was written. */
  connections: number;
}

/** The table, written anew (its counts start again from 0). */
export function eventsTableScript(ratePerSecond: number): string {
  if (!Number.isInteger(ratePerSecond) || ratePerSecond <= 0)
    throw new RangeError(
      `events rate limit: a whole number of connections a second, not ${ratePerSecond}`,
    );
  // A tenth of a second's worth at once: connections come in bursts.
  const burst = Math.ceil(ratePerSecond / 10);
  // One named limit for both hooks: one rate for the lab, wherever its connections come from.
  const rule =
    `ct status & (dnat | confirmed) == dnat meta l4proto { tcp, udp } ` +
    `limit name "${EVENTS_LIMIT}" ` +
    `add @${UNREPORTED_SET} { ct original ip daddr . ct original proto-dst . ip daddr . th dport . meta l4proto } ` +
    `ct event set 0x0`;
  return [
    removeEventsTableScript().trimEnd(),
    `table ip ${EVENTS_TABLE} {`,
    `  limit ${EVENTS_LIMIT} {`,
    `    rate over ${ratePerSecond}/second burst ${burst} packets`,
    `  }`,
    `  set ${UNREPORTED_SET} {`,
    `    type ipv4_addr . inet_service . ipv4_addr . inet_service . inet_proto`,
    `    flags dynamic`,
    `    counter`,
    `    size 65536`,
    `  }`,
    ...EVENTS_HOOKS.flatMap((hook) => [
      `  chain ${hook} {`,
      `    type nat hook ${hook} priority ${EVENTS_PRIORITY}; policy accept;`,
      `    ${rule}`,
      `  }`,
    ]),
    `}`,
    '',
  ].join('\n');
}

/** Removes the table (nothing when it is not there). */
export function removeEventsTableScript(): string {
  return `table ip ${EVENTS_TABLE} {}\ndelete table ip ${EVENTS_TABLE}\n`;
}

/** The set's elements from `nft -j list set ip l4lab-events unreported` (nft 1.0's JSON). */
export function parseUnreported(json: string): UnreportedFlows[] {
  const doc = JSON.parse(json) as { nftables?: unknown[] };
  const flows: UnreportedFlows[] = [];
  for (const item of doc.nftables ?? []) {
    const set = (item as { set?: { elem?: unknown[] } }).set;
    for (const raw of set?.elem ?? []) {
      const elem = (
        raw as { elem?: { val?: { concat?: unknown[] }; counter?: { packets?: number } } }
      ).elem;
      const key = elem?.val?.concat;
      const packets = elem?.counter?.packets;
      if (!key || key.length !== 5 || typeof packets !== 'number') continue;
      const [fip, fport, eip, eport, proto] = key;
      if (typeof fip !== 'string' || typeof eip !== 'string') continue;
      if (typeof fport !== 'number' || typeof eport !== 'number') continue;
      if (proto !== 'tcp' && proto !== 'udp') continue;
      flows.push({
        protocol: proto === 'tcp' ? 'TCP' : 'UDP',
        frontendIP: fip,
        frontendPort: fport,
        endpointIP: eip,
        endpointPort: eport,
        connections: packets,
      });
    }
  }
  return flows;
}

/** Per flow key, what a new reading adds to the last one (a count that went down: written anew). */
export class UnreportedDeltas {
  readonly #last = new Map<string, number>();
  total = 0;

  take(now: readonly UnreportedFlows[]): UnreportedFlows[] {
    const out: UnreportedFlows[] = [];
    for (const f of now) {
      const key = `${f.protocol}/${f.frontendIP}:${f.frontendPort}>${f.endpointIP}:${f.endpointPort}`;
      const before = this.#last.get(key) ?? 0;
      const delta = f.connections >= before ? f.connections - before : f.connections;
      this.#last.set(key, f.connections);
      if (delta > 0) {
        this.total += delta;
        out.push({ ...f, connections: delta });
      }
    }
    return out;
  }
}

/** Writes the table (throws NftError when nft refuses it). */
export async function writeEventsTable(nft: string, ratePerSecond: number): Promise<void> {
  await nftApply(nft, eventsTableScript(ratePerSecond));
}

export async function removeEventsTable(nft: string): Promise<void> {
  await nftApply(nft, removeEventsTableScript());
}

/** The set's counts now, or undefined when the table is gone (read by a running `nft -j -i`). */
export async function readUnreported(shell: NftShell): Promise<UnreportedFlows[] | undefined> {
  const listed = await shell.list(`list set ip ${EVENTS_TABLE} ${UNREPORTED_SET}`);
  return listed === undefined ? undefined : parseUnreported(listed);
}
