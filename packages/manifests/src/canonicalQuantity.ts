// resource.Quantity as the API server stores it: ParseQuantity then MarshalJSON, which writes the
// canonical form (`0.5` -> "500m", `1000m` -> "1", `1.5Gi` -> "1536Mi", a number -> a string)
// unless the text was already canonical (then it is kept as written, `+1` included). Exact, with
// bigints; only for values quantityError accepts.

interface Parts {
  negative: boolean;
  /** Integer digits without leading zeros ('0' when none). */
  num: string;
  /** Fraction digits, as written. */
  denom: string;
  suffix: string;
}

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const SI_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_NAMES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
/** maxInt64Factors: the digits an int64 always holds. */
const MAX_INT64_FACTORS = 18;
const NANO = -9;
const MAX_INT64 = 2n ** 63n - 1n;

/** parseQuantityString: sign, integer digits (leading zeros dropped), fraction, suffix. */
function split(text: string): Parts {
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text)!;
  return { negative: m[1] === '-', num: m[2] || '0', denom: m[3] ?? '', suffix: m[4]! };
}

/** The suffixer's interpretation: base, exponent and format (the suffix is known to be valid). */
function interpret(suffix: string): { base: 2 | 10; exponent: number; format: Format } {
  if (Object.hasOwn(DECIMAL_SUFFIXES, suffix))
    return { base: 10, exponent: DECIMAL_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (Object.hasOwn(BINARY_SUFFIXES, suffix))
    return { base: 2, exponent: BINARY_SUFFIXES[suffix]!, format: 'BinarySI' };
  return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
}

/** ParseQuantity's fast path keeps the caller's text when it is already in canonical form. */
function keptAsWritten(p: Parts, exponent: number, format: Format): boolean {
  if (format === 'BinarySI') {
    if (exponent < 0 || p.denom !== '') return false;
    const precision = 15 - p.num.length - Math.trunc((exponent * 3) / 10) - 1;
    const value = BigInt(p.num);
    if (precision < 0 || value << BigInt(exponent) > MAX_INT64) return false;
    return exponent % 10 === 0 && (value & 7n) !== 0n;
  }
  if (MAX_INT64_FACTORS - (p.num.length + p.denom.length) < 0) return false;
  const scale = exponent - p.denom.length;
  const shifted = p.num + p.denom;
  return scale >= NANO && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** The canonical text of a Quantity that parses (quantityError said undefined). */
export function canonicalQuantity(value: string | number): string {
  const text = typeof value === 'string' ? value.trim() : String(value);
  if (text === '0') return text;
  const p = split(text);
  const { base, exponent, format } = interpret(p.suffix);
  if (keptAsWritten(p, exponent, format)) return text;
  // The exact value: mantissa * 10^exp10 (a binary suffix multiplies the mantissa).
  let mantissa = BigInt(p.num + p.denom);
  let exp10 = -p.denom.length;
  if (base === 10) exp10 += exponent;
  else mantissa <<= BigInt(exponent);
  // Non-zero amounts below a nano round up to one ("if you want some, you get some").
  if (exp10 < NANO) {
    const divisor = 10n ** BigInt(NANO - exp10);
    mantissa = (mantissa + divisor - 1n) / divisor;
    exp10 = NANO;
  }
  if (mantissa === 0n) return '0';
  const sign = p.negative ? '-' : '';
  if (format === 'BinarySI') {
    const binary = base1024(mantissa, exp10);
    if (binary !== undefined) return sign + binary;
  }
  return sign + decimal(mantissa, exp10, format === 'BinarySI' ? 'DecimalSI' : format);
}

/**
 * AsCanonicalBase1024Bytes: whole amounts of at least 1024 in the largest binary suffix that
 * divides them; undefined when the amount is below 1024 or not whole (written as DecimalSI).
 */
function base1024(mantissa: bigint, exp10: number): string | undefined {
  const unit = 10n ** BigInt(Math.max(0, -exp10));
  if (mantissa % unit !== 0n) return undefined;
  let whole = (mantissa / unit) * 10n ** BigInt(Math.max(0, exp10));
  if (whole < 1024n) return undefined;
  let power = 0;
  while (power < BINARY_NAMES.length - 1 && whole % 1024n === 0n) {
    whole /= 1024n;
    power++;
  }
  return `${whole}${BINARY_NAMES[power]}`;
}

/** AsCanonicalBytes: no trailing zeros in the mantissa, an exponent that is a multiple of 3. */
function decimal(mantissa: bigint, exp10: number, format: 'DecimalSI' | 'DecimalExponent'): string {
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exp10++;
  }
  while (exp10 % 3 !== 0) {
    mantissa *= 10n;
    exp10--;
  }
  if (format === 'DecimalExponent') return exp10 === 0 ? `${mantissa}` : `${mantissa}e${exp10}`;
  // Beyond exa there is no SI suffix: the mantissa grows instead.
  if (exp10 > 18) {
    mantissa *= 10n ** BigInt(exp10 - 18);
    exp10 = 18;
  }
  return `${mantissa}${SI_BY_EXPONENT.get(exp10)}`;
}
