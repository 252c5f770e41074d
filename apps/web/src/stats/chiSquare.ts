// Pearson's chi-square test of observed counts against a uniform split (is this balanced?).

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xm = x - 1;
  let a = c[0]!;
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper regularized incomplete gamma Q(a, x) (series below a + 1, continued fraction above). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lg = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-14) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - lg));
  }
  let b = x + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - lg) * h);
}

export interface ChiSquare {
  statistic: number;
  degreesOfFreedom: number;
  /** Probability of a split at least this uneven if the choice were uniform. */
  pValue: number;
}

/** Undefined when there is nothing to test (fewer than 2 endpoints or no counts). */
export function chiSquareUniform(counts: readonly number[]): ChiSquare | undefined {
  const total = counts.reduce((a, b) => a + b, 0);
  if (counts.length < 2 || total === 0) return undefined;
  const expected = total / counts.length;
  const statistic = counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
  const degreesOfFreedom = counts.length - 1;
  return { statistic, degreesOfFreedom, pValue: gammaQ(degreesOfFreedom / 2, statistic / 2) };
}

/** Pearson's test needs at least this many expected per endpoint (Cochran's rule). */
export const MIN_EXPECTED = 5;
/** A split is called not uniform below this p-value. */
export const ALPHA = 0.01;

/**
 * An upper bound on the chance that, of `k` endpoints drawn uniformly `n` times, some endpoint
 * gets nothing: k·(1 − 1/k)^n (the union bound). A second test beside χ², exact for small counts.
 */
export function zeroCountP(k: number, n: number): number {
  if (k < 2) return 1;
  return Math.min(1, k * (1 - 1 / k) ** n);
}

/** The fewest draws after which an endpoint still at 0 is not chance (zeroCountP < alpha). */
export function drawsToRuleOutZero(k: number, alpha = ALPHA): number {
  if (k < 2) return 0;
  return Math.floor(Math.log(alpha / k) / Math.log(1 - 1 / k)) + 1;
}

export type UniformVerdict =
  /** Fewer than 2 endpoints: there is no split to test. */
  | { kind: 'no-split'; endpoints: number }
  /** Fewer than MIN_EXPECTED per endpoint expected: χ² would not be valid yet. */
  | { kind: 'too-few'; total: number; more: number }
  /** p < alpha by χ², or an endpoint got 0 where chance would not leave one empty. */
  | { kind: 'not-uniform'; test: ChiSquare | undefined; zeroP: number | undefined }
  /** Enough counts and χ² does not reject, but an endpoint has 0: wait for `more` before calling it. */
  | { kind: 'undecided'; test: ChiSquare; zeroP: number; more: number }
  /** χ² finds no evidence against a uniform split (which is not proof of one). */
  | { kind: 'no-evidence'; test: ChiSquare };

/**
 * Is this split of counts over endpoints consistent with each endpoint being equally likely?
 * Pearson's χ² once every endpoint expects at least MIN_EXPECTED; an endpoint at 0 is never
 * passed: it is either not chance (zeroCountP < alpha) or the verdict waits.
 */
export function uniformVerdict(counts: readonly number[], alpha = ALPHA): UniformVerdict {
  const k = counts.length;
  if (k < 2) return { kind: 'no-split', endpoints: k };
  const total = counts.reduce((a, b) => a + b, 0);
  const hasZero = counts.some((c) => c === 0);
  const zeroP = hasZero ? zeroCountP(k, total) : undefined;
  const needed = MIN_EXPECTED * k;
  if (total < needed) {
    if (zeroP !== undefined && zeroP < alpha)
      return { kind: 'not-uniform', test: undefined, zeroP };
    return { kind: 'too-few', total, more: needed - total };
  }
  const test = chiSquareUniform(counts)!;
  if (test.pValue < alpha || (zeroP !== undefined && zeroP < alpha))
    return { kind: 'not-uniform', test, zeroP };
  if (zeroP !== undefined)
    return { kind: 'undecided', test, zeroP, more: drawsToRuleOutZero(k, alpha) - total };
  return { kind: 'no-evidence', test };
}
