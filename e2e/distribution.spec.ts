import { expect, test } from '@playwright/test';
import { DistributionPanel } from './fixtures/DistributionPanel.ts';
import { LabPage } from './fixtures/LabPage.ts';

test.describe.configure({ mode: 'serial' });

test('scenario 11: the idle pod is listed at 0 requests, and the verdict says not uniform', async ({
  page,
}) => {
  const lab = new LabPage(page);
  const dist = new DistributionPanel(page);
  await lab.open();
  await lab.openScenario('11-keepalive-imbalance');
  await lab.applyAndExpect(/service\/api (created|unchanged)/);
  await expect(lab.pods('default/api-')).toHaveCount(3);
  await lab.traffic.getByRole('spinbutton', { name: 'Clients' }).fill('2');
  await lab.traffic.getByRole('checkbox', { name: 'Keep-alive' }).check();
  await lab.startTraffic('api.default:80', 40);

  // Connections: two, over three pods. Far too few for χ², and the panel says how many more.
  const api = 'default/api';
  await expect(dist.rows(api)).toHaveCount(3);
  await expect(dist.verdict(api)).toHaveAttribute('data-verdict', 'too-few');
  await expect(dist.verdict(api)).toContainText(
    /Too few to test.*needs ≥\s5 expected per endpoint: \d+ more connections/s,
  );

  // Requests: every pod is a row, the one no connection landed on at 0.
  await dist.show(api, 'requests');
  await expect(dist.rows(api)).toHaveCount(3);
  await expect(dist.rows(api).and(page.locator('[data-count="0"]')).first()).toBeVisible();
  await expect(dist.verdict(api)).toHaveAttribute('data-verdict', 'not-uniform');
  await expect(dist.verdict(api)).toContainText('Not uniform');
  await expect(dist.verdict(api)).toContainText(/got 0 of \d+/);
  await expect(dist.verdict(api)).not.toContainText(/consistent|No evidence/);
  await expect(dist.card(api)).toContainText(/keep-alive: \d+ requests over/);
  await lab.stopAllTraffic();
  for (const kind of ['services', 'deployments']) {
    expect((await page.request.delete(`/api/objects/${kind}/default/api`)).ok()).toBe(true);
  }
});

test('the panel counts a window, resets, follows a pod restart, and drops a deleted Service', async ({
  page,
}) => {
  const lab = new LabPage(page);
  const dist = new DistributionPanel(page);
  await lab.open();
  await lab.openScenario('01-clusterip');
  await lab.applyAndExpect(/deployment\.apps\/my-nginx (created|unchanged|configured)/);
  const svc = 'default/my-nginx';
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);
  await expect(dist.root.getByRole('button', { name: 'last 60 s' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await lab.startTraffic('my-nginx.default:80', 40);
  await expect.poll(() => dist.total(svc), { timeout: 20_000 }).toBeGreaterThan(40);

  // Reset: "since reset" is chosen and counting starts again from nothing.
  await dist.root.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(dist.root.getByRole('button', { name: 'since reset' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  expect(await dist.total(svc)).toBeLessThan(40);
  await expect.poll(() => dist.total(svc), { timeout: 20_000 }).toBeGreaterThan(10);

  // A pod restarts: out of rotation for a moment. χ² then counts only since it came back.
  const [first] = Object.keys(await dist.counts(svc));
  const res = await page.request.post(`/api/pods/default/${first!.split('/')[1]}/kill`);
  expect(res.ok()).toBe(true);
  await expect(dist.card(svc).getByTestId('dist-method')).toContainText(
    /over the 2 ready endpoints, since they changed \d+ s ago/,
    { timeout: 20_000 },
  );
  await expect(dist.rows(svc)).toHaveCount(2);

  // The Service is deleted: its card goes, though the counters of its connections remain.
  await lab.stopAllTraffic();
  const deleted = await page.request.delete('/api/objects/services/default/my-nginx');
  expect(deleted.ok()).toBe(true);
  await expect(dist.card(svc)).toHaveCount(0);
  await dist.root.getByRole('button', { name: 'last 60 s' }).click();
  await expect(dist.card(svc)).toHaveCount(0);
  // Leave the lab as the next spec expects it.
  await lab.applyAndExpect(/service\/my-nginx created/);
});
