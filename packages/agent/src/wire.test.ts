// The agent's stream as the server reads it: every message round-trips, anything else is named
// and skipped, lines split across chunks are put back together. Addresses as in testCluster.ts.
import { describe, expect, it } from 'vitest';
import { ctDestroy, ctNew, type Flow } from './join/testCluster.ts';
import {
  AGENT_MAX_LINE_BYTES,
  AgentStreamDecoder,
  encodeAgentMessage,
  nodeProxyModeOf,
  parseAgentLine,
  type AgentMessage,
} from './wire.ts';

const flow: Flow = {
  id: 7,
  at: 1_000_000,
  client: ['10.244.1.50', 40000],
  frontend: ['10.96.0.20', 80],
  endpoint: ['10.244.2.12', 8080],
};

const MESSAGES: AgentMessage[] = [
  {
    type: 'hello',
    version: 1,
    node: 'node-1',
    agentVersion: '0.1.0',
    kubeProxyMode: 'unknown',
    kubeProxyModeReason: 'kube-proxy did not answer on http://127.0.0.1:10249/proxyMode',
    conntrack: { acct: false, timeWaitSeconds: 120, closeSeconds: 10 },
    reader: 'native',
  },
  { type: 'conntrack', event: ctNew(flow) },
  { type: 'conntrack', event: ctDestroy(flow) },
  { type: 'lost', count: 3, cause: 'slow_client' },
  { type: 'stats', events: 2, lost: 0, clients: 1, dropped: 3 },
  { type: 'mode', kubeProxyMode: 'nftables' },
];

function decodeAll(text: string, chunk: number) {
  const messages: AgentMessage[] = [];
  const errors: string[] = [];
  const d = new AgentStreamDecoder(
    (m) => messages.push(m),
    (e) => errors.push(e),
  );
  for (let i = 0; i < text.length; i += chunk) d.write(text.slice(i, i + chunk));
  return { messages, errors };
}

describe('the agent wire', () => {
  it('round-trips every message, whatever the chunks', () => {
    const text = MESSAGES.map(encodeAgentMessage).join('');
    expect(text.split('\n')).toHaveLength(MESSAGES.length + 1);
    for (const chunk of [1, 7, 100, text.length])
      expect(decodeAll(text, chunk)).toEqual({ messages: MESSAGES, errors: [] });
  });

  it('names what it refuses and goes on', () => {
    const lines = [
      'not json',
      '[1]',
      '{"type":"hello","version":2,"node":"n","agentVersion":"1","kubeProxyMode":"ipvs","conntrack":{"acct":true,"timeWaitSeconds":1,"closeSeconds":1},"reader":"native"}',
      '{"type":"mode","kubeProxyMode":"userspace"}',
      '{"type":"lost","count":-1,"cause":"enobufs"}',
      JSON.stringify({ type: 'conntrack', event: { ...ctNew(flow), orig: { src: '10.0.0.1' } } }),
      '{"type":"gossip"}',
      encodeAgentMessage({ type: 'lost', count: 1, cause: 'enobufs' }).trim(),
    ];
    const { messages, errors } = decodeAll(`${lines.join('\n')}\n`, 13);
    expect(parseAgentLine(lines[2]!)).toEqual({ ok: false, error: errors[2] });
    expect(messages).toEqual([{ type: 'lost', count: 1, cause: 'enobufs' }]);
    expect(errors).toEqual([
      'not JSON: not json',
      'not a JSON object',
      'hello: wire version 2, this server reads 1',
      'mode',
      'lost: count and cause',
      'conntrack: event',
      'unknown message type "gossip"',
    ]);
  });

  it('drops a line over the cap without holding it', () => {
    const huge = `{"type":"x","pad":"${'a'.repeat(AGENT_MAX_LINE_BYTES)}"}\n`;
    const ok = encodeAgentMessage({ type: 'mode', kubeProxyMode: 'iptables' });
    for (const chunk of [4096, huge.length + ok.length]) {
      const { messages, errors } = decodeAll(huge + ok, chunk);
      expect(messages).toEqual([{ type: 'mode', kubeProxyMode: 'iptables' }]);
      expect(errors).toEqual([`a line over ${AGENT_MAX_LINE_BYTES} bytes: dropped`]);
    }
  });

  it("reads kube-proxy's mode as the join does", () => {
    expect(nodeProxyModeOf({ kubeProxyMode: 'nftables' })).toEqual({ kind: 'nftables' });
    expect(nodeProxyModeOf({ kubeProxyMode: 'ipvs' }, 'lc')).toEqual({
      kind: 'ipvs',
      scheduler: 'lc',
    });
    expect(nodeProxyModeOf({ kubeProxyMode: 'unknown' })).toEqual({ kind: 'unknown' });
  });
});
