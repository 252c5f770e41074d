import { describe, expect, it } from 'vitest';
import { SyncDurations, percentile } from './syncStats.ts';

describe('SyncDurations', () => {
  it('gives nearest-rank percentiles over the last syncs, and counts them all', () => {
    const d = new SyncDurations(20);
    for (let ms = 1; ms <= 40; ms++) d.add(ms); // only 21..40 are kept
    expect(d.stats()).toEqual({ count: 40, p50Ms: 30, p95Ms: 39, lastMs: 40 });
  });

  it('is all zero before the first sync', () => {
    expect(new SyncDurations().stats()).toEqual({ count: 0, p50Ms: 0, p95Ms: 0, lastMs: 0 });
    expect(percentile([5], 0.95)).toBe(5);
  });
});
