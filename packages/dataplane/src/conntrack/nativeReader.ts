// The native conntrack event reader (native/ctevents.c): built once per version of its source
// with the system's C compiler, like the native relay (nativeRelay.ts), and its lines read into
// the same ConntrackEvents parse.ts reads from `conntrack -E`, so the joiner does not care which
// one runs. It exists because `conntrack -E` loses events (ENOBUFS) at 2,000 connections/s:
// conntrack-tools 1.4.7 sets `-b` on the wrong socket (see ctevents.c).
// Where nothing can be compiled (the agent's image: a read-only root filesystem, no compiler), env
// L4LAB_CTEVENTS names a ctevents built beforehand (`l4lab image build --agent` sets it), used as is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
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

/** The env naming a prebuilt ctevents (no compile when set). */
export const CTEVENTS_ENV = 'L4LAB_CTEVENTS';

/**
 * native/ctevents.c built into native/.build/ (cached by the hash of its source and flags), or
 * why it cannot be. Synchronous: ConntrackEventSource.start() is, and a reader that started late
 * would miss the first connections' NEWs. The compile (well under a second) happens once per
 * version of the source; later starts only hash the file. With env L4LAB_CTEVENTS set, that
 * program instead, never compiled (and never replaced by a compile when it is missing).
 */
export function nativeConntrackReader(
  env: Readonly<Record<string, string | undefined>> = process.env,
): NativeReaderBuild {
  const prebuilt = env[CTEVENTS_ENV];
  if (prebuilt !== undefined) return prebuiltReader(prebuilt);
  return (built ??= buildReader());
}

/** A ctevents built beforehand: an executable file, or why it cannot run. */
function prebuiltReader(path: string): NativeReaderBuild {
  const named = `${CTEVENTS_ENV}=${path}`;
  if (!path.startsWith('/')) return { error: `${named}: not an absolute path` };
  try {
    if (!statSync(path).isFile()) return { error: `${named}: not a file` };
    accessSync(path, constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      error: `${named}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : String(err)}`,
    };
  }
  return { path };
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
  /**
   * Look-ups of each open entry (ctevents.c's header says why): the first this long after its
   * NEW (ms; 0 = none, the sweep does it all), then up to every `checkMaxMs` while it is open.
   */
  checkFirstMs: number;
  checkMaxMs: number;
  /**
   * The sweep's fastest and slowest pace (ms; 0 = no sweep): see ctevents.c's SWEEP_BURST_MAX.
   * With look-ups on, it runs only after a loss.
   */
  sweepMinMs: number;
  sweepMaxMs: number;
  /** The event socket's receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF). */
  receiveBufferBytes: number;
}

/** ctevents' command line. */
export function nativeReaderArgs(s: NativeReaderSettings): string[] {
  const ms = (n: number) => String(Math.max(0, Math.round(n)));
  return [
    ...['--check-first-ms', ms(s.checkFirstMs), '--check-max-ms', ms(s.checkMaxMs)],
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

/**
 * One line of ctevents (its header comment has the format) as parse.ts's ConntrackLine: `LOST`
 * is the kernel's ENOBUFS, `STATS` the look-ups' counts, an event line a ConntrackEvent equal to what parseConntrackLine makes
 * of `conntrack -E`'s line for the same event; anything else (READY) is `other`. Read with a
 * cursor, not split(): at tens of thousands of lines a second, its garbage is the reader's cost.
 */
export function parseNativeConntrackLine(line: string): ConntrackLine {
  if (line === 'LOST') return LOST;
  if (line.startsWith('STATS ')) {
    const c = new Cursor(line, 6);
    const sent = c.int();
    const gone = c.int();
    return c.ended() ? { kind: 'lookups', sent, gone } : OTHER;
  }
  const kind = line.charCodeAt(0);
  if ((kind !== N && kind !== D) || line.charCodeAt(1) !== SPACE) return OTHER;
  const c = new Cursor(line, 2);
  const stamp = c.word();
  const id = c.int();
  const proto = c.word();
  const osrc = c.word();
  const odst = c.word();
  const osport = c.int();
  const odport = c.int();
  const rsrc = c.word();
  const rdst = c.word();
  const rsport = c.int();
  const rdport = c.int();
  const bits = c.int();
  const state = c.word();
  const timeout = c.optInt();
  const opkts = c.optInt();
  const obytes = c.optInt();
  const rpkts = c.optInt();
  const rbytes = c.optInt();
  const portid = c.word();
  if (!c.ended() || (proto !== 'tcp' && proto !== 'udp')) return OTHER;
  const event: ConntrackEvent = {
    type: kind === N ? 'NEW' : 'DESTROY',
    at: stampMs(stamp),
    id,
    protocol: proto === 'tcp' ? 'TCP' : 'UDP',
    orig: tuple(osrc, odst, osport, odport, opkts, obytes),
    reply: tuple(rsrc, rdst, rsport, rdport, rpkts, rbytes),
    assured: (bits & IPS_ASSURED) !== 0,
    unreplied: (bits & IPS_SEEN_REPLY) === 0,
    byUserspace: portid !== '0',
  };
  // Absent, not undefined, when the kernel did not send them: as parse.ts leaves them.
  if (state !== '-') event.state = state;
  if (timeout !== undefined) event.timeout = timeout;
  return { kind: 'event', event };
}

const N = 0x4e;
const D = 0x44;
const SPACE = 0x20;
const DIGIT0 = 0x30;
const DASH = 0x2d;

/**
 * Space-separated words of one line, in order. A word that is missing or malformed (an empty
 * one, a number with something else in it) makes the line bad: ended() then says false.
 */
class Cursor {
  #bad = false;
  constructor(
    readonly line: string,
    public at: number,
  ) {}

  /** The next word ('' and bad at the end of the line). */
  word(): string {
    const { line, at } = this;
    if (at > line.length) {
      this.#bad = true;
      return '';
    }
    let end = line.indexOf(' ', at);
    if (end < 0) end = line.length;
    if (end === at) this.#bad = true;
    this.at = end + 1;
    return line.slice(at, end);
  }

  /** The next word as a decimal number (no sign, no string made). */
  int(): number {
    const { line } = this;
    let i = this.at;
    let n = 0;
    for (let ch = line.charCodeAt(i); ch >= DIGIT0 && ch <= DIGIT0 + 9; ch = line.charCodeAt(++i))
      n = n * 10 + (ch - DIGIT0);
    if (i === this.at || (i < line.length && line.charCodeAt(i) !== SPACE)) this.#bad = true;
    this.at = i + 1;
    return n;
  }

  /** The next word as a number, or undefined for `-` (the kernel did not send it). */
  optInt(): number | undefined {
    const { line, at } = this;
    const next = line.charCodeAt(at + 1);
    if (line.charCodeAt(at) === DASH && (next === SPACE || Number.isNaN(next))) {
      this.at = at + 2;
      return undefined;
    }
    return this.int();
  }

  /** Every word read, none bad, nothing left. */
  ended(): boolean {
    return !this.#bad && this.at === this.line.length + 1;
  }
}

/** `seconds.micros` as ms since the epoch, truncated as parse.ts does. */
function stampMs(stamp: string): number {
  const dot = stamp.indexOf('.');
  return Number(stamp.slice(0, dot)) * 1000 + Math.floor(Number(stamp.slice(dot + 1)) / 1000);
}

function tuple(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  packets: number | undefined,
  bytes: number | undefined,
): ConntrackTuple {
  const t: ConntrackTuple = { src, dst, sport, dport };
  if (packets !== undefined) {
    t.packets = packets;
    t.bytes = bytes ?? 0;
  }
  return t;
}
