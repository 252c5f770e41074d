import type { SoakReport } from './runSoak.ts';

function counts(c: Record<string, number>): string {
  const rows = Object.entries(c).sort(([, a], [, b]) => b - a);
  return rows.length ? rows.map(([k, n]) => `${k} ${n}`).join(', ') : 'none';
}

/** The soak's final report: what ran, what it cost, and each check with PASS or FAIL. */
export function soakReportLines(r: SoakReport): string[] {
  const sent = r.generators.reduce((n, g) => n + g.sent, 0);
  const ok = r.generators.reduce((n, g) => n + g.ok, 0);
  const mem = (s: SoakReport['baseline']) =>
    `fds ${s.fds}, RSS ${s.rssMB.toFixed(1)} MB, heap ${s.heapMB.toFixed(1)} MB`;
  const lines = [
    `soak report (${r.seconds} s of traffic, warm-up ${r.warmupSeconds} s):`,
    `  connections: ${r.dataplane.connections} through the data plane; generators sent ${sent}, ${ok} answered (${((ok / Math.max(1, sent)) * 100).toFixed(2)} %)`,
    ...r.generators.map((g) => `    ${g.target}: sent ${g.sent}, ok ${g.ok}, errors ${g.errors}`),
    `  errors by kind: data plane refused ${r.dataplane.refused}, reset ${r.dataplane.reset}, dropped ${r.dataplane.dropped}; clients ${counts(r.viewer.clientErrors)}`,
    `  connection outcomes seen by a viewer: ${counts(r.viewer.outcomes)}; ${r.viewer.sampled} more counted, not sent one by one; ${r.viewer.frames} frames, ${r.viewer.reconnects} reconnects`,
    `  pods killed: ${r.kills['kill -9']} by kill -9, ${r.kills.delete} deleted through the API, ${r.kills.skipped} turns skipped${r.kills.lastSkip ? ` (last: ${r.kills.lastSkip})` : ''}`,
    `  start (seeds Ready, before traffic): ${mem(r.baseline)}`,
    `  after warm-up:                       ${mem(r.afterWarmup)}`,
    `  end of traffic:                      ${mem(r.endOfTraffic)}`,
    `  end (traffic stopped, pods Ready):   ${mem(r.afterRecovery)}`,
    `  event loop delay: p50 ${r.lagMs.p50.toFixed(1)} ms, p99 ${r.lagMs.p99.toFixed(1)} ms, max ${r.lagMs.max.toFixed(0)} ms`,
    `  pod directories left in the workspace: ${r.podDirs}`,
    ...r.checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`),
  ];
  const failed = r.checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? 'soak: PASS' : `soak: FAIL (${failed} of ${r.checks.length} checks)`);
  return lines;
}
