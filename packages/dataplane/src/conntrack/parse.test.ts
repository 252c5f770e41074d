// Real lines (testSamples.ts says where they come from) and the shapes around them.
import { describe, expect, it } from 'vitest';
import { ENOBUFS_WARNING, parseConntrackLine, type ConntrackEvent } from './parse.ts';
import { SAMPLES } from './testSamples.ts';

function event(line: string): ConntrackEvent {
  const parsed = parseConntrackLine(line);
  if (parsed.kind !== 'event') throw new Error(`not an event: ${line}`);
  return parsed.event;
}

describe('parseConntrackLine', () => {
  it('reads a TCP NEW: both tuples, the id, the time in ms, UNREPLIED', () => {
    expect(event(SAMPLES.tcpNew)).toEqual({
      type: 'NEW',
      at: 1796460625531,
      id: 1926232689,
      protocol: 'TCP',
      state: 'SYN_SENT',
      timeout: 120,
      orig: { src: '127.244.1.5', dst: '127.96.0.10', sport: 43821, dport: 80 },
      reply: { src: '127.100.0.1', dst: '127.244.1.5', sport: 8080, dport: 43821 },
      assured: false,
      unreplied: true,
      byUserspace: false,
    });
  });

  it('reads an expired DESTROY: no timeout, the state, counters per direction, ASSURED', () => {
    const e = event(SAMPLES.tcpDestroyTimeWait);
    expect(e).toMatchObject({ type: 'DESTROY', id: 1926232689, state: 'TIME_WAIT', assured: true });
    expect(e.timeout).toBeUndefined();
    expect(e.orig).toMatchObject({ packets: 5, bytes: 273 });
    expect(e.reply).toMatchObject({ src: '127.100.0.1', sport: 8080, packets: 5, bytes: 274 });
  });

  it('reads a killed DESTROY (RST to the SYN): timeout kept, UNREPLIED with one reply packet', () => {
    const e = event(SAMPLES.tcpDestroyRefused);
    expect(e).toMatchObject({ state: 'CLOSE', timeout: 120, unreplied: true, assured: false });
    expect(e.reply).toMatchObject({ packets: 1, bytes: 40 });
  });

  it('reads a DESTROY by `conntrack -D` with its trailing [USERSPACE] fields', () => {
    const e = event(SAMPLES.tcpDestroyDeleted);
    expect(e).toMatchObject({ state: 'ESTABLISHED', byUserspace: true, id: 4156134088 });
    expect(e.reply.dport).toBe(40103);
  });

  it('reads UDP, which has no state and, when expired, no timeout', () => {
    expect(event(SAMPLES.udpNew)).toMatchObject({ protocol: 'UDP', timeout: 30, state: undefined });
    const d = event(SAMPLES.udpDestroyUnreplied);
    expect(d).toMatchObject({ protocol: 'UDP', timeout: undefined, unreplied: true });
    expect(d.reply).toMatchObject({ packets: 0, bytes: 0 });
  });

  it('takes the receive time when the line has no timestamp', () => {
    const line = SAMPLES.udpNew.replace(/^\[[^\]]+\]/, '');
    expect(event(line).at).toBe(0);
    const parsed = parseConntrackLine(line, 1234);
    expect(parsed.kind === 'event' && parsed.event.at).toBe(1234);
  });

  it("recognises conntrack's ENOBUFS warning as lost events", () => {
    expect(parseConntrackLine(`WARNING: ${ENOBUFS_WARNING}`)).toEqual({ kind: 'lost' });
    expect(parseConntrackLine(`conntrack v1.4.7 (conntrack-tools): ${ENOBUFS_WARNING}`).kind).toBe(
      'lost',
    );
  });

  it('passes over other protocols, notices and broken lines', () => {
    for (const line of [
      '[1796460625.1]\t    [NEW] icmp     1 30 src=127.0.0.1 dst=127.0.0.2 type=8 code=0 id=3 [UNREPLIED] src=127.0.0.2 dst=127.0.0.1 type=0 code=0 id=3 id=99',
      'NOTICE: Netlink socket buffer size has been set to 33554432 bytes.',
      'conntrack v1.4.7 (conntrack-tools): 0 flow events have been shown.',
      '[1796460625.531371]\t    [NEW] tcp      6 120 SYN_SENT src=127.244.1.5 dst=127.96.0.10',
      '',
    ])
      expect(parseConntrackLine(line)).toEqual({ kind: 'other' });
  });
});
