// npm run fuzz [-- --count N] [--seed S] [--first I] [--only I [--dump FILE]] [lab flags]
// Hostile and clumsy applies (POST /api/apply) and WebSocket frames against a lab started in this
// process (builtin runtime unless --runtime says otherwise). Every case must answer without a 5xx,
// within 1 s, with errors[] and a line for each error when refused, and apply nothing when refused;
// the server must stay up. Prints the seed first, a summary line last; exit code 1 on any failure.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { FuzzCase } from '../src/fuzz/cases.ts';
import { MAX_ANSWER_MS } from '../src/fuzz/checks.ts';
import { reportLines, reproduce, timeLine } from '../src/fuzz/formatReport.ts';
import { loadSeeds } from '../src/fuzz/manifests.ts';
import { newSeed } from '../src/fuzz/random.ts';
import { runFuzz } from '../src/fuzz/runFuzz.ts';
import { startTestLab } from '../src/testLab.ts';
import { TOOL_LAB_OPTIONS, TOOL_LAB_USAGE, toolLabOverrides } from '../src/toolLabFlags.ts';

const USAGE = `Usage: npm run fuzz -- [--count 10000] [--seed S] [--first I] [--only I [--dump FILE]] [--verbose]
${TOOL_LAB_USAGE}`;

const { values } = parseArgs({
  options: {
    count: { type: 'string' },
    seed: { type: 'string' },
    first: { type: 'string' },
    only: { type: 'string' },
    dump: { type: 'string' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    ...TOOL_LAB_OPTIONS,
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const whole = (name: string, v: string | undefined, def: number): number => {
  const n = v === undefined ? def : Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`fuzz: --${name} ${v}: expected a whole number\n\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const seed = whole('seed', values.seed, newSeed());
const only = values.only === undefined ? undefined : whole('only', values.only, 0);
const first = only ?? whole('first', values.first, 0);
const count = only === undefined ? whole('count', values.count, 10_000) : 1;

const root = resolve(import.meta.dirname, '../../..');
const seeds = loadSeeds(join(root, 'scenarios'));
console.log(`fuzz: seed ${seed}, cases ${first}..${first + count - 1}`);

const t = await startTestLab(toolLabOverrides(values, 'builtin'));
let current: FuzzCase | undefined;
// A crash of the server is a crash of this process: say which case did it, then stop.
const crashed = (err: unknown) => {
  console.error(`fuzz: CRASH at case ${current?.index} (${current?.label}): ${String(err)}`);
  if (current) console.error(`  reproduce: ${reproduce(seed, current.index)}`);
  process.exit(1);
};
process.on('uncaughtException', crashed);
process.on('unhandledRejection', crashed);

let ok = false;
try {
  const report = await runFuzz(
    { url: t.lab.url, cluster: t.lab.cluster },
    {
      seed,
      first,
      count,
      seeds,
      maxAnswerMs: MAX_ANSWER_MS,
      onCase: (c) => {
        current = c;
        if (only !== undefined) describeCase(c);
      },
      ...(values.verbose
        ? {
            onAnswer: (c: FuzzCase, answer: string, ms: number, problems: string[]) =>
              console.log(
                `  case ${c.index} ${c.label}: ${answer} in ${ms.toFixed(1)} ms${problems.length ? ` FAILED: ${problems.join('; ')}` : ''}`,
              ),
          }
        : {}),
      onProgress: (done, r) =>
        console.log(`  ${done} cases, ${r.failed} failed, slowest ${Math.round(r.slowest.ms)} ms`),
    },
  );
  console.log(timeLine(report));
  for (const line of reportLines(report)) console.log(line);
  ok = report.failed === 0 && report.leftovers.length === 0;
} finally {
  await t.stop();
}
process.exit(ok ? 0 : 1);

function describeCase(c: FuzzCase): void {
  const payload = c.channel === 'http' ? c.body : c.frame;
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const how =
    c.channel === 'http'
      ? `POST /api/apply (Content-Type: ${c.contentType}${c.contentEncoding ? `, Content-Encoding: ${c.contentEncoding}` : ''})`
      : `a /ws ${typeof c.frame === 'string' ? 'text' : 'binary'} frame`;
  console.log(`case ${c.index}: ${c.label}, ${how}, ${size} bytes`);
  if (values.dump) {
    writeFileSync(values.dump, payload);
    console.log(`  payload written to ${values.dump}`);
    if (c.channel === 'http') {
      const headers = [`Content-Type: ${c.contentType ?? ''}`]
        .concat(c.contentEncoding ? [`Content-Encoding: ${c.contentEncoding}`] : [])
        .map((h) => `-H '${h}'`)
        .join(' ');
      console.log(
        `  against a lab: curl -sS ${headers} --data-binary @${values.dump} LAB_URL/api/apply`,
      );
    }
  } else if (size <= 2_000)
    console.log(typeof payload === 'string' ? payload : Buffer.from(payload).toString('base64'));
}
