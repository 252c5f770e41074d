// resource.Quantity's Value() and MilliValue(): exact, rounded up, every suffix form.
import { describe, expect, it } from 'vitest';
import { quantityMilliValue, quantitySum, quantityValue } from './quantity.ts';

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

describe('quantitySum', () => {
  it("writes the sum in the first quantity's format, canonical as Quantity.String()", () => {
    expect(quantitySum([])).toBe('0');
    expect(quantitySum(['100m', '250m'])).toBe('350m');
    expect(quantitySum(['1', '500m'])).toBe('1500m');
    expect(quantitySum(['1500m', '500m'])).toBe('2');
    expect(quantitySum(['0.5'])).toBe('500m');
    expect(quantitySum([2])).toBe('2');
    expect(quantitySum(['128Mi', '64Mi'])).toBe('192Mi');
    expect(quantitySum(['1Gi', '512Mi'])).toBe('1536Mi');
    expect(quantitySum(['1Gi', '1Gi'])).toBe('2Gi');
    expect(quantitySum(['1.5Ki'])).toBe('1536');
    expect(quantitySum(['100M', '28Mi'])).toBe('129360128');
    expect(quantitySum(['1500000'])).toBe('1500k');
    expect(quantitySum(['8Gi'])).toBe('8Gi');
    // Binary, a whole number of bytes over 1 Ki but not of Ki: bare, not `2k`.
    expect(quantitySum(['1Ki', '976'])).toBe('2000');
    // The format is the first non-zero quantity's.
    expect(quantitySum(['0', '64Mi'])).toBe('64Mi');
    expect(quantitySum(['1e3'])).toBe('1e3');
    expect(quantitySum(['1e3', '500'])).toBe('1500');
  });
});
