import type { EndpointCounters } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { attempts } from './trafficSlice.ts';

const row = (endpoint: string, over: Partial<EndpointCounters>): EndpointCounters => ({
  service: 'default/web:80',
  endpoint,
  connections: 0,
  active: 0,
  bytesIn: 0,
  bytesOut: 0,
  refused: 0,
  dropped: 0,
  reset: 0,
  ...over,
});

describe('attempts (the header rate counts them)', () => {
  it('counts connections to an endpoint, refusals and drops without one', () => {
    expect(attempts(row('default/web-a', { connections: 5, refused: 9 }))).toBe(5);
    expect(attempts(row('', { refused: 2, dropped: 3 }))).toBe(5);
  });

  it("counts connections whose endpoint nobody saw (remote mode's client-side events)", () => {
    expect(attempts(row('', { connections: 4, refused: 1 }))).toBe(5);
  });
});
