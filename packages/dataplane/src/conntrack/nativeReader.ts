// The native conntrack event reader (native/ctevents.c): built once per version of its source
// with the system's C compiler, like the native relay (nativeRelay.ts), and its lines read into
// the same ConntrackEvents parse.ts reads from `conntrack -E`, so the joiner does not care which
// one runs. It exists because `conntrack -E` loses events (ENOBUFS) at 2,000 connections/s:
// conntrack-tools 1.4.7 sets `-b` on the wrong socket (see ctevents.c).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_CFLAGS, compilerError } from '../nativeRelay.ts';
import type { ConntrackEvent, ConntrackLine, ConntrackTuple } from './parse.ts';

export const CTEVENTS_SOURCE = fileURLToPath(new URL('../../native/ctevents.c', import.meta.url));
const BUILD_DIR = fileURLToPath(new URL('../../native/.build/', import.meta.url));
/** A compiler that hangs must not hang the server's start. */
const BUILD_TIMEOUT_MS = 60_000;

export interface NativeReaderBuild {
  /** The built program, when it could be built. */
  path?: string;
  /** Why not (no compiler, a warning, not Linux): the `conntrack -E` reader runs instead. */
  error?: string;
}

let built: NativeReaderBuild | undefined;

/**
 * native/ctevents.c built into native/.build/ (cached by the hash of its source and flags), or
 * why it cannot be. Synchronous: ConntrackEventSource.start() is, and a reader that started late
 * would miss the first connections' NEWs. The compile (well under a second) happens once per
 * version of the source; later starts only hash the file.
 */
export function nativeConntrackReader(): NativeReaderBuild {
  return (built ??= buildReader());
}

function buildReader(): NativeReaderBuild {
  if (process.platform !== 'linux') return { error: `ctnetlink is Linux's (${process.platform})` };
  try {
    const hash = createHash('sha256')
      .update(`${process.platform}-${process.arch} ${NATIVE_CFLAGS.join(' ')}\n`)
      .update(readFileSync(CTEVENTS_SOURCE))
      .digest('hex')
      .slice(0, 16);
    const path = join(BUILD_DIR, `ctevents-${hash}`);
    if (existsSync(path)) return { path };
    mkdirSync(BUILD_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    try {
      execFileSync(process.env.CC ?? 'cc', [...NATIVE_CFLAGS, '-o', tmp, CTEVENTS_SOURCE], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: BUILD_TIMEOUT_MS,
      });
      renameSync(tmp, path); // atomic: another process building it at the same time is fine
    } finally {
      rmSync(tmp, { force: true });
    }
    return { path };
  } catch (err) {
    return { error: compilerError(err) };
  }
}

export interface NativeReaderSettings {
  /** The sweep's fastest and slowest pace (ms; 0 = no sweep): see ctevents.c's SWEEP_BURST_MAX. */
  sweepMinMs: number;
  sweepMaxMs: number;
  /** The event socket's receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF). */
  receiveBufferBytes: number;
}

/** ctevents' command line. */
export function nativeReaderArgs(s: NativeReaderSettings): string[] {
  const ms = (n: number) => String(Math.max(0, Math.round(n)));
  return [
    ...['--sweep-ms', ms(s.sweepMinMs), '--sweep-max-ms', ms(s.sweepMaxMs)],
    ...['--rcvbuf', String(s.receiveBufferBytes)],
  ];
}

/** What ctevents prints once its event socket is subscribed. */
export const NATIVE_READY = 'READY';
const LOST: ConntrackLine = { kind: 'lost' };
const OTHER: ConntrackLine = { kind: 'other' };
/** ct->status bits (linux/netfilter/nf_conntrack_common.h). */
const IPS_SEEN_REPLY = 1 << 1;
const IPS_ASSURED = 1 << 2;
const FIELDS = 20;

/**
 * One line of ctevents (its header comment has the format) as parse.ts's ConntrackLine: `LOST`
 * is the kernel's ENOBUFS, an event line a ConntrackEvent equal to what parseConntrackLine makes
 * of `conntrack -E`'s line for the same event; anything else (READY) is `other`.
 */
export function parseNativeConntrackLine(line: string): ConntrackLine {
  if (line === 'LOST') return LOST;
  const f = line.split(' ');
  const kind = f[0];
  if (f.length !== FIELDS || (kind !== 'N' && kind !== 'D')) return OTHER;
  const [, stamp, id, proto, osrc, odst, osport, odport, rsrc, rdst, rsport, rdport] = f;
  const [status, state, timeout, opkts, obytes, rpkts, rbytes, portid] = f.slice(12);
  const bits = Number(status);
  const event: ConntrackEvent = {
    type: kind === 'N' ? 'NEW' : 'DESTROY',
    at: stampMs(stamp!),
    id: Number(id),
    protocol: proto === 'tcp' ? 'TCP' : 'UDP',
    orig: tuple(osrc!, odst!, osport!, odport!, opkts!, obytes!),
    reply: tuple(rsrc!, rdst!, rsport!, rdport!, rpkts!, rbytes!),
    assured: (bits & IPS_ASSURED) !== 0,
    unreplied: (bits & IPS_SEEN_REPLY) === 0,
    byUserspace: portid !== '0',
  };
  // Absent, not undefined, when the kernel did not send them: as parse.ts leaves them.
  if (state !== '-') event.state = state;
  if (timeout !== '-') event.timeout = Number(timeout);
  return { kind: 'event', event };
}

/** `seconds.micros` as ms since the epoch, truncated as parse.ts does. */
function stampMs(stamp: string): number {
  const dot = stamp.indexOf('.');
  return Number(stamp.slice(0, dot)) * 1000 + Math.floor(Number(stamp.slice(dot + 1)) / 1000);
}

function tuple(
  src: string,
  dst: string,
  sport: string,
  dport: string,
  packets: string,
  bytes: string,
): ConntrackTuple {
  const t: ConntrackTuple = { src, dst, sport: Number(sport), dport: Number(dport) };
  if (packets !== '-') {
    t.packets = Number(packets);
    t.bytes = Number(bytes);
  }
  return t;
}
