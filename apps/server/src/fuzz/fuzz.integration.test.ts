// The bounded fuzz run of `npm test` (issue 14, "Numbers"): 10,000 hostile and clumsy applies and
// WebSocket frames against a real lab (builtin runtime; random test ranges, testRanges.ts). Every
// case: no 5xx, errors[] with a line when refused, nothing applied when refused, the server up.
// How fast it answers is `npm run fuzz`'s to measure (no timed assertions here). The seed is random and printed; L4LAB_FUZZ_SEED=S repeats a run, and
// `npm run fuzz -- --seed S --only N` one case of it.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { reportLines, summaryLine } from './formatReport.ts';
import { loadSeeds } from './manifests.ts';
import { newSeed } from './random.ts';
import { runFuzz } from './runFuzz.ts';
import { startTestLab, type TestLab } from '../testLab.ts';

const CASES = 10_000;
/** ~50 s alone on the 2-core development machine (2026-12-07); more when it is busy with other work. */
const RUN_TIMEOUT_MS = 240_000;

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
});
afterAll(async () => {
  await t?.stop();
});

it(
  `${CASES} hostile applies and WebSocket frames: no 5xx, none partial, every error placed`,
  async () => {
    const seed = Number(process.env.L4LAB_FUZZ_SEED ?? newSeed());
    const seeds = loadSeeds(join(import.meta.dirname, '../../../../scenarios'));
    const report = await runFuzz(
      { url: t.lab.url, cluster: t.lab.cluster },
      { seed, count: CASES, seeds },
    );
    // The run's one line of output: its seed, what was sent and how it was answered.
    // eslint-disable-next-line no-console
    console.log(summaryLine(report));
    expect(report.cases).toBe(CASES);
    expect(report.http).toBeGreaterThan(CASES / 2);
    expect(report.ws).toBeGreaterThan(CASES / 5);
    expect(report.failed, reportLines(report).join('\n')).toBe(0);
    expect(report.leftovers, 'objects the run created and could not delete').toEqual([]);
  },
  RUN_TIMEOUT_MS,
);
