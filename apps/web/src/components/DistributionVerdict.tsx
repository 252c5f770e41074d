import { ALPHA, MIN_EXPECTED, type UniformVerdict } from '../stats/chiSquare.ts';
import type { Split } from '../stats/distribution.ts';
import { seconds } from '../format/duration.ts';

type Unit = 'connections' | 'requests';

/** No-break spaces: `p < 0.0001` is never split over two lines. */
const NB = '\u00a0';

function pValue(p: number): string {
  return p < 0.0001 ? `p${NB}<${NB}0.0001` : `p${NB}=${NB}${p.toFixed(p < 0.01 ? 4 : 3)}`;
}

function chi(test: { statistic: number; degreesOfFreedom: number; pValue: number }): string {
  return `χ²${NB}=${NB}${test.statistic.toFixed(1)} (df${NB}${test.degreesOfFreedom}), ${pValue(test.pValue)}`;
}

function zeroName(split: Split): string {
  const zero = split.test.counts.find((c) => c.count === 0);
  return zero ? zero.endpoint.slice(zero.endpoint.indexOf('/') + 1) : '';
}

function headline(v: UniformVerdict, split: Split, unit: Unit): { text: string; detail: string } {
  const n = split.test.counts.reduce((a, c) => a + c.count, 0);
  switch (v.kind) {
    case 'no-split':
      return {
        text: 'Nothing to test',
        detail: `${v.endpoints} ready endpoint${v.endpoints === 1 ? '' : 's'}: no split.`,
      };
    case 'too-few':
      return {
        text: 'Too few to test',
        detail: `needs ≥${NB}${MIN_EXPECTED} expected per endpoint: ${v.more} more ${unit}.`,
      };
    case 'not-uniform': {
      const byChi = v.test && v.test.pValue < ALPHA ? chi(v.test) : '';
      const empty = zeroName(split);
      const byZero =
        v.zeroP !== undefined && v.zeroP < ALPHA
          ? ` (by chance: ${v.zeroP < 0.0001 ? pValue(v.zeroP) : `p${NB}≤${NB}${v.zeroP.toFixed(4)}`})`
          : '';
      const zero = empty ? `${empty} got 0 of ${n}${byZero}` : '';
      return { text: 'Not uniform', detail: [byChi, zero].filter(Boolean).join('; ') };
    }
    case 'undecided':
      return {
        text: 'Undecided',
        detail: `${zeroName(split)} got 0 of ${n}, which chance still allows (p${NB}≤${NB}${v.zeroP.toFixed(2)}): ${v.more} more ${unit} to tell.`,
      };
    case 'no-evidence':
      return {
        text: 'No evidence against a uniform split',
        detail: `${chi(v.test)} ≥${NB}${ALPHA} (not a proof of one).`,
      };
  }
}

/** What the χ² test says about the split, and what it was run on. */
export function DistributionVerdict({
  split,
  unit,
  now,
  expected,
}: {
  split: Split;
  unit: Unit;
  now: number;
  /** Why a uniform split is not what the Service promises, if it is not. */
  expected: string | undefined;
}) {
  const v = split.test.verdict;
  const { text, detail } = headline(v, split, unit);
  const k = split.test.counts.length;
  return (
    <div className={`dist-verdict ${v.kind}`} data-testid="verdict" data-verdict={v.kind}>
      <p className="dist-verdict-head">{text}</p>
      {detail && <p className="dist-verdict-detail">{detail}</p>}
      {expected && <p className="dist-expected">Expected here: {expected}.</p>}
      <p className="dist-method" data-testid="dist-method">
        Pearson χ² vs a uniform split over the {k} ready endpoint{k === 1 ? '' : 's'}
        {split.test.sinceChange
          ? `, since they changed ${seconds(now - split.test.from)} ago.`
          : ', over the window.'}
      </p>
    </div>
  );
}
