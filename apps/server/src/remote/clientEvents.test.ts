// Addresses (data only): node 10.0.0.11, this machine 192.168.1.20.
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@l4lab/protocol';
import type { ClientConnection, ReachableFrontend } from '@l4lab/traffic';
import { CLIENT_SIDE_REASON, ClientSideEvents } from './clientEvents.ts';

const frontend: ReachableFrontend = {
  kind: 'NodePort',
  ip: '10.0.0.11',
  port: 30080,
  protocol: 'TCP',
  node: 'node-a',
  service: { namespace: 'shop', name: 'web', port: 'http' },
};

function conn(id: string, outcome: ClientConnection['outcome'], port = 40000): ClientConnection {
  return {
    id,
    protocol: 'TCP',
    local: { ip: '192.168.1.20', port },
    remote: { ip: '10.0.0.11', port: 30080 },
    startedAt: 1000,
    ...(outcome === 'open' ? {} : { endedAt: 1250 }),
    bytesIn: outcome === 'open' ? 0 : 612,
    bytesOut: outcome === 'open' ? 0 : 78,
    outcome,
  };
}

function setup() {
  const out: ConnectionEvent[] = [];
  const agents = { connected: false, nodes: new Set<string>() };
  const events = new ClientSideEvents(
    (e) => out.push(e),
    (node) => agents.connected && (node === undefined || agents.nodes.has(node)),
  );
  return { out, agents, events };
}

describe('client-side events of the generator in remote mode', () => {
  it('open, then ended with bytes, duration and outcome; the frontend and Service; no endpoint', () => {
    const { out, events } = setup();
    events.connection(conn('c1', 'open'), frontend);
    events.connection(conn('c1', 'ok'), frontend);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ id: 'c1', outcome: 'open', reason: CLIENT_SIDE_REASON });
    expect(out[1]).toEqual({
      id: 'c1',
      startedAt: 1000,
      endedAt: 1250,
      protocol: 'TCP',
      client: { ip: '192.168.1.20', port: 40000 },
      frontend: { kind: 'NodePort', ip: '10.0.0.11', port: 30080, node: 'node-a' },
      service: { namespace: 'shop', name: 'web', port: 'http' },
      mode: 'unknown',
      reason: 'client-side: sent by l4lab; which endpoint answered needs the l4lab agent',
      bytesIn: 612,
      bytesOut: 78,
      durationMs: 250,
      outcome: 'ok',
    });
  });

  it('a refusal without an open is one event', () => {
    const { out, events } = setup();
    events.connection(conn('c2', 'refused', 0), frontend);
    expect(out.map((e) => e.outcome)).toEqual(['refused']);
  });

  it("none while an agent is connected (its events carry the connection); a connection keeps its start's decision", () => {
    const { out, agents, events } = setup();
    events.connection(conn('before', 'open'), frontend);
    agents.connected = true;
    agents.nodes.add('node-a');
    events.connection(conn('during', 'open'), frontend);
    events.connection(conn('refused', 'refused', 0), frontend);
    events.connection(conn('before', 'ok'), frontend);
    agents.connected = false;
    events.connection(conn('during', 'ok'), frontend);
    expect(out.map((e) => `${e.id} ${e.outcome}`)).toEqual(['before open', 'before ok']);
  });

  it("a NodePort on a node without a connected agent: client-side still (no agent's conntrack sees it)", () => {
    const { out, agents, events } = setup();
    agents.connected = true;
    agents.nodes.add('node-b');
    events.connection(conn('c3', 'open'), frontend);
    events.connection(conn('c3', 'ok'), frontend);
    expect(out.map((e) => e.outcome)).toEqual(['open', 'ok']);
  });
});
