import { describe, expect, it } from 'vitest';
import { eligibleEndpoints } from './endpointSelection.ts';
import type { EndpointInfo } from './types.ts';

// Test addresses: pods 127.244.1.0/24.
function ep(
  ip: string,
  c: Partial<Pick<EndpointInfo, 'ready' | 'serving' | 'terminating'>> = {},
): EndpointInfo {
  return {
    ip,
    port: 80,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: 'node-1',
    pod: `pod-${ip}`,
    namespace: 'default',
    ...c,
  };
}

describe('eligibleEndpoints', () => {
  it('uses the ready endpoints, sorted by IP:port', () => {
    const all = [
      ep('127.244.1.9'),
      ep('127.244.1.10', { ready: false, serving: false }),
      ep('127.244.1.2'),
    ];
    expect(eligibleEndpoints(all).map((e) => e.ip)).toEqual(['127.244.1.2', '127.244.1.9']);
  });

  it('falls back to serving terminating endpoints when none is ready', () => {
    const all = [
      ep('127.244.1.2', { ready: false, serving: true, terminating: true }),
      ep('127.244.1.3', { ready: false, serving: false, terminating: true }),
      ep('127.244.1.4', { ready: false, serving: false }),
    ];
    expect(eligibleEndpoints(all).map((e) => e.ip)).toEqual(['127.244.1.2']);
  });

  it('is empty when nothing serves', () => {
    expect(eligibleEndpoints([ep('127.244.1.2', { ready: false, serving: false })])).toEqual([]);
  });
});
