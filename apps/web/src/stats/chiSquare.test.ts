import { describe, expect, it } from 'vitest';
import {
  chiSquareUniform,
  drawsToRuleOutZero,
  gammaQ,
  uniformVerdict,
  zeroCountP,
} from './chiSquare.ts';

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

describe('uniformVerdict', () => {
  it('waits for 5 expected per endpoint, and says how many more connections that takes', () => {
    expect(uniformVerdict([1, 1, 0])).toEqual({ kind: 'too-few', total: 2, more: 13 });
    expect(uniformVerdict([3, 4])).toEqual({ kind: 'too-few', total: 7, more: 3 });
    expect(uniformVerdict([12])).toEqual({ kind: 'no-split', endpoints: 1 });
  });

  it('never passes an endpoint at 0: not uniform when chance would not leave it empty, else undecided', () => {
    // Scenario 11's requests: two keep-alive connections on two pods of three.
    expect(uniformVerdict([410, 395, 0]).kind).toBe('not-uniform');
    // χ² alone would pass 8/7/0 (p = 0.022); three endpoints, 15 draws, one empty: p <= 0.0069.
    expect(chiSquareUniform([8, 7, 0])!.pValue).toBeGreaterThan(0.01);
    expect(zeroCountP(3, 15)).toBeCloseTo(3 * (2 / 3) ** 15, 12);
    expect(uniformVerdict([8, 7, 0]).kind).toBe('not-uniform');
    // Five endpoints, 25 draws, one empty: still likely by chance (p <= 0.019): wait 3 more.
    expect(drawsToRuleOutZero(5)).toBe(28);
    expect(uniformVerdict([7, 6, 6, 6, 0])).toMatchObject({ kind: 'undecided', more: 3 });
    // Too few for χ² (9 < 2 × 5), but 9 of 9 on one of two endpoints is not chance (p <= 0.004).
    expect(uniformVerdict([9, 0])).toMatchObject({ kind: 'not-uniform', test: undefined });
  });

  it('finds no evidence against an even split', () => {
    expect(uniformVerdict([200, 210, 190])).toMatchObject({ kind: 'no-evidence' });
  });

  it('calls a uniform random draw of 600 over 3 pods not uniform in about 1 run of 100', () => {
    // 300 runs at a 1% false-alarm rate: 3 expected; 16 or more happens less than once in 1e6.
    let alarms = 0;
    for (let run = 0; run < 300; run++) {
      const counts = [0, 0, 0];
      for (let i = 0; i < 600; i++) counts[Math.floor(Math.random() * 3)]!++;
      if (uniformVerdict(counts).kind === 'not-uniform') alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(15);
  });
});
