// resource.Quantity's Value() and MilliValue(): exact, rounded up, every suffix form.
import { describe, expect, it } from 'vitest';
import { quantityMilliValue, quantityValue } from './quantity.ts';

describe('quantities', () => {
  it.each([
    ['500m', 500],
    ['0.1', 100],
    ['.5', 500],
    [2, 2000],
    [0.25, 250],
    ['1.5', 1500],
    ['100u', 1], // rounded up, as MilliValue does
    ['1e3', 1_000_000],
    ['2k', 2_000_000],
  ])('cpu %s is %d millicores', (q, milli) => {
    expect(quantityMilliValue(q)).toBe(milli);
  });

  it.each([
    ['64Mi', 64 * 2 ** 20],
    ['8Gi', 8 * 2 ** 30],
    ['1G', 1e9],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['123M', 123e6],
    ['1.5Ki', 1536],
    ['1m', 1], // a thousandth of a byte is still one byte (Value rounds up)
    [1, 1],
  ])('%s is %d units', (q, value) => {
    expect(quantityValue(q)).toBe(value);
  });

  it('is NaN for what is not a quantity', () => {
    expect(quantityValue('lots')).toBeNaN();
    expect(quantityMilliValue('1 Gi')).toBeNaN();
    expect(quantityValue('1KiB')).toBeNaN();
  });
});
