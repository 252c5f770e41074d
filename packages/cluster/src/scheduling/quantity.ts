// Kubernetes resource quantities (apimachinery's resource.Quantity): `500m`, `0.5`, `64Mi`, `1G`,
// `1e3`, or a plain YAML number. Parsed exactly (digits and powers as bigints) so `0.1` cpu is
// 100 millicores, not 100.00000000000001 rounded up to 101.

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** An exact rational value: numerator / denominator. */
interface Rational {
  num: bigint;
  den: bigint;
}

function parse(q: string | number): Rational | undefined {
  const m = QUANTITY.exec(String(q).trim());
  if (!m) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole = '', fraction = ''] = number!.split('.');
  let num = BigInt(`${whole}${fraction}` || '0');
  let den = 10n ** BigInt(fraction.length);
  if (sign === '-') num = -num;
  let power10 = 0;
  if (suffix in BINARY) num *= 1024n ** BigInt(BINARY[suffix]!);
  else if (suffix in DECIMAL) power10 = DECIMAL[suffix]!;
  else if (suffix) power10 = Number(suffix.slice(1));
  if (power10 >= 0) num *= 10n ** BigInt(power10);
  else den *= 10n ** BigInt(-power10);
  return { num, den };
}

function ceilDiv(num: bigint, den: bigint): bigint {
  const q = num / den;
  return num % den > 0n ? q + 1n : q;
}

/** Quantity.Value(): the amount in whole units, rounded up (bytes, GPUs, pods). NaN if unreadable. */
export function quantityValue(q: string | number): number {
  const r = parse(q);
  return r ? Number(ceilDiv(r.num, r.den)) : NaN;
}

/** Quantity.MilliValue(): the amount in thousandths, rounded up (millicores). NaN if unreadable. */
export function quantityMilliValue(q: string | number): number {
  const r = parse(q);
  return r ? Number(ceilDiv(r.num * 1000n, r.den)) : NaN;
}

/** Go's resource.Format of a quantity: binary suffixes (Ki, Mi...), exponents (1e3), or decimal ones (m, k, M...). */
function formatOf(q: string | number): 'binary' | 'exponent' | 'decimal' {
  const t = String(q).trim();
  if (/(Ki|Mi|Gi|Ti|Pi|Ei)$/.test(t)) return 'binary';
  return /\d[eE][+-]?\d+$/.test(t) ? 'exponent' : 'decimal';
}

const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIXES: [number, string][] = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
  [-9, 'n'],
];

/**
 * Quantity.String() of the sum of `qs`, in its canonical form. The format is the first non-zero
 * one's (Quantity.Add takes the other's format while its own value is zero). Decimal: the
 * largest suffix that keeps the number whole (`1500m` for 1.5, `2` for 2000m); exponents alike
 * (`2e3`); binary: factors of 1024 as suffixes (`1536Mi` for 1.5Gi, `2000` for 2000), and under
 * 1 Ki or fractional written as decimal, as CanonicalizeBytes does. `0` for none.
 */
export function quantitySum(qs: (string | number)[]): string {
  let num = 0n;
  let den = 1n;
  let format: ReturnType<typeof formatOf> = 'decimal';
  let formatSet = false;
  for (const q of qs) {
    const r = parse(q);
    if (!r) continue;
    if (!formatSet && r.num !== 0n) {
      format = formatOf(q);
      formatSet = true;
    }
    num = num * r.den + r.num * den;
    den *= r.den;
  }
  if (num === 0n) return '0';
  const sign = num < 0n ? '-' : '';
  if (num < 0n) num = -num;
  if (format === 'binary' && num % den === 0n && num / den >= 1024n) {
    let whole = num / den;
    let i = 0;
    while (whole % 1024n === 0n && i < BINARY_SUFFIXES.length - 1) {
      whole /= 1024n;
      i++;
    }
    return `${sign}${whole}${BINARY_SUFFIXES[i]}`;
  }
  for (const [power, suffix] of DECIMAL_SUFFIXES) {
    // value / 10^power whole?
    const scaledNum = power >= 0 ? num : num * 10n ** BigInt(-power);
    const scaledDen = power >= 0 ? den * 10n ** BigInt(power) : den;
    if (scaledNum % scaledDen === 0n) {
      const unit = format === 'exponent' ? (power === 0 ? '' : `e${power}`) : suffix;
      return `${sign}${scaledNum / scaledDen}${unit}`;
    }
  }
  // Finer than nano: rounded up to it, as a Quantity keeps at most nine decimals.
  return `${sign}${ceilDiv(num * 10n ** 9n, den)}${format === 'exponent' ? 'e-9' : 'n'}`;
}
