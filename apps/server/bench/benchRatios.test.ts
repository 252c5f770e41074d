import { describe, expect, it } from 'vitest';
import { medianInterval } from './benchRatios.ts';

describe('medianInterval', () => {
  const sorted = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('is undefined under 6 values: [min, max] of 5 is only 94 % sure', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
    expect(medianInterval([])).toBeUndefined();
  });

  it('is [min, max] for 6 to 8 values', () => {
    expect(medianInterval([6, 1, 3, 2, 5, 4])).toEqual({ low: 1, high: 6, coverage: 1 - 2 / 64 });
    expect(medianInterval(sorted(8))).toMatchObject({ low: 1, high: 8 });
  });

  it("gives the sign test's order statistics: 2nd and 8th of 9, 6th and 15th of 20", () => {
    // P(Binomial(9, 1/2) <= 1) = 10/512.
    expect(medianInterval(sorted(9))).toEqual({ low: 2, high: 8, coverage: 1 - 20 / 512 });
    const twenty = medianInterval(sorted(20).reverse())!;
    expect([twenty.low, twenty.high]).toEqual([6, 15]);
    expect(twenty.coverage).toBeCloseTo(0.9586, 4);
  });

  it('narrows at a lower level', () => {
    expect(medianInterval(sorted(9), 0.8)).toMatchObject({ low: 3, high: 7 });
  });
});
