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
