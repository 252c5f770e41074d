import { describe, expect, it } from 'vitest';
import { makeGenerator } from '../testing/builders.ts';
import { requestRates, withGeneratorSample } from './generatorRates.ts';

const gen = (byPod: Record<string, number>) => makeGenerator({ byPod });

describe('requestRates', () => {
  it('answers per second per pod over the window, falling to 0 when no status comes', () => {
    let h = withGeneratorSample([], 1000, [gen({ 'api-a': 0, 'api-b': 0 })]);
    h = withGeneratorSample(h, 2000, [gen({ 'api-a': 50, 'api-b': 0 })]);
    h = withGeneratorSample(h, 3000, [gen({ 'api-a': 100, 'api-b': 0 })]);
    const now = requestRates(h, 3000).get('g1')!;
    expect(now.get('api-a')).toBeCloseTo(50, 6);
    // The pod that answered nothing is no rate at all, not a small one.
    expect(now.has('api-b')).toBe(false);
    // Nothing since 3000: by 6000 the window holds no change.
    expect(requestRates(h, 6000).get('g1')?.get('api-a') ?? 0).toBe(0);
  });
});
