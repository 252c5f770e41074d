import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BrowserContextOptions, Page } from '@playwright/test';
import { expect, test } from './fixtures/ownPage.ts';
import { startLab, type RunningLab } from './fixtures/startLab.ts';
import { LabPage } from './fixtures/LabPage.ts';

// Workshop mode as a room uses it, on one lab (`--workshop`, on loopback here): an instructor, a
// projector and two students, each a browser of their own; each student joins from the join page,
// downloads their kubeconfig and drives their namespace with the real kubectl: applies there,
// is refused elsewhere in the API server's words, sends connections to their own Service and sees
// them (and only theirs) live; the projector shows both students.

const HAS_KUBECTL = (process.env.PATH ?? '')
  .split(delimiter)
  .some((dir) => existsSync(join(dir, 'kubectl')));

let lab: RunningLab;
let home: string;

test.beforeAll(async () => {
  lab = await startLab(['--workshop', '--host', '127.0.0.1']);
  home = await mkdtemp(join(tmpdir(), 'l4lab-e2e-kubectl-'));
});

test.afterAll(async () => {
  await lab?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

function kubectl(
  kubeconfig: string,
  args: string[],
  input?: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((done) => {
    const child = execFile(
      'kubectl',
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home }, timeout: 30_000 },
      (err, stdout, stderr) =>
        done({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 }),
    );
    // kubectl may exit before reading its input (get, delete): a closed pipe is not a failure.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** A student joins from the join page in a browser of their own and downloads their kubeconfig. */
async function join_(
  ownPage: (options?: BrowserContextOptions) => Promise<Page>,
  name: string,
): Promise<{ page: Page; kubeconfig: string }> {
  const page = await ownPage({ acceptDownloads: true });
  await page.goto(await lab.printed('join'));
  await page.getByLabel(/Your name/).fill(name);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  const joined = page.getByTestId('joined');
  await expect(joined.getByRole('status')).toHaveText(`You are ${name}, namespace ${name}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    joined.getByRole('link', { name: 'Download kubeconfig' }).click(),
  ]);
  const kubeconfig = join(home, download.suggestedFilename());
  await writeFile(kubeconfig, await readFile((await download.path())!, 'utf8'));
  return { page, kubeconfig };
}

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-nginx
spec:
  selector: { matchLabels: { run: my-nginx } }
  replicas: 2
  template:
    metadata: { labels: { run: my-nginx } }
    spec:
      containers:
      - name: my-nginx
        image: nginx
        ports: [{ containerPort: 80 }]
---
apiVersion: v1
kind: Service
metadata:
  name: my-nginx
  labels: { run: my-nginx }
spec:
  ports: [{ port: 80, protocol: TCP }]
  selector: { run: my-nginx }
`;

test('two students with their own kubectl, an instructor and a projector share one lab', async ({
  ownPage,
}) => {
  test.skip(!HAS_KUBECTL && !process.env.CI, 'kubectl is not on PATH');
  test.setTimeout(180_000);
  const projector = await ownPage();
  await projector.goto(await lab.printed('projector'));
  const instructor = await ownPage();
  await instructor.goto(await lab.printed('instructor'));

  const students = [await join_(ownPage, 'alice'), await join_(ownPage, 'bob')];
  for (const [i, s] of students.entries()) {
    const name = i === 0 ? 'alice' : 'bob';
    const applied = await kubectl(s.kubeconfig, ['apply', '-f', '-'], WORKLOAD);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('deployment.apps/my-nginx created');
    expect(applied.stdout).toContain('service/my-nginx created');
    const elsewhere = await kubectl(s.kubeconfig, ['get', 'pods', '-n', 'default']);
    expect(elsewhere.stderr).toContain(
      `Error from server (Forbidden): pods is forbidden: User "${name}" cannot list resource "pods" in API group "" in the namespace "default"`,
    );
    const other = i === 0 ? 'bob' : 'alice';
    const intoOther = await kubectl(s.kubeconfig, ['delete', 'service', 'my-nginx', '-n', other]);
    expect(intoOther.stderr).toContain(
      `services "my-nginx" is forbidden: User "${name}" cannot delete resource "services"`,
    );
    await expect
      .poll(async () => (await kubectl(s.kubeconfig, ['get', 'pods', '--no-headers'])).stdout, {
        timeout: 30_000,
      })
      .toMatch(/1\/1\s+Running[\s\S]*1\/1\s+Running/);
  }

  // Each student opens their lab and sends connections to their own Service from its Traffic
  // panel: the graph shows their two pods (never the other student's) serving them.
  for (const [i, s] of students.entries()) {
    const name = i === 0 ? 'alice' : 'bob';
    await s.page.getByRole('link', { name: 'Open my lab' }).click();
    const page = new LabPage(s.page);
    await expect(page.linkState).toHaveText('online');
    await expect(page.pods(`${name}/my-nginx`)).toHaveCount(2);
    await page.startTraffic('my-nginx', 20);
    await page.expectEachPodServes(`${name}/my-nginx`, 2, 2);
    // Never the other student's pods: their namespace does not reach this browser.
    await expect(page.pods('')).toHaveCount(2);
  }

  // The projector sees both students' namespaces and their connections, one lane each.
  for (const name of ['alice', 'bob']) {
    const lane = projector.locator(`[aria-label="Lane ${name}"]`);
    await expect(lane).toContainText('my-nginx', { timeout: 20_000 });
    await expect
      .poll(async () => Number(/(\d+)\s*conn/.exec((await lane.textContent()) ?? '')?.[1] ?? 0), {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
  }
  // The instructor's roster lists both, with their pods.
  await instructor.getByRole('button', { name: 'Workshop', exact: true }).click();
  const roster = instructor.getByRole('dialog', { name: 'Workshop' });
  await expect(roster.locator('tr[aria-label="student alice"]')).toBeVisible();
  await expect(roster.locator('tr[aria-label="student bob"]')).toBeVisible();
});
