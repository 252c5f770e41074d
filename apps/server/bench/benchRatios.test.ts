import { describe, expect, it, vi } from 'vitest';
import { medianInterval, printComparison } from './benchRatios.ts';
import { KERNEL_ON } from './kernelTarget.ts';

describe('medianInterval', () => {
  const sorted = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('is undefined under 6 values: [min, max] of 5 is only 94 % sure', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
    expect(medianInterval([])).toBeUndefined();
  });

  it('is [min, max] for 6 to 8 values', () => {
    expect(medianInterval([6, 1, 3, 2, 5, 4])).toEqual({ low: 1, high: 6, coverage: 1 - 2 / 64 });
    expect(medianInterval(sorted(8))).toMatchObject({ low: 1, high: 8 });
  });

  it("gives the sign test's order statistics: 2nd and 8th of 9, 6th and 15th of 20", () => {
    // P(Binomial(9, 1/2) <= 1) = 10/512.
    expect(medianInterval(sorted(9))).toEqual({ low: 2, high: 8, coverage: 1 - 20 / 512 });
    const twenty = medianInterval(sorted(20).reverse())!;
    expect([twenty.low, twenty.high]).toEqual([6, 15]);
    expect(twenty.coverage).toBeCloseTo(0.9586, 4);
  });

  it('narrows at a lower level', () => {
    expect(medianInterval(sorted(9), 0.8)).toMatchObject({ low: 3, high: 7 });
  });
});

describe('printComparison', () => {
  it('leaves out the pairs and metrics that were not measured (BENCH_TARGETS, BENCH_METRICS)', () => {
    const direct = [100, 110, 90, 105, 95, 100];
    const kernel = [95, 104, 86, 100, 90, 96];
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    try {
      printComparison(
        {
          median: new Map([
            ['nginx direct', { newConn: 0, keepAlive: 100, bulk: 0 }],
            [KERNEL_ON, { newConn: 0, keepAlive: 95, bulk: 0 }],
          ]),
          allRuns: new Map([
            [
              'keepAlive',
              new Map([
                ['nginx direct', direct],
                [KERNEL_ON, kernel],
              ]),
            ],
          ]),
          cpuPerOp: new Map(),
          machineRuns: new Map([
            [
              'keepAlive',
              new Map([
                ['nginx direct', [30, 30, 30, 30, 30, 30]],
                [KERNEL_ON, [31, 33, 30, 31, 33, 31]],
              ]),
            ],
          ]),
        },
        { targets: ['nginx direct', KERNEL_ON], haproxies: [], haproxyLeftOut: true, kernel: true },
      );
    } finally {
      log.mockRestore();
    }
    const out = lines.join('\n');
    expect(out).not.toContain('0.00x');
    expect(out).not.toContain('l4lab / direct');
    expect(out).not.toContain('CPU per request, proxy process');
    expect(out).toMatch(/nftables on \/ direct\s+paired\s+new n\/a {2}keep-alive 0\.95x/);
    expect(out).toMatch(/nginx direct\s+- +100 +-/);
    // Whole-machine CPU per request: the median of 1.03, 1.1, 1, 1.03, 1.1, 1.03, in [min, max].
    expect(out).toMatch(/nftables on \/ direct\s+keep-alive 1\.03x \[1\.00-1\.10\]$/m);
    expect(out).not.toContain('nftables off / direct');
  });
});
