import { describe, expect, it } from 'vitest';
import type { TrafficStatus } from '@l4lab/protocol';
import { createAppStore } from './createAppStore.ts';

function generator(id: string, state: TrafficStatus['state']): TrafficStatus {
  return {
    id,
    target: 'web.default.svc.cluster.local:80',
    resolved: '127.100.0.10:80',
    from: 'external',
    protocol: 'http',
    rate: 20,
    state,
    startedAt: 0,
    sent: 0,
    ok: 0,
    errors: 0,
    byPod: {},
    latencyMs: { p50: 0, p90: 0, p99: 0 },
  };
}

describe('traffic_status', () => {
  it("is the server's whole list: a generator it forgot leaves the page", () => {
    const store = createAppStore(() => 0);
    const { applyServerMessage } = store.getState();
    applyServerMessage({
      type: 'traffic_status',
      generators: [generator('gen-1', 'stopped'), generator('gen-2', 'running')],
    });
    applyServerMessage({ type: 'traffic_status', generators: [generator('gen-2', 'running')] });
    expect([...store.getState().generators.keys()]).toEqual(['gen-2']);
  });
});
