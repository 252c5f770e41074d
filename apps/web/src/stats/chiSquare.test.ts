import { describe, expect, it } from 'vitest';
import { chiSquareUniform, gammaQ } from './chiSquare.ts';

describe('chiSquareUniform', () => {
  it('matches the chi-square table (df 1: 3.841 -> 0.05; df 2: 5.991 -> 0.05; df 4: 13.277 -> 0.01)', () => {
    expect(gammaQ(0.5, 3.841 / 2)).toBeCloseTo(0.05, 3);
    expect(gammaQ(1, 5.991 / 2)).toBeCloseTo(0.05, 3);
    expect(gammaQ(2, 13.277 / 2)).toBeCloseTo(0.01, 3);
    expect(gammaQ(5, 0.1)).toBeCloseTo(1, 6);
  });

  it('calls an even split balanced and a lopsided one not', () => {
    expect(chiSquareUniform([100, 100, 100])?.pValue).toBeCloseTo(1, 6);
    const lopsided = chiSquareUniform([300, 0, 0])!;
    expect(lopsided.statistic).toBeCloseTo(600, 6);
    expect(lopsided.degreesOfFreedom).toBe(2);
    expect(lopsided.pValue).toBeLessThan(1e-100);
  });

  it('has nothing to test with one endpoint or no connections', () => {
    expect(chiSquareUniform([10])).toBeUndefined();
    expect(chiSquareUniform([0, 0])).toBeUndefined();
  });
});
