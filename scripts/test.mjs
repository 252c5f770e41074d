#!/usr/bin/env node
// `npm test`: every stage in CI order (unit -> integration -> kernel -> e2e), with the static checks
// (format, lint, typecheck) beside them at the lowest CPU priority, stopping at the first failure,
// then one summary line: "tests: N passed, N failed, N skipped".
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'l4lab-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
/** Each stage's wall time, printed with the summary: where a CI run's minutes go. */
const timings = [];
const started = Date.now();

/** One stage, its output straight to the terminal (asynchronous: the static checks' ends are seen). */
async function run(name, cmd, args, env = {}) {
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const t0 = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('error', () => resolve(1));
    child.on('close', (c) => resolve(c));
  });
  timings.push(`${name} ${Math.round((Date.now() - t0) / 1000)} s`);
  return code === 0;
}

function addVitest(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += j.numPassedTests ?? 0;
    totals.failed += j.numFailedTests ?? 0;
    totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  } catch {
    totals.failed += 1; // no report: the stage did not run its tests
  }
}

function addPlaywright(file) {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
    // A test that passed only on a retry is flaky: it fails the run (retries are off anyway).
    totals.passed += s.expected ?? 0;
    totals.failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
    totals.skipped += s.skipped ?? 0;
  } catch {
    totals.failed += 1;
  }
}

function finish(ok) {
  rmSync(out, { recursive: true, force: true });
  console.log(
    `\ntimes: ${timings.join(', ')}; total ${Math.round((Date.now() - started) / 1000)} s`,
  );
  console.log(
    `\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
  );
  process.exit(ok && totals.failed === 0 ? 0 : 1);
}

const vitest = async (project) => {
  const file = join(out, `${project}.json`);
  const ok = await run(project, 'npx', [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ]);
  addVitest(file);
  return ok;
};

/** Whether a command runs (exit 0). */
const works = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/**
 * The dataplane suites on the kernel dataplane: the whole vitest run inside a network namespace
 * of its own (root: `unshare --net`; otherwise an unprivileged user namespace, `unshare -Urn`),
 * loopback up, so nftables and conntrack there never touch the host's. Without the tools or the
 * privileges the stage says so and counts as skipped; under CI it fails instead.
 */
async function kernelStage() {
  const root = process.getuid?.() === 0;
  const unshare = root ? ['--net'] : ['--user', '--map-root-user', '--net'];
  const missing = ['nft', 'conntrack'].filter(
    (t) => !['/usr/sbin', '/sbin', '/usr/bin'].some((d) => works('test', ['-x', `${d}/${t}`])),
  );
  if (missing.length === 0 && !works('unshare', [...unshare, 'true'])) missing.push('unshare');
  if (missing.length > 0) {
    const why = `kernel dataplane suites: ${missing.join(', ')} not usable here (Debian: apt-get install nftables conntrack; root or unprivileged user namespaces)`;
    if (process.env.CI) {
      console.log(`\n== kernel: FAILED, ${why}`);
      totals.failed += 1;
      return false;
    }
    console.log(`\n== kernel: SKIPPED, ${why}`);
    totals.skipped += 1;
    return true;
  }
  const file = join(out, 'kernel.json');
  const vitestArgs = [
    'vitest',
    'run',
    '--project',
    'kernel',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ];
  const ok = await run('kernel', 'unshare', [
    ...unshare,
    '--',
    'sh',
    '-c',
    'ip link set lo up && PATH="$PATH:/usr/sbin:/sbin" exec npx "$@"',
    'sh',
    ...vitestArgs,
  ]);
  addVitest(file);
  return ok;
}

/**
 * The static checks: they read the sources and write nothing a test reads (tsc writes `.tsbuild/`),
 * so they run beside the test stages, started first, each under `nice -n 19`. The suites leave a
 * fifth to a quarter of the 2-core machine idle (they wait on sockets, processes, the browser); the
 * checks take that time instead of ~90 s of their own ahead of the tests, and yield the cores
 * whenever a test wants them. Each one's output goes to a file, printed whole, in the listed order,
 * once all have ended; one that fails stops the run before its next stage.
 */
function startStatic(commands) {
  const t0 = Date.now();
  const failed = [];
  const all = Promise.all(
    commands.map(([name, cmd, args]) => {
      const log = join(out, `${name}.log`);
      const fd = openSync(log, 'w');
      return new Promise((resolve) => {
        const child = spawn('nice', ['-n', '19', cmd, ...args], { stdio: ['ignore', fd, fd] });
        const end = (code) => {
          closeSync(fd);
          const r = { name, cmd, args, log, ok: code === 0, s: (Date.now() - t0) / 1000 };
          if (!r.ok) failed.push(r);
          resolve(r);
        };
        child.on('error', () => end(1));
        child.on('close', end);
      });
    }),
  );
  return {
    failed,
    /** Waits for every check, prints each one's output and time; whether all passed. */
    async report() {
      const results = await all;
      for (const r of results) {
        console.log(`\n== ${r.name}: ${r.cmd} ${r.args.join(' ')}`);
        process.stdout.write(readFileSync(r.log, 'utf8'));
        if (!r.ok) totals.failed += 1;
      }
      timings.push(
        `${results.map((r) => `${r.name} ${Math.round(r.s)}`).join(' | ')} s (niced, beside the tests)`,
      );
      return results.every((r) => r.ok);
    },
  };
}

const staticChecks = startStatic([
  ['format', 'npx', ['prettier', '--check', '.']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings=0']],
  ['typecheck', 'npm', ['run', '-s', 'typecheck']],
]);

const stages = [
  () => vitest('unit'),
  () => vitest('integration'),
  kernelStage,
  () => run('build web', 'npm', ['run', '-s', 'build:web']),
  async () => {
    const file = join(out, 'e2e.json');
    const ok = await run('e2e', 'npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: file,
      L4LAB_E2E_JSON: '1',
    });
    addPlaywright(file);
    return ok;
  },
];

let ok = true;
for (const stage of stages) {
  if (staticChecks.failed.length > 0) {
    console.log(
      `\n== ${staticChecks.failed.map((r) => r.name).join(', ')} failed: no further stage`,
    );
    ok = false;
    break;
  }
  if (!(await stage())) {
    ok = false;
    break;
  }
}
// The checks end on their own (their cores are free once the tests stop): their output either way.
finish((await staticChecks.report()) && ok);
