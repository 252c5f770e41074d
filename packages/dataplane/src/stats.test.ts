import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@l4lab/protocol';
import { ConnectionStats } from './stats.ts';

function event(outcome: ConnectionEvent['outcome'], pod?: string, bytes = 0): ConnectionEvent {
  return {
    id: 'x',
    startedAt: 0,
    protocol: 'TCP',
    client: { ip: '127.30.0.1', port: 5000 },
    frontend: { kind: 'ClusterIP', ip: '127.96.0.20', port: 80 },
    service: { namespace: 'default', name: 'web', port: 80 },
    ...(pod
      ? { endpoint: { pod, namespace: 'default', ip: '127.244.1.2', port: 80, node: 'node-1' } }
      : {}),
    mode: 'iptables',
    reason: 'random 1 of 1',
    bytesIn: bytes,
    bytesOut: bytes * 10,
    outcome,
  };
}

describe('ConnectionStats', () => {
  it('counts connections, active ones, bytes and refusals per service port and endpoint', () => {
    const s = new ConnectionStats();
    s.record(event('open', 'a'));
    s.record(event('open', 'a'));
    s.record(event('ok', 'a', 7));
    s.record(event('refused'));
    expect(s.snapshot()).toEqual([
      {
        service: 'default/web:80',
        endpoint: '',
        connections: 0,
        active: 0,
        bytesIn: 0,
        bytesOut: 0,
        refused: 1,
        dropped: 0,
        reset: 0,
      },
      {
        service: 'default/web:80',
        endpoint: 'default/a',
        connections: 2,
        active: 1,
        bytesIn: 7,
        bytesOut: 70,
        refused: 0,
        dropped: 0,
        reset: 0,
      },
    ]);
  });

  it('counts resets and ends their activity', () => {
    const s = new ConnectionStats();
    s.record(event('open', 'a'));
    s.record(event('reset', 'a'));
    expect(s.snapshot()[0]).toMatchObject({ connections: 1, active: 0, reset: 1 });
  });
});

describe('ConnectionStats without an endpoint', () => {
  it("ends a client-side connection's activity (remote mode: no agent saw the endpoint)", () => {
    const s = new ConnectionStats();
    s.record(event('open'));
    s.record(event('open'));
    s.record(event('ok', undefined, 3));
    expect(s.snapshot()[0]).toMatchObject({ endpoint: '', connections: 2, active: 1, bytesIn: 3 });
    s.record(event('timeout'));
    s.record(event('ok'));
    expect(s.snapshot()[0]).toMatchObject({ active: 0 });
  });
});

describe('ConnectionStats.takeChanged', () => {
  it('returns only the rows changed since the last call', () => {
    const s = new ConnectionStats();
    s.record(event('open', 'a'));
    s.record(event('open', 'b'));
    expect(s.takeChanged().map((r) => r.endpoint)).toEqual(['default/a', 'default/b']);
    expect(s.takeChanged()).toEqual([]);
    s.record(event('ok', 'b', 3));
    expect(s.takeChanged()).toEqual([
      expect.objectContaining({ endpoint: 'default/b', bytesIn: 3 }),
    ]);
    expect(s.snapshot()).toHaveLength(2);
  });
});
