import type { FuzzReport } from './runFuzz.ts';

/** How to run one case again, alone. */
export function reproduce(seed: number, index: number): string {
  return `npm run fuzz -- --seed ${seed} --only ${index}`;
}

/** The one summary line of a run. */
export function summaryLine(r: FuzzReport): string {
  const answers = Object.entries(r.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  return (
    `fuzz: seed ${r.seed}, ${r.cases} cases (${r.http} applies over HTTP, ${r.ws} WebSocket frames) ` +
    `in ${(r.elapsedMs / 1000).toFixed(1)} s: ${r.failed} failed; slowest answer ` +
    `${Math.round(r.slowest.ms)} ms (case ${r.slowest.index}, ${r.slowest.label}); ` +
    `${r.created} objects created and deleted; answers: ${answers}; ` +
    `the lab's first apply (warm-up, not judged) took ${Math.round(r.firstApplyMs)} ms`
  );
}

/** A problem without its numbers: the same defect found in many cases is one line. */
function signature(problem: string): string {
  return problem.replace(/\d+/g, 'N').slice(0, 120);
}

/** The summary, then each kind of failure once: how many cases, and the first to reproduce. */
export function reportLines(r: FuzzReport): string[] {
  const lines = [summaryLine(r)];
  const kinds = new Map<string, { cases: FuzzReport['failures']; problem: string }>();
  for (const f of r.failures) {
    for (const problem of f.problems) {
      const k = kinds.get(signature(problem));
      if (k) k.cases.push(f);
      else kinds.set(signature(problem), { cases: [f], problem });
    }
  }
  for (const { cases, problem } of kinds.values()) {
    const first = cases[0]!;
    const examples = cases.slice(0, 5).map((f) => `${f.index} (${f.channel}, ${f.label})`);
    lines.push(`  ${cases.length} x ${problem}`);
    lines.push(`    cases ${examples.join(', ')}; reproduce: ${reproduce(r.seed, first.index)}`);
  }
  if (r.leftovers.length > 0)
    lines.push(
      `  left in the store after deleting what the run created: ${r.leftovers.slice(0, 10).join(', ')}${r.leftovers.length > 10 ? ` and ${r.leftovers.length - 10} more` : ''}`,
    );
  if (r.failed > r.failures.length)
    lines.push(
      `  (problems counted over the first ${r.failures.length} of ${r.failed} failed cases)`,
    );
  return lines;
}

/** Where the run's time went: the labels that took longest in all, with their mean. */
export function timeLine(r: FuzzReport, top = 8): string {
  const rows = Object.entries(r.msByLabel)
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(
      ([label, ms]) =>
        `${label} ${(ms / 1000).toFixed(1)} s (${(ms / r.labels[label]!).toFixed(1)} ms each)`,
    );
  return `time by kind: ${rows.join(', ')}`;
}
