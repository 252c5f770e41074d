import type { TrafficStatus } from '@l4lab/protocol';

// Requests per second per pod, from the generators' cumulative answers (`byPod`), sampled as the
// graph is rebuilt. They show what connection counters cannot: requests riding kept-alive
// connections (scenario 11), and traffic that no proxy sees (a headless Service, scenario 07).

export interface GeneratorSample {
  t: number;
  answers: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/** How far back the rates look. */
export const REQUEST_WINDOW_MS = 2500;

/** The history with a sample of `generators` at `t` appended (samples older than the window go). */
export function withGeneratorSample(
  history: readonly GeneratorSample[],
  t: number,
  generators: Iterable<TrafficStatus>,
): GeneratorSample[] {
  const answers = new Map<string, Record<string, number>>();
  for (const g of generators) answers.set(g.id, g.byPod);
  const kept = history.filter((s) => t - s.t <= REQUEST_WINDOW_MS && s.t < t);
  kept.push({ t, answers });
  return kept;
}

/**
 * Per generator id, per pod name: answers per second over the window before `now`. Statuses
 * come only when something changed: no news since the last sample means nothing more answered.
 */
export function requestRates(
  history: readonly GeneratorSample[],
  now: number,
): Map<string, Map<string, number>> {
  const rates = new Map<string, Map<string, number>>();
  const inWindow = history.filter((s) => now - s.t <= REQUEST_WINDOW_MS);
  const first = inWindow[0] ?? history.at(-1);
  const last = history.at(-1);
  if (!first || !last) return rates;
  const dt = (Math.max(now, last.t) - first.t) / 1000;
  if (dt < 0.4) return rates;
  for (const [id, now] of last.answers) {
    const before = first.answers.get(id) ?? {};
    const perPod = new Map<string, number>();
    for (const [pod, n] of Object.entries(now)) {
      const r = Math.max(0, n - (before[pod] ?? 0)) / dt;
      if (r > 0) perPod.set(pod, r);
    }
    if (perPod.size > 0) rates.set(id, perPod);
  }
  return rates;
}
