// Real `nft monitor trace` lines (testSamples.ts), one verdict per refused or dropped connection.
import { describe, expect, it } from 'vitest';
import { TRACE_SAMPLES } from './testSamples.ts';
import { parseTraceLine, TraceReader, type TraceVerdict } from './trace.ts';

function read(lines: readonly string[], times: number[], windowMs?: number): TraceVerdict[] {
  const out: TraceVerdict[] = [];
  const reader = new TraceReader((v) => out.push(v), windowMs ? { windowMs } : {});
  lines.forEach((l, i) => reader.line(l, times[i] ?? times[times.length - 1]!));
  return out;
}

describe('parseTraceLine', () => {
  it("reads a rejected TCP SYN from the chain's packet line", () => {
    expect(parseTraceLine(TRACE_SAMPLES.rejectTcp[0], 5)).toEqual({
      verdict: 'reject',
      chain: 'reject-no-endpoints',
      protocol: 'TCP',
      src: '127.244.1.5',
      sport: 43023,
      dst: '127.96.0.11',
      dport: 80,
      at: 5,
    });
  });

  it('reads drops and UDP', () => {
    expect(parseTraceLine(TRACE_SAMPLES.dropTcp[0], 0)).toMatchObject({
      verdict: 'drop',
      dst: '127.96.0.12',
    });
    expect(parseTraceLine(TRACE_SAMPLES.rejectUdp[0], 0)).toMatchObject({
      verdict: 'reject',
      protocol: 'UDP',
      sport: 54235,
      dport: 53,
    });
  });

  it('reads a loadBalancerSourceRanges drop as a drop of its own chain', () => {
    const line = TRACE_SAMPLES.dropTcp[0].replace('drop-no-endpoints', 'drop-source-ranges');
    expect(parseTraceLine(line, 0)).toMatchObject({ verdict: 'drop', chain: 'drop-source-ranges' });
  });

  it('passes over rule lines, other chains and other tables', () => {
    expect(parseTraceLine(TRACE_SAMPLES.rejectTcp[1], 0)).toBeUndefined();
    expect(parseTraceLine(TRACE_SAMPLES.rejectTcp[2], 0)).toBeUndefined();
    const other = TRACE_SAMPLES.rejectTcp[0];
    expect(parseTraceLine(other.replace('reject-no-endpoints', 'services'), 0)).toBeUndefined();
    expect(parseTraceLine(other.replace('ip kube-proxy', 'ip filter'), 0)).toBeUndefined();
    expect(parseTraceLine(other.replace('ip kube-proxy', 'inet kube-proxy'), 0)).toBeUndefined();
  });
});

describe('TraceReader', () => {
  it('makes one verdict of a dropped SYN and its retransmits (1 s and 2 s later)', () => {
    const out = read(TRACE_SAMPLES.dropTcp, [0, 0, 0, 1000, 1000, 1000, 3000]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ verdict: 'drop', sport: 37555, at: 0 });
  });

  it('makes one verdict of the datagrams of one refused UDP flow', () => {
    expect(read(TRACE_SAMPLES.rejectUdp, [0, 0, 200])).toHaveLength(1);
  });

  it('counts the window from the last packet, and a new verdict after a quiet window', () => {
    const line = TRACE_SAMPLES.dropTcp[0];
    // Gaps of 1, 2, 4, 8 s (the kernel's SYN back-off) stay one connection in a 5 s window...
    expect(read([line, line, line, line, line], [0, 1000, 3000, 7000, 15_000], 5000)).toHaveLength(
      2,
    );
    // ... and in the default window they all do.
    expect(read([line, line, line, line, line], [0, 1000, 3000, 7000, 15_000])).toHaveLength(1);
  });

  it('tells connections apart by their 4-tuple', () => {
    const a = TRACE_SAMPLES.dropTcp[0];
    const b = a.replace('sport 37555', 'sport 37556');
    expect(read([a, b, a], [0, 1, 2])).toHaveLength(2);
  });

  it('makes a verdict of every refused TCP SYN, a 4-tuple seen a moment ago included', () => {
    // The client got its refusal and closed the socket; a new one that binds its address gets a
    // random port, now and then the same (seen: 20 refusals reported of 21).
    const a = TRACE_SAMPLES.rejectTcp[0];
    expect(read([a, a, a], [0, 1, 2])).toHaveLength(3);
  });

  it('remembers at most maxTuples connections', () => {
    const out: TraceVerdict[] = [];
    const reader = new TraceReader((v) => out.push(v), { maxTuples: 2 });
    const at = (port: number) => TRACE_SAMPLES.dropTcp[0].replace('37555', String(port));
    for (const p of [1, 2, 3, 1]) reader.line(at(p), 0); // 1 was forgotten to make room for 3
    expect(out.map((v) => v.sport)).toEqual([1, 2, 3, 1]);
    expect(reader.packets).toBe(4);
  });
});

describe('parseTraceLine: the NetworkPolicy table', () => {
  it("reads its egress-denied and ingress-denied chains' packets as drops, and no other chain of it", () => {
    const line =
      'trace id 1a2b3c4d ip l4lab-network-policies egress-denied packet: oif "lo" ip saddr 127.244.1.50 ip daddr 127.244.2.13 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 1 ip length 60 tcp sport 40000 tcp dport 8080 tcp flags == syn tcp window 65495';
    expect(parseTraceLine(line, 7)).toEqual({
      verdict: 'drop',
      chain: 'egress-denied',
      protocol: 'TCP',
      src: '127.244.1.50',
      sport: 40000,
      dst: '127.244.2.13',
      dport: 8080,
      at: 7,
    });
    expect(parseTraceLine(line.replace('egress-denied', 'ingress-denied'), 7)?.chain).toBe(
      'ingress-denied',
    );
    expect(parseTraceLine(line.replace('egress-denied', 'egress'), 7)).toBeUndefined();
  });
});
