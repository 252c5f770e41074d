import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { SERVER_MAIN, buildServer } from './fixtures/startLab.ts';
import { testRanges } from './fixtures/testRanges.ts';

// The dashboard is started the way a user starts it (the built web app served by the server),
// on its own ports and workspaces so a developer's running lab is left alone.
const PORT = Number(process.env.L4LAB_E2E_PORT ?? 7171);
// Two workers, each with a lab of its own (ports PORT and PORT + 1): a test file runs on one lab
// from start to end, as it did when one worker had the only lab. The stage is CPU-bound on
// Chromium's renderers and the labs, and one worker left a core of two idle ~30% of the time.
const WORKERS = Number(process.env.L4LAB_E2E_WORKERS ?? 2);
// The runner starts the labs; a worker (which reads this file again) talks to its own, by its
// parallel index (0 .. WORKERS - 1, kept when a worker is replaced after a failure).
const runner = process.env.TEST_WORKER_INDEX === undefined;
const lab = Number(process.env.TEST_PARALLEL_INDEX ?? 0);
// One directory for the run (each worker takes the runner's), holding each lab's workspace,
// removed when the runner exits, after it stopped the servers.
const workspace = (process.env.L4LAB_E2E_WORKSPACE ??= mkdtempSync(join(tmpdir(), 'l4lab-e2e-')));
if (runner) process.once('exit', () => rmSync(workspace, { recursive: true, force: true }));
const root = resolve(import.meta.dirname, '..');
// The server as `npm start` runs it, its bundle, built once by the runner before the labs start
// (the tests' own labs, startLab.ts, run it too).
if (runner) buildServer();
// nginx processes (builtin where nginx is missing), never Docker: the browser's view is the same,
// a pod's container is the integration suites' to test with every runtime (kubelet, crash), and
// Docker's container starts cost this stage's tests ~45 s of a CI run (366 s against 322 s on
// nginx, 2026-12-07).
const runtime = ['/usr/sbin/nginx', '/usr/bin/nginx'].some((p) => existsSync(p))
  ? 'nginx'
  : 'builtin';
// Debian's chromium-headless-shell where it is installed (.ci/run installs it), else its chromium:
// the same Chromium 156 build, without the desktop browser a headless `chromium` still runs. A
// page load costs 3.7 CPU-s of all its processes instead of 5.1, and this stage 417 CPU-s of
// Chromium instead of 589 (419 s instead of 493, 2026-12-07). What Playwright itself runs its
// headless tests in. CHROMIUM_PATH names another.
const chromium =
  process.env.CHROMIUM_PATH ??
  (existsSync('/usr/bin/chromium-headless-shell')
    ? '/usr/bin/chromium-headless-shell'
    : '/usr/bin/chromium');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: join(root, 'test-results'),
  forbidOnly: !!process.env.CI,
  // No retries: a test that passes only on a second try is a defect to fix, not a pass.
  retries: 0,
  workers: WORKERS,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.L4LAB_E2E_JSON ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT + lab}`,
    // A trace records every action's DOM and a screencast: a third of the run's CPU. Under CI no
    // one can open it (the failure's message and screenshot are what CI prints and keeps), so off.
    trace: process.env.CI ? 'off' : 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1600, height: 1000 },
        launchOptions: {
          executablePath: chromium,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--no-first-run',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  // Test ranges (pods 127.150-199.0.0/16, services 127.100-149.0.0/16) clear of any running lab's,
  // each lab's from its worker's share; picked by the runner only.
  webServer: runner
    ? Array.from({ length: WORKERS }, (_, i) => ({
        command: [
          `node ${SERVER_MAIN} --port ${PORT + i}`,
          `--workspace ${join(workspace, `lab-${i}`)} ${testRanges(i).flags.join(' ')}`,
          `--runtime ${runtime} --log-level warn`,
        ].join(' '),
        cwd: root,
        url: `http://127.0.0.1:${PORT + i}/api/healthz`,
        reuseExistingServer: false,
        timeout: 60_000,
        stdout: 'pipe' as const,
        gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 10_000 },
      }))
    : [],
});
