import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/ownPage.ts';
import { startLab, type RunningLab } from './fixtures/startLab.ts';

// The projector's Class view (workshop mode): two students join, the instructor applies a Service
// with its pods in each namespace and sends a few connections (loopback only); the projector shows
// one lane per student with their counts, and follows the instructor's spotlight to the graph of
// one student and back. Its own lab (`--workshop` on loopback), so the suite's lab stays single-user.

let lab: RunningLab;

test.beforeAll(async () => {
  lab = await startLab(['--workshop', '--host', '127.0.0.1']);
});

test.afterAll(async () => {
  await lab?.stop();
});

function webIn(ns: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${ns}}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 80}]}`;
}

/** The lane's count of connections in the window, as the projector shows it. */
async function laneCount(page: Page, ns: string): Promise<number> {
  const text = await page
    .getByRole('article', { name: `Lane ${ns}` })
    .locator('.lane-count')
    .textContent();
  return Number.parseInt(text ?? '', 10);
}

test('the projector shows a lane per student with their connections, and follows the spotlight', async ({
  ownPage,
}) => {
  test.setTimeout(180_000);
  const instructorUrl = await lab.printed('instructor');
  const projectorUrl = await lab.printed('projector');
  const code = new URL(await lab.printed('join')).searchParams.get('code')!;
  const token = new URL(instructorUrl).searchParams.get('token')!;
  const call = async (path: string, body: string, type = 'application/json', method = 'POST') => {
    const res = await fetch(`${lab.url}${path}`, {
      method,
      headers: { 'Content-Type': type, Authorization: `Bearer ${token}` },
      body,
    });
    expect(res.ok, `${path}: ${res.status} ${await res.clone().text()}`).toBe(true);
    return (await res.json()) as Record<string, unknown>;
  };

  const namespaces: string[] = [];
  for (const name of ['ada', 'grace']) {
    const joined = await call('/api/workshop/join', JSON.stringify({ code, name }));
    namespaces.push(joined.namespace as string);
  }
  for (const ns of namespaces) await call('/api/apply', webIn(ns), 'application/yaml');

  const projector = await ownPage();
  await projector.goto(projectorUrl);
  // The viewer opens on the Class view: a lane per student, sorted by name, no system namespace.
  const lanes = projector.getByRole('region', { name: 'Class view' }).getByRole('article');
  await expect(lanes).toHaveCount(2);
  await expect(lanes.nth(0)).toHaveAttribute('data-namespace', 'ada');
  await expect(lanes.nth(1)).toHaveAttribute('data-namespace', 'grace');
  // Both endpoints of each Service become ready (green chips).
  for (const ns of namespaces) {
    await expect(
      projector.getByRole('article', { name: `Lane ${ns}` }).locator('.pod-chip.ready'),
    ).toHaveCount(2, { timeout: 60_000 });
  }

  // A few connections to each student's Service, from loopback clients.
  for (const [i, ns] of namespaces.entries()) {
    await call(
      '/api/traffic',
      JSON.stringify({
        target: `web.${ns}.svc.cluster.local:80`,
        from: 'external',
        protocol: 'http',
        rate: 4 + i * 4,
        duration: 3,
      }),
    );
  }
  for (const ns of namespaces) {
    await expect.poll(() => laneCount(projector, ns), { timeout: 30_000 }).toBeGreaterThan(5);
  }
  const ada = projector.getByRole('article', { name: 'Lane ada' });
  await expect(ada).toContainText(/web: random \d of 2/);

  // The instructor spotlights grace: the projector opens the graph on grace's namespace alone.
  const instructor = await ownPage();
  await instructor.goto(instructorUrl);
  await instructor.getByRole('button', { name: 'Class', exact: true }).click();
  await instructor.getByRole('button', { name: 'Spotlight grace', exact: true }).click();
  await expect(projector.getByRole('status').filter({ hasText: 'Spotlight: grace' })).toBeVisible({
    timeout: 10_000,
  });
  await expect(projector.getByRole('region', { name: 'Class view' })).toHaveCount(0);
  const shown = projector.getByRole('combobox', { name: 'Show Service' }).locator('option');
  await expect(shown).toContainText(['grace/web']);
  await expect(shown.filter({ hasText: 'ada/' })).toHaveCount(0);

  // Ending it brings the projector back to the Class view.
  await instructor.getByRole('button', { name: 'End spotlight' }).click();
  await expect(projector.getByRole('region', { name: 'Class view' })).toBeVisible({
    timeout: 10_000,
  });
});
