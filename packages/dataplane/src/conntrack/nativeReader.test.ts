// ctevents' lines against `conntrack -E`'s for the same events: both readers ran side by side in a
// namespace of their own (Linux 6.18, conntrack-tools 1.4.7, nf_conntrack_acct=1, TIME_WAIT and
// CLOSE timeouts 1 s). Addresses: a ClusterIP 127.96.0.10:80 DNATed to 127.0.0.2:8080, clients
// 127.0.0.5, a UDP server 127.0.0.3:5353, nobody on 127.0.0.2:9.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CTEVENTS_ENV,
  NATIVE_READY,
  nativeConntrackReader,
  nativeReaderArgs,
  parseNativeConntrackLine,
} from './nativeReader.ts';
import { parseConntrackLine, type ConntrackEvent } from './parse.ts';

/** [ctevents, conntrack -E] for one event each. */
const PAIRS: Record<string, [string, string]> = {
  tcpNew: [
    'N 1796464353.923393 3094848081 tcp 127.0.0.5 127.96.0.10 35945 80 127.0.0.2 127.0.0.5 8080 35945 424 SYN_SENT 120 - - - - 0',
    '[1796464353.923333]\t    [NEW] tcp      6 120 SYN_SENT src=127.0.0.5 dst=127.96.0.10 sport=35945 dport=80 [UNREPLIED] src=127.0.0.2 dst=127.0.0.5 sport=8080 dport=35945 id=3094848081',
  ],
  udpNew: [
    'N 1796464373.261676 4152077144 udp 127.0.0.5 127.0.0.3 40002 5353 127.0.0.3 127.0.0.5 5353 40002 392 - 30 - - - - 0',
    '[1796464373.261693]\t    [NEW] udp      17 30 src=127.0.0.5 dst=127.0.0.3 sport=40002 dport=5353 [UNREPLIED] src=127.0.0.3 dst=127.0.0.5 sport=5353 dport=40002 id=4152077144',
  ],
  tcpDestroyTimeWait: [
    'D 1796464355.022161 453576723 tcp 127.0.0.5 127.96.0.10 45817 80 127.0.0.2 127.0.0.5 8080 45817 942 TIME_WAIT - 5 273 5 274 0',
    '[1796464355.014681]\t[DESTROY] tcp      6 TIME_WAIT src=127.0.0.5 dst=127.96.0.10 sport=45817 dport=80 packets=5 bytes=273 src=127.0.0.2 dst=127.0.0.5 sport=8080 dport=45817 packets=5 bytes=274 [ASSURED] id=453576723',
  ],
  tcpDestroyRefused: [
    'D 1796464373.261473 908177830 tcp 127.0.0.5 127.0.0.2 40001 9 127.0.0.2 127.0.0.5 9 40001 904 CLOSE 120 1 60 1 40 0',
    '[1796464373.261568]\t[DESTROY] tcp      6 120 CLOSE src=127.0.0.5 dst=127.0.0.2 sport=40001 dport=9 packets=1 bytes=60 [UNREPLIED] src=127.0.0.2 dst=127.0.0.5 sport=9 dport=40001 packets=1 bytes=40 id=908177830',
  ],
  tcpDestroyDeleted: [
    'D 1796464373.480449 3449801826 tcp 127.0.0.5 127.0.0.2 40003 8081 127.0.0.2 127.0.0.5 8081 40003 910 ESTABLISHED 431999 3 165 2 112 3961419802',
    '[1796464373.480451]\t[DESTROY] tcp      6 431999 ESTABLISHED src=127.0.0.5 dst=127.0.0.2 sport=40003 dport=8081 packets=3 bytes=165 src=127.0.0.2 dst=127.0.0.5 sport=8081 dport=40003 packets=2 bytes=112 [ASSURED] id=3449801826 [USERSPACE] portid=3961419802',
  ],
  udpDestroyDeleted: [
    'D 1796464373.495116 4152077144 udp 127.0.0.5 127.0.0.3 40002 5353 127.0.0.3 127.0.0.5 5353 40002 906 - 29 1 32 1 33 2648858067',
    '[1796464373.495169]\t[DESTROY] udp      17 29 src=127.0.0.5 dst=127.0.0.3 sport=40002 dport=5353 packets=1 bytes=32 src=127.0.0.3 dst=127.0.0.5 sport=5353 dport=40002 packets=1 bytes=33 id=4152077144 [USERSPACE] portid=2648858067',
  ],
};

function event(parsed: ReturnType<typeof parseNativeConntrackLine>): ConntrackEvent {
  if (parsed.kind !== 'event') throw new Error(`not an event: ${parsed.kind}`);
  return parsed.event;
}

describe('parseNativeConntrackLine', () => {
  for (const [name, [native, cli]] of Object.entries(PAIRS)) {
    it(`reads ${name} as parse.ts reads conntrack -E's line (but for the time read)`, () => {
      const fromNative = event(parseNativeConntrackLine(native));
      const { at: _, ...fromCli } = event(parseConntrackLine(cli));
      expect(fromNative).toEqual({ ...fromCli, at: fromNative.at });
    });
  }

  it('reads the time as ms since the epoch, truncated', () => {
    expect(event(parseNativeConntrackLine(PAIRS.tcpNew![0])).at).toBe(1796464353923);
    const early = PAIRS.tcpNew![0].replace('.923393', '.000999');
    expect(event(parseNativeConntrackLine(early)).at).toBe(1796464353000);
  });

  it('leaves out what the kernel did not send: no state, timeout or counters', () => {
    const e = event(parseNativeConntrackLine(PAIRS.udpNew![0]));
    expect(e).not.toHaveProperty('state');
    expect(e.orig).toEqual({ src: '127.0.0.5', dst: '127.0.0.3', sport: 40002, dport: 5353 });
    const expired = event(parseNativeConntrackLine(PAIRS.tcpDestroyTimeWait![0]));
    expect(expired).not.toHaveProperty('timeout');
    expect(expired).toMatchObject({ type: 'DESTROY', state: 'TIME_WAIT', assured: true });
  });

  it('reads the status bits: ASSURED, and UNREPLIED when no reply was seen', () => {
    const line = (status: number) =>
      PAIRS.tcpNew![0].replace(' 424 SYN_SENT', ` ${status} SYN_SENT`);
    expect(event(parseNativeConntrackLine(line(0)))).toMatchObject({
      assured: false,
      unreplied: true,
    });
    expect(event(parseNativeConntrackLine(line(2 | 4)))).toMatchObject({
      assured: true,
      unreplied: false,
    });
  });

  it("reads the look-ups' counts", () => {
    expect(parseNativeConntrackLine('STATS 2400 2351')).toEqual({
      kind: 'lookups',
      sent: 2400,
      gone: 2351,
    });
    for (const bad of ['STATS 1', 'STATS 1 2 3', 'STATS a 2', 'STATS '])
      expect(parseNativeConntrackLine(bad), bad).toEqual({ kind: 'other' });
  });

  it('reads LOST as a loss, and READY or a broken line as nothing', () => {
    expect(parseNativeConntrackLine('LOST')).toEqual({ kind: 'lost' });
    expect(parseNativeConntrackLine(NATIVE_READY)).toEqual({ kind: 'other' });
    expect(parseNativeConntrackLine('')).toEqual({ kind: 'other' });
    expect(parseNativeConntrackLine(PAIRS.tcpNew![0].slice(0, 40))).toEqual({ kind: 'other' });
    expect(parseNativeConntrackLine(`X${PAIRS.tcpNew![0].slice(1)}`)).toEqual({ kind: 'other' });
    const good = PAIRS.tcpDestroyTimeWait![0];
    for (const bad of [
      `${good} 7`, // a field too many
      good.slice(0, good.lastIndexOf(' ')), // one too few
      good.replace(' 45817 80 ', ' 45817 8x0 '), // a port that is not a number
      good.replace(' 5 273 ', ' 5  273 '), // an empty word
      good.replace(' tcp ', ' icmp '),
      `${good} `,
    ])
      expect(parseNativeConntrackLine(bad), bad).toEqual({ kind: 'other' });
  });
});

describe('nativeReaderArgs', () => {
  it('passes the look-ups, the sweep (0 = off, never negative) and the receive buffer', () => {
    const args = nativeReaderArgs({
      checkFirstMs: 1050,
      checkMaxMs: 500,
      sweepMinMs: 50,
      sweepMaxMs: 250,
      receiveBufferBytes: 32 << 20,
    });
    expect(args).toEqual([
      ...['--check-first-ms', '1050', '--check-max-ms', '500'],
      ...['--sweep-ms', '50', '--sweep-max-ms', '250', '--rcvbuf', '33554432'],
    ]);
    const off = nativeReaderArgs({
      checkFirstMs: -1,
      checkMaxMs: 0,
      sweepMinMs: -5,
      sweepMaxMs: 0,
      receiveBufferBytes: 1024,
    });
    expect(off).toEqual([
      ...['--check-first-ms', '0', '--check-max-ms', '0'],
      ...['--sweep-ms', '0', '--sweep-max-ms', '0', '--rcvbuf', '1024'],
    ]);
  });
});

describe('nativeConntrackReader with env L4LAB_CTEVENTS (a prebuilt ctevents)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'l4lab-ctevents-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, mode: number) => {
    const path = join(dir, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };

  it('uses the named program as is: no compile, no path of its own', () => {
    const path = file('ctevents', 0o755);
    expect(CTEVENTS_ENV).toBe('L4LAB_CTEVENTS');
    expect(nativeConntrackReader({ L4LAB_CTEVENTS: path })).toEqual({ path });
  });

  it('says why the named program cannot run, and never compiles one instead', () => {
    const plain = file('plain', 0o644);
    expect(nativeConntrackReader({ L4LAB_CTEVENTS: join(dir, 'missing') })).toEqual({
      error: `L4LAB_CTEVENTS=${join(dir, 'missing')}: no such file`,
    });
    // As root, X_OK passes when any execute bit is set: none is here, for root too.
    expect(nativeConntrackReader({ L4LAB_CTEVENTS: plain })).toEqual({
      error: `L4LAB_CTEVENTS=${plain}: not executable`,
    });
    expect(nativeConntrackReader({ L4LAB_CTEVENTS: dir })).toEqual({
      error: `L4LAB_CTEVENTS=${dir}: not a file`,
    });
    expect(nativeConntrackReader({ L4LAB_CTEVENTS: 'ctevents' })).toEqual({
      error: 'L4LAB_CTEVENTS=ctevents: not an absolute path',
    });
  });
});
