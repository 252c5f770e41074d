// npm run soak [-- --minutes 10] [--kill-every 3] [--rate 25] [--seed S] [lab flags]
// Seeds 01-04 under traffic (the lab's own generators, loopback only) with a pod killed every few
// seconds (kill -9 of its nginx and delete through the API, in turns), in a lab started in this
// process with the nginx runtime. Prints connections, errors by kind, fds and RSS at start and end
// and the event loop's p99 delay, then PASS/FAIL per check; exit code 1 on any FAIL.
import { parseArgs } from 'node:util';
import { newSeed } from '../src/fuzz/random.ts';
import { soakReportLines } from '../src/soak/formatSoak.ts';
import { labClient } from '../src/soak/labClient.ts';
import { runSoak } from '../src/soak/runSoak.ts';
import { startTestLab } from '../src/testLab.ts';
import { TOOL_LAB_OPTIONS, TOOL_LAB_USAGE, toolLabOverrides } from '../src/toolLabFlags.ts';

const USAGE = `Usage: npm run soak -- [--minutes 10] [--kill-every 3] [--rate 25] [--seed S]
  [--max-p99-lag-ms 50] [--fd-slack 16] [--max-rss-growth 10]
${TOOL_LAB_USAGE}`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    'kill-every': { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    'max-p99-lag-ms': { type: 'string' },
    'fd-slack': { type: 'string' },
    'max-rss-growth': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    ...TOOL_LAB_OPTIONS,
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function positive(name: string, v: string | undefined, def: number, max: number): number {
  const n = v === undefined ? def : Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    console.error(`soak: --${name} ${v}: expected a number in (0, ${max}]\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
}

const minutes = positive('minutes', values.minutes, 10, 600);
const t = await startTestLab(toolLabOverrides(values, 'nginx'));
console.log(
  `soak: lab ${t.lab.url}, runtime ${t.lab.info.runtime}, workspace ${t.config.workspace}`,
);
// Ctrl-C stops the lab (and its nginx pods) before leaving.
process.once('SIGINT', () => void t.stop().then(() => process.exit(130)));

let ok = false;
try {
  const report = await runSoak({
    lab: labClient(t.lab.url),
    workspace: t.config.workspace,
    minutes,
    killEvery: positive('kill-every', values['kill-every'], 3, 3600),
    // Each generator sends at most 100,000 requests: the rate is bounded by the run's length.
    rate: positive('rate', values.rate, 25, Math.min(500, 100_000 / (minutes * 60 + 30))),
    seed: values.seed === undefined ? newSeed() : Number(values.seed),
    limits: {
      p99LagMs: positive('max-p99-lag-ms', values['max-p99-lag-ms'], 50, 60_000),
      fdSlack: positive('fd-slack', values['fd-slack'], 16, 100_000),
      rssGrowthPct: positive('max-rss-growth', values['max-rss-growth'], 10, 1_000),
    },
    print: (line) => console.log(line),
  });
  for (const line of soakReportLines(report)) console.log(line);
  ok = report.checks.every((c) => c.ok);
} finally {
  await t.stop();
}
process.exit(ok ? 0 : 1);
