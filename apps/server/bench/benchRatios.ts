// bench:dataplane's comparison: the medians side by side, ratios between targets (paired and of
// the medians) with the issue's targets beside them, and the proxies' CPU per request.
import type { Metric } from './benchWrk.ts';
import { KERNEL_OFF, KERNEL_ON } from './kernelTarget.ts';

export interface Results {
  /** Median of each metric, by target name. */
  median: Map<string, Record<Metric, number>>;
  /** Every run's value, by metric and target name (rounds in order). */
  allRuns: Map<Metric, Map<string, number[]>>;
  /** Median CPU µs per request (or per connection), by metric and target name. */
  cpuPerOp: Map<Metric, Map<string, number>>;
  /**
   * Every run's whole-machine CPU µs per request (wrk, nginx, the proxy and the kernel's packet
   * work together), by metric and target name (rounds in order).
   */
  machineRuns?: Map<Metric, Map<string, number[]>>;
}

export function medianOf(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A distribution-free interval for the median of `v` (the sign test's: between two of the sorted
 * values, k-th from each end, with k the largest that keeps the chance that the median lies
 * outside at or under 1 - level). A round's ratio varies from round to round by more than the
 * issue's 5 % (bulk, 2 s runs, here: about 8 %), so a paired ratio comes with how sure it is.
 * Undefined under 6 values: with 5, even [min, max] is only 94 % sure.
 */
export function medianInterval(
  v: number[],
  level = 0.95,
): { low: number; high: number; coverage: number } | undefined {
  const n = v.length;
  const s = [...v].sort((a, b) => a - b);
  // P(Binomial(n, 1/2) <= j), for j = 0, 1, ...: the chance that j or fewer values lie below the median.
  let choose = 1;
  let tail = 0;
  let best: { low: number; high: number; coverage: number } | undefined;
  for (let j = 0; j < n / 2; j++) {
    tail += choose / 2 ** n;
    choose = (choose * (n - j)) / (j + 1);
    // [s[j], s[n-1-j]] misses the median when j or fewer values lie below it, or above.
    const coverage = 1 - 2 * tail;
    if (coverage < level) break;
    best = { low: s[j]!, high: s[n - 1 - j]!, coverage };
  }
  return best;
}

export function printComparison(
  r: Results,
  o: {
    targets: string[];
    haproxies: string[];
    /** HAProxy started, but left out of the targets (BENCH_TARGETS). */
    haproxyLeftOut?: boolean;
    kernel: boolean;
  },
): void {
  // A target left out (BENCH_TARGETS) reads as zeros: its ratios print n/a.
  const row = (name: string) => r.median.get(name) ?? { newConn: 0, keepAlive: 0, bulk: 0 };
  console.log(
    `\n  ${'median of each'.padEnd(28)} ${'new conn/s'.padStart(10)} ${'keep-alive/s'.padStart(12)} ${'bulk MB/s'.padStart(9)}`,
  );
  // A metric left out (BENCH_METRICS) prints `-`, not a zero.
  const cell = (name: string, k: Metric, width: number) =>
    (r.allRuns.has(k) ? row(name)[k].toFixed(0) : '-').padStart(width);
  for (const name of o.targets) {
    console.log(
      `  ${name.padEnd(28)} ${cell(name, 'newConn', 10)} ${cell(name, 'keepAlive', 12)} ${cell(name, 'bulk', 9)}`,
    );
  }
  // Two views of the same runs: the ratio of the medians, and the median of the per-round
  // ratios (paired: within a round the two targets ran back to back, under the same load).
  const ratioOfMedians = (a: string, b: string, k: Metric) =>
    row(a)[k] > 0 && row(b)[k] > 0 ? row(a)[k] / row(b)[k] : NaN;
  const pairedRatio = (a: string, b: string, k: Metric) => {
    const x = r.allRuns.get(k)?.get(a);
    const y = r.allRuns.get(k)?.get(b);
    return x && y ? medianOf(x.map((v, i) => v / y[i]!)) : NaN;
  };
  const pairedInterval = (a: string, b: string, k: Metric) => {
    const x = r.allRuns.get(k)?.get(a);
    const y = r.allRuns.get(k)?.get(b);
    return x && y && x.every((v) => v > 0) && y.every((v) => v > 0)
      ? medianInterval(x.map((v, i) => v / y[i]!))
      : undefined;
  };
  const line = (label: string, a: string, b: string, target: string) => {
    // A pair with a target left out (BENCH_TARGETS) has nothing to say.
    if (!o.targets.includes(a) || !o.targets.includes(b)) return;
    const f = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a');
    const parts = (fn: typeof pairedRatio) =>
      `new ${f(fn(a, b, 'newConn'))}  keep-alive ${f(fn(a, b, 'keepAlive'))}  bulk ${f(fn(a, b, 'bulk'))}`;
    const ranges = (['newConn', 'keepAlive', 'bulk'] as const).map((k) => pairedInterval(a, b, k));
    const range = (i: number) => {
      const v = ranges[i];
      return v ? `${v.low.toFixed(2)}-${v.high.toFixed(2)}` : 'n/a';
    };
    console.log(`  ${label.padEnd(24)} paired  ${parts(pairedRatio)}   ${target}`);
    // Only with 6 rounds or more (medianInterval).
    if (ranges.some(Boolean))
      console.log(
        `  ${''.padEnd(24)} 95% CI  new ${range(0)}  keep-alive ${range(1)}  bulk ${range(2)}`,
      );
    console.log(`  ${''.padEnd(24)} medians ${parts(ratioOfMedians)}`);
  };
  const short = (h: string) => h.replace('haproxy mode tcp, ', 'haproxy ');
  const ON = 'l4lab, events on';
  console.log('\nratios (paired: median of per-round ratios; medians: ratio of the medians)');
  console.log(
    "  (95% CI, with 6 rounds or more: the paired ratio's 95 % confidence interval, from the spread of the rounds' ratios)",
  );
  line('l4lab / direct', ON, 'nginx direct', '');
  for (const h of o.haproxies) line(`l4lab / ${short(h)}`, ON, h, '(targets >= 0.6 / 0.9 / 0.9)');
  if (!o.haproxies.length)
    console.log(
      o.haproxyLeftOut
        ? '  haproxy left out by BENCH_TARGETS: no comparison'
        : '  haproxy not installed (apt-get install -y haproxy): no comparison',
    );
  line('events on / off', ON, 'l4lab, events off', '(target >= 0.95)');
  if (o.kernel) {
    line('nftables on / direct', KERNEL_ON, 'nginx direct', '(targets >= 0.9 / 0.95 / 0.95)');
    line('nftables off / direct', KERNEL_OFF, 'nginx direct', '(targets >= 0.9 / 0.95 / 0.95)');
    for (const h of o.haproxies) {
      line(`nftables on / ${short(h)}`, KERNEL_ON, h, '(target: new > 1)');
      line(`nftables off / ${short(h)}`, KERNEL_OFF, h, '(target: new > 1)');
    }
    line('nftables on / off', KERNEL_ON, KERNEL_OFF, '');
    line('nftables / userspace', KERNEL_ON, ON, '(both events on)');
  }
  // CPU per request: the proxy's own work. Its kernel part includes the receiving side's TCP
  // path on loopback, so it also moves with where the scheduler put the processes.
  const cpuRatio = (a: string, b: string, k: Metric) => {
    const x = r.cpuPerOp.get(k)?.get(a);
    const y = r.cpuPerOp.get(k)?.get(b);
    return x && y ? `${(x / y).toFixed(2)}x` : 'n/a';
  };
  type Pair = [label: string, a: string, b: string];
  const pairs: Pair[] = [
    ...o.haproxies.map((h): Pair => [`l4lab / ${short(h)}`, ON, h]),
    ['events on / off', ON, 'l4lab, events off'],
  ];
  if (o.kernel) pairs.push(['nftables events / l4lab', KERNEL_ON, ON]);
  const cpuPairs = pairs.filter(([, a, b]) => o.targets.includes(a) && o.targets.includes(b));
  if (cpuPairs.length) {
    console.log('\nCPU per request, proxy process (lower is better; medians)');
    for (const [label, a, b] of cpuPairs)
      console.log(
        `  ${label.padEnd(24)} cpu     new ${cpuRatio(a, b, 'newConn')}  keep-alive ${cpuRatio(a, b, 'keepAlive')}  bulk ${cpuRatio(a, b, 'bulk')}`,
      );
  }
  if (r.machineRuns) printMachineCpu(r.machineRuns, o.targets, o.kernel);
}

/**
 * The whole machine's CPU per request, paired like the throughput ratios: what a path costs in
 * all, wherever it ran. A run's throughput also moves with where the scheduler put wrk and nginx
 * (a busy CPU or an idle one); this moves less with that, and says how much work a path adds.
 */
function printMachineCpu(
  runs: Map<Metric, Map<string, number[]>>,
  targets: string[],
  kernel: boolean,
): void {
  const pairs: [string, string, string][] = [
    ['l4lab / direct', 'l4lab, events on', 'nginx direct'],
    ...(kernel
      ? ([
          ['nftables on / direct', KERNEL_ON, 'nginx direct'],
          ['nftables off / direct', KERNEL_OFF, 'nginx direct'],
          ['nftables on / off', KERNEL_ON, KERNEL_OFF],
        ] as [string, string, string][])
      : []),
  ];
  const shown = pairs.filter(([, a, b]) => targets.includes(a) && targets.includes(b));
  if (!shown.length) return;
  console.log(
    "\nCPU per request, whole machine (every CPU's busy time, wrk and nginx included, over the requests;",
  );
  console.log(' lower is better; paired: median of per-round ratios, then its 95% CI)');
  const metrics = (['newConn', 'keepAlive', 'bulk'] as const).filter((k) => runs.has(k));
  const names = { newConn: 'new', keepAlive: 'keep-alive', bulk: 'bulk' };
  for (const [label, a, b] of shown) {
    const cells = metrics.map((k) => {
      const x = runs.get(k)!.get(a)!;
      const y = runs.get(k)!.get(b)!;
      const ratios = x.map((v, i) => v / y[i]!).filter(Number.isFinite);
      if (!ratios.length) return `${names[k]} n/a`;
      const ci = medianInterval(ratios);
      return `${names[k]} ${medianOf(ratios).toFixed(2)}x${ci ? ` [${ci.low.toFixed(2)}-${ci.high.toFixed(2)}]` : ''}`;
    });
    console.log(`  ${label.padEnd(24)} ${cells.join('  ')}`);
  }
}
