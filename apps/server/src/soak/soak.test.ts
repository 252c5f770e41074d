// The soak's verdicts: each check fails past its bound; client errors are sorted by kind.
import { describe, expect, it } from 'vitest';
import { type SoakReport, soakChecks } from './runSoak.ts';
import { errorKind } from './soakViewer.ts';

const limits = { fdSlack: 16, rssGrowthPct: 10, p99LagMs: 50 };

function report(over: Partial<SoakReport>): SoakReport {
  const s = { fds: 60, rssMB: 100, heapMB: 20 };
  return {
    baseline: s,
    afterWarmup: s,
    endOfTraffic: s,
    afterRecovery: s,
    lagMs: { p50: 0.1, p99: 3, max: 20 },
    recovered: true,
    podDirs: 9,
    pods: 9,
    ...over,
  } as SoakReport;
}

const verdicts = (r: SoakReport) => soakChecks(r, limits).map((c) => c.ok);

describe('soakChecks', () => {
  it('passes within the bounds', () => {
    expect(verdicts(report({ afterRecovery: { fds: 76, rssMB: 110, heapMB: 20 } }))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('fails fds over the slack, RSS growth over 10 %, a slow loop, pod directories left, pods not back', () => {
    expect(verdicts(report({ afterRecovery: { fds: 77, rssMB: 100, heapMB: 20 } }))[0]).toBe(false);
    expect(verdicts(report({ endOfTraffic: { fds: 60, rssMB: 110.5, heapMB: 20 } }))[1]).toBe(
      false,
    );
    expect(verdicts(report({ lagMs: { p50: 1, p99: 51, max: 90 } }))[2]).toBe(false);
    expect(verdicts(report({ podDirs: 10 }))[3]).toBe(false);
    expect(verdicts(report({ recovered: false }))[4]).toBe(false);
  });
});

describe('errorKind', () => {
  it('sorts client errors by kind', () => {
    expect(errorKind('connect ECONNREFUSED 127.0.0.1:80')).toBe('refused');
    expect(errorKind('socket hang up')).toBe('reset');
    expect(errorKind('read ECONNRESET')).toBe('reset');
    expect(errorKind('timeout')).toBe('timeout');
    expect(errorKind('too many requests in flight; skipped')).toBe('skipped');
    expect(errorKind(undefined)).toBe('other');
  });
});
