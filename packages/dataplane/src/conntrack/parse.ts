// One line of `conntrack -E -e NEW,DESTROY -o timestamp,id` (conntrack-tools 1.4.7) as data.
// The shapes, from lines captured in a lab namespace (nf_conntrack_acct=1):
//
//   [1796460625.531371]\t    [NEW] tcp      6 120 SYN_SENT src=A dst=B sport=1 dport=2 [UNREPLIED] src=C dst=A sport=3 dport=1 id=7
//   [1796460657.930638]\t[DESTROY] tcp      6 TIME_WAIT src=A dst=B ... packets=5 bytes=273 src=C ... packets=5 bytes=274 [ASSURED] id=7
//   [1796460628.592327]\t[DESTROY] tcp      6 120 CLOSE src=A ... packets=1 bytes=60 [UNREPLIED] src=C ... packets=1 bytes=40 id=8
//   [1796460888.508407]\t[DESTROY] tcp      6 431999 ESTABLISHED src=... [ASSURED] id=9 [USERSPACE] portid=1 progname=conntrack
//   [1796460668.506926]\t[DESTROY] udp      17 src=A dst=B ... id=10
//
// A DESTROY of an entry that timed out has no timeout number (the garbage collector or a table
// dump reaped it); one that was killed (an RST to a SYN, `conntrack -D`) still has it.

/** One direction of a conntrack entry; packets and bytes only in DESTROY, with accounting on. */
export interface ConntrackTuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  packets?: number;
  /** IP bytes, headers included. */
  bytes?: number;
}

export interface ConntrackEvent {
  type: 'NEW' | 'DESTROY';
  /** ms since the epoch: when conntrack received the event (its `-o timestamp`). */
  at: number;
  /** conntrack's own id of the entry (`-o id`): the same in the NEW and the DESTROY. */
  id: number;
  protocol: 'TCP' | 'UDP';
  /** TCP state (SYN_SENT, ESTABLISHED, TIME_WAIT, CLOSE, ...). */
  state?: string;
  /** Seconds left on the entry; absent from a DESTROY of an entry that expired. */
  timeout?: number;
  /** The client's view: its address and port, and the address it connected to. */
  orig: ConntrackTuple;
  /** The endpoint's view after NAT: `src` is where the connection really went. */
  reply: ConntrackTuple;
  assured: boolean;
  unreplied: boolean;
  /** Deleted by a program (`conntrack -D`), not by the kernel. */
  byUserspace: boolean;
}

export type ConntrackLine =
  | { kind: 'event'; event: ConntrackEvent }
  /** conntrack's ENOBUFS warning: the kernel dropped events the reader did not take in time. */
  | { kind: 'lost' }
  /**
   * The native reader's look-ups of open entries so far (ctevents.c): sent, and answered "no
   * such entry" (mostly: the look-up reaped it, and its DESTROY followed).
   */
  | { kind: 'lookups'; sent: number; gone: number }
  /** Another protocol (ICMP ...), a notice, or something this parser does not know. */
  | { kind: 'other' };

const LOST: ConntrackLine = { kind: 'lost' };
const OTHER: ConntrackLine = { kind: 'other' };

/** What conntrack 1.4.7 prints (to stderr) when netlink answered ENOBUFS. */
export const ENOBUFS_WARNING = 'We have hit ENOBUFS! We are losing events.';

/**
 * Parses one line (stdout or stderr). `receivedAt` stands in for the time when the line has no
 * `[seconds.micros]` prefix (conntrack run without `-o timestamp`).
 */
export function parseConntrackLine(line: string, receivedAt = 0): ConntrackLine {
  if (line.includes(ENOBUFS_WARNING)) return LOST;
  const words = line.trim().split(/\s+/);
  let i = 0;
  let at = receivedAt;
  const stamp = /^\[(\d+)\.(\d+)\]$/.exec(words[0] ?? '');
  if (stamp) {
    at = Number(stamp[1]) * 1000 + Math.floor(Number(`0.${stamp[2]}`) * 1000);
    i++;
  }
  const type = words[i] === '[NEW]' ? 'NEW' : words[i] === '[DESTROY]' ? 'DESTROY' : undefined;
  const proto = words[i + 1];
  if (!type || (proto !== 'tcp' && proto !== 'udp')) return OTHER;
  i += 3; // the type, the protocol's name and its number
  let timeout: number | undefined;
  if (/^\d+$/.test(words[i] ?? '')) timeout = Number(words[i++]);
  let state: string | undefined;
  if (/^[A-Z_]+$/.test(words[i] ?? '')) state = words[i++];
  return tuplesAndFlags(words, i, {
    type,
    at,
    protocol: proto === 'tcp' ? 'TCP' : 'UDP',
    state,
    timeout,
  });
}

/** The two tuples (each starts at its `src=`), the [FLAGS] and `id=` after the header. */
function tuplesAndFlags(
  words: string[],
  start: number,
  head: Pick<ConntrackEvent, 'type' | 'at' | 'protocol' | 'state' | 'timeout'>,
): ConntrackLine {
  const tuples: Partial<ConntrackTuple>[] = [];
  let id: number | undefined;
  let assured = false;
  let unreplied = false;
  let byUserspace = false;
  for (let i = start; i < words.length; i++) {
    const w = words[i]!;
    if (w === '[ASSURED]') assured = true;
    else if (w === '[UNREPLIED]') unreplied = true;
    else if (w === '[USERSPACE]') byUserspace = true;
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    if (key === 'src') tuples.push({ src: value });
    const t = tuples[tuples.length - 1];
    if (key === 'id') id = Number(value);
    else if (!t || tuples.length > 2) continue;
    else if (key === 'dst') t.dst = value;
    else if (key === 'sport') t.sport = Number(value);
    else if (key === 'dport') t.dport = Number(value);
    else if (key === 'packets') t.packets = Number(value);
    else if (key === 'bytes') t.bytes = Number(value);
  }
  const [orig, reply] = tuples;
  if (!complete(orig) || !complete(reply) || id === undefined || !Number.isFinite(id)) return OTHER;
  return {
    kind: 'event',
    event: { ...head, id, orig, reply, assured, unreplied, byUserspace },
  };
}

function complete(t: Partial<ConntrackTuple> | undefined): t is ConntrackTuple {
  return (
    t !== undefined &&
    t.src !== undefined &&
    t.dst !== undefined &&
    Number.isInteger(t.sport) &&
    Number.isInteger(t.dport)
  );
}
