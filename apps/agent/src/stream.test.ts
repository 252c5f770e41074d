// The /events stream's framing and its per-client queue cap, over fake sinks (a response whose
// buffered bytes the test sets). Addresses: documentation data only (10.x as values).
import { AgentStreamDecoder, type AgentHello, type AgentMessage } from '@l4lab/agent';
import type { ConntrackEvent } from '@l4lab/dataplane';
import { describe, expect, it } from 'vitest';
import { EventStream, type StreamSink } from './stream.ts';

const HELLO: AgentHello = {
  type: 'hello',
  version: 1,
  node: 'node-1',
  agentVersion: '0.1.0',
  kubeProxyMode: 'nftables',
  conntrack: { acct: true, timeWaitSeconds: 120, closeSeconds: 10 },
  reader: 'native',
};

function event(id: number): ConntrackEvent {
  return {
    type: 'NEW',
    at: 1_000_000 + id,
    id,
    protocol: 'TCP',
    state: 'SYN_SENT',
    timeout: 120,
    orig: { src: '10.244.1.50', dst: '10.96.0.20', sport: 40000 + id, dport: 80 },
    reply: { src: '10.244.2.12', dst: '10.244.1.50', sport: 8080, dport: 40000 + id },
    assured: false,
    unreplied: true,
    byUserspace: false,
  };
}

/** A response: what was written, and a back-log the test sets (its writableLength). */
class FakeSink implements StreamSink {
  text = '';
  writableLength = 0;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  messages(): AgentMessage[] {
    const out: AgentMessage[] = [];
    const d = new AgentStreamDecoder(
      (m) => out.push(m),
      (e) => {
        throw new Error(e);
      },
    );
    d.write(this.text);
    return out;
  }
}

describe('EventStream', () => {
  it('frames one JSON object per line: hello first, then what came after the client did', () => {
    const s = new EventStream();
    s.event(event(1)); // nobody listening: counted, sent to no one
    const a = new FakeSink();
    s.add(a, HELLO);
    s.event(event(2));
    const b = new FakeSink();
    s.add(b, HELLO);
    s.event(event(3));
    s.loss('enobufs');
    s.mode({ kubeProxyMode: 'ipvs' });
    s.stats();
    expect(a.text.endsWith('\n')).toBe(true);
    expect(
      a.text
        .split('\n')
        .slice(0, -1)
        .every((l) => JSON.parse(l)),
    ).toBe(true);
    expect(a.messages()).toEqual([
      HELLO,
      { type: 'conntrack', event: event(2) },
      { type: 'conntrack', event: event(3) },
      { type: 'lost', count: 1, cause: 'enobufs' },
      { type: 'mode', kubeProxyMode: 'ipvs' },
      { type: 'stats', events: 3, lost: 1, clients: 2, dropped: 0 },
    ]);
    expect(b.messages().map((m) => m.type)).toEqual([
      'hello',
      'conntrack',
      'lost',
      'mode',
      'stats',
    ]);
  });

  it("drops a slow client's events beyond the cap and says how many once it has room", () => {
    const s = new EventStream(1000);
    const slow = new FakeSink();
    const fast = new FakeSink();
    const client = s.add(slow, HELLO);
    s.add(fast, HELLO);
    s.event(event(1));
    slow.writableLength = 1000; // its socket stopped taking data: the queue is at the cap
    const before = slow.text.length;
    for (let i = 2; i <= 101; i++) s.event(event(i));
    s.loss('enobufs');
    s.mode({ kubeProxyMode: 'unknown', kubeProxyModeReason: 'x' });
    s.mode({ kubeProxyMode: 'iptables' });
    s.stats();
    // Nothing more was queued for it: memory stays bounded whatever the event rate.
    expect(slow.text.length).toBe(before);
    expect(client.dropped).toBe(100);

    slow.writableLength = 0; // 'drain'
    client.flush();
    s.event(event(102));
    s.stats();
    expect(slow.messages().slice(2)).toEqual([
      { type: 'mode', kubeProxyMode: 'iptables' },
      { type: 'lost', count: 100, cause: 'slow_client' },
      { type: 'lost', count: 1, cause: 'enobufs' },
      { type: 'conntrack', event: event(102) },
      { type: 'stats', events: 102, lost: 1, clients: 2, dropped: 100 },
    ]);
    // The other client lost nothing.
    const got = fast.messages();
    expect(got.filter((m) => m.type === 'conntrack')).toHaveLength(102);
    expect(got.filter((m) => m.type === 'lost')).toEqual([
      { type: 'lost', count: 1, cause: 'enobufs' },
    ]);
  });

  it('forgets a client that left', () => {
    const s = new EventStream();
    const a = new FakeSink();
    const c = s.add(a, HELLO);
    expect(s.clients).toBe(1);
    s.remove(c);
    s.event(event(1));
    expect(s.clients).toBe(0);
    expect(a.messages()).toEqual([HELLO]);
  });
});
