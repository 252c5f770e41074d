// How a connection ended, read from its DESTROY, in the userspace proxier's outcomes: `ok`,
// `reset` (what a client sees when the endpoint refuses the connection: the userspace proxier
// says "ECONNREFUSED connecting to ...: client connection reset"), `timeout` (the endpoint
// never answered). `refused` and `dropped` stay what they are everywhere else: a connection
// kube-proxy itself turned away (no endpoints), which never had an `open` event before it.
import type { ConnectionOutcome } from '@l4lab/protocol';
import type { ConntrackEvent, ConntrackTuple } from './parse.ts';

export interface Close {
  outcome: ConnectionOutcome;
  /** Appended to the open event's reason. */
  note?: string;
}

/** conntrack's TIME_WAIT and CLOSE timeouts (ms): how long a closed TCP entry outlives its close. */
export interface LingerMs {
  TIME_WAIT: number;
  CLOSE: number;
}

/** The userspace proxier's words for a flow kube-proxy flushed, and what the kernel did for it. */
export const STALE_UDP_FLOW_FLUSHED =
  'endpoint removed: stale UDP flow flushed (conntrack entry deleted)';

/**
 * `endpointLeft`: the flow's endpoint is no longer one the rules in force send to (or its pod is
 * gone), so a `conntrack -D` of it was kube-proxy flushing a stale flow.
 */
export function closeOf(e: ConntrackEvent, endpoint: string, endpointLeft = false): Close {
  // Without accounting (no packet counters), UNREPLIED alone says whether the endpoint answered.
  const replied = e.reply.packets !== undefined ? e.reply.packets > 0 : !e.unreplied;
  if (e.protocol === 'UDP') {
    // kube-proxy deletes the UDP flows of an endpoint that left (`conntrack -D`): the flow is
    // cut (its next datagram goes to another endpoint), as the userspace proxier's `reset`.
    const stale = e.byUserspace && endpointLeft;
    const deleted = stale ? STALE_UDP_FLOW_FLUSHED : e.byUserspace ? 'conntrack entry deleted' : '';
    if (!replied)
      return {
        outcome: 'timeout',
        note: `${endpoint} never answered (conntrack: UNREPLIED)${deleted ? `; ${deleted}` : ''}`,
      };
    if (stale) return { outcome: 'reset', note: deleted };
    return deleted ? { outcome: 'ok', note: deleted } : { outcome: 'ok' };
  }
  if (!e.assured) {
    if (!replied)
      return {
        outcome: 'timeout',
        note: `${endpoint} never answered the SYN (conntrack: UNREPLIED)`,
      };
    // An RST answering the SYN leaves the entry UNREPLIED with one reply packet (seen in a lab).
    if (e.unreplied)
      return {
        outcome: 'reset',
        note: `ECONNREFUSED connecting to ${endpoint}: client connection reset`,
      };
    return {
      outcome: 'reset',
      note: `reset during the handshake (conntrack: ${e.state ?? 'not ASSURED'})`,
    };
  }
  // A killed entry (it still has its timeout) that had not closed: flushed or deleted mid-way.
  if (e.timeout !== undefined && e.state && e.state !== 'TIME_WAIT' && e.state !== 'CLOSE')
    return {
      outcome: 'reset',
      note: `conntrack entry ${e.byUserspace ? 'deleted' : 'removed'} while ${e.state}`,
    };
  return { outcome: 'ok' };
}

/**
 * How long before its DESTROY a TCP connection really closed: an entry that expired in
 * TIME_WAIT or CLOSE was kept that long after the close (one that was killed has its timeout
 * left in the line, and ended when it says).
 */
export function lingerOf(e: ConntrackEvent, linger: LingerMs): number {
  if (e.protocol !== 'TCP' || e.type !== 'DESTROY' || e.timeout !== undefined) return 0;
  if (e.state === 'TIME_WAIT') return linger.TIME_WAIT;
  if (e.state === 'CLOSE') return linger.CLOSE;
  return 0;
}

/**
 * Payload bytes from conntrack's IP byte counter, as the userspace proxier counts them: minus an
 * IP and a TCP (or UDP) header per packet. On loopback every packet (a GSO one too) carries one
 * header, with timestamps 20 + 32 bytes, and the SYN / SYN-ACK 8 more (MSS, SACK, window scale);
 * exact there unless SACK blocks ride on ACKs (loss, which loopback does not have).
 */
export function payloadBytes(
  t: ConntrackTuple,
  protocol: 'TCP' | 'UDP',
  tcpTimestamps: boolean,
): number {
  if (t.bytes === undefined || t.packets === undefined || t.packets === 0) return 0;
  if (protocol === 'UDP') return Math.max(0, t.bytes - 28 * t.packets);
  const header = 20 + (tcpTimestamps ? 32 : 20);
  const syn = tcpTimestamps ? 8 : 12;
  return Math.max(0, t.bytes - header * t.packets - syn);
}
