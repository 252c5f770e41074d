import { describe, expect, it } from 'vitest';
import type { TrafficStatus } from '@l4lab/protocol';
import { CONNECTION_RATE_WINDOW_MS, connectionRate, keepAliveRequestRate } from './selectors.ts';
import type { RateSample } from './trafficSlice.ts';

/** Samples as frames bring them: every 50 ms from `from` to `to`, `perSecond` new connections/s. */
function frames(from: number, to: number, perSecond: number): RateSample[] {
  const out: RateSample[] = [];
  for (let t = from; t <= to; t += 50) out.push({ t, total: ((t - from) * perSecond) / 1000 });
  return out;
}

describe('connectionRate', () => {
  const samples = frames(10_000, 14_000, 20); // 20 conn/s from 10 s, the last connection at 14 s

  it('is the rate while connections come', () => {
    expect(connectionRate(samples, 14_000)).toBeCloseTo(20, 5);
    // from the sample at 12.6 s (1.5 s before): 28 connections came since, the last at 14 s
    expect(connectionRate(samples, 14_100)).toBeCloseTo((28 * 1000) / 1500, 5);
  });

  it('falls to 0 within 2 s of the last connection, with no new sample', () => {
    expect(CONNECTION_RATE_WINDOW_MS).toBeLessThanOrEqual(2000);
    expect(connectionRate(samples, 14_000 + 1000)).toBeGreaterThan(0);
    expect(connectionRate(samples, 14_000 + CONNECTION_RATE_WINDOW_MS)).toBe(0);
    expect(connectionRate(samples, 14_000 + 2000)).toBe(0);
    expect(connectionRate(samples, 14_000 + 30_000)).toBe(0);
  });

  it('uses the time it has seen when the page has not seen a whole window yet', () => {
    const young = frames(10_000, 10_500, 20);
    expect(connectionRate(young, 10_500)).toBeCloseTo(20, 5);
    expect(connectionRate(young.slice(0, 2), 10_050)).toBe(0); // 50 ms say nothing yet
    expect(connectionRate([], 10_000)).toBe(0);
  });
});

function generator(over: Partial<TrafficStatus>): TrafficStatus {
  return {
    id: 'gen-1',
    target: 'api.default.svc.cluster.local:80',
    resolved: '127.100.0.10:80',
    from: 'external',
    protocol: 'http',
    rate: 50,
    state: 'running',
    startedAt: 0,
    sent: 500,
    ok: 500,
    errors: 0,
    byPod: {},
    latencyMs: { p50: 1, p90: 1, p99: 1 },
    connections: 500,
    ...over,
  };
}

describe('keepAliveRequestRate', () => {
  it('sums the running HTTP generators while one keeps its connections', () => {
    const keepAlive = generator({ id: 'gen-1', connections: 2 });
    const plain = generator({ id: 'gen-2', rate: 20 });
    expect(keepAliveRequestRate([keepAlive, plain])).toBe(70);
  });

  it('says nothing without keep-alive, or once the keep-alive generator stopped', () => {
    expect(keepAliveRequestRate([generator({})])).toBeUndefined();
    expect(keepAliveRequestRate([generator({ connections: 2, state: 'stopped' })])).toBeUndefined();
    expect(keepAliveRequestRate([])).toBeUndefined();
  });
});
