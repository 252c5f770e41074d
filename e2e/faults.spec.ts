import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test.describe.configure({ mode: 'serial' });

test('killing a pod from its drawer: it leaves rotation, restarts and serves again', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('01-clusterip');
  await lab.applyAndExpect(/deployment\.apps\/my-nginx (created|unchanged|configured)/);
  const pods = lab.pods('default/my-nginx-');
  await expect(pods).toHaveCount(2);
  const target = pods.first();
  await expect(target).toHaveAttribute('data-health', 'ready');
  // Every state the pod's box goes through (the restart takes well under a second).
  await target.evaluate((el) => {
    const seen: string[] = [];
    (window as unknown as { seenHealth: string[] }).seenHealth = seen;
    new MutationObserver(() => seen.push(el.getAttribute('data-health') ?? '')).observe(el, {
      attributes: true,
      attributeFilter: ['data-health'],
    });
  });
  await lab.startTraffic('my-nginx.default:80', 30);
  // An earlier spec may have restarted this pod already: count from where it is.
  const restarts = Number(
    /↻(\d+)/.exec((await target.locator('.sub').textContent()) ?? '')?.[1] ?? 0,
  );
  await target.click();
  await expect(lab.drawer).toBeVisible();
  await lab.drawer.getByRole('button', { name: 'Kill' }).click();
  await expect(target.locator('.sub')).toContainText(`↻${restarts + 1}`);
  await expect(target).toHaveAttribute('data-health', 'ready');
  const seen = await page.evaluate(
    () => (window as unknown as { seenHealth: string[] }).seenHealth,
  );
  // Out of rotation while it restarts: not ready, or in back-off after an earlier restart.
  expect(seen.some((h) => h === 'unready' || h === 'crashloop')).toBe(true);
  // Back in rotation: it receives new connections after the restart.
  const before = Number(await target.getAttribute('data-connections'));
  await expect
    .poll(async () => Number(await target.getAttribute('data-connections')), { timeout: 20_000 })
    .toBeGreaterThan(before + 2);
  // The drawer lists the pod's own recent connections, with their routing reason.
  const recent = lab.drawer.getByRole('region', { name: 'recent connections' });
  await expect(recent.locator('li.outcome-ok').first()).toContainText(/my-nginx-/);
  await expect(recent.locator('li').first()).toContainText(/random [12] of 2/);
  await lab.stopAllTraffic();
});

test('rewind shows the pods as they were before a delete', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const pods = lab.pods('default/my-nginx-');
  await expect(pods).toHaveCount(2);
  const before = await lab.podNames('default/my-nginx-');
  await page.waitForTimeout(1500);
  await pods.first().click();
  await lab.drawer.getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => lab.podNames('default/my-nginx-')).not.toEqual(before);
  await expect(pods).toHaveCount(2, { timeout: 20_000 });
  await lab.dockTab('Connections');
  // Move the cursor 1 s before the delete... well before it: the oldest moment kept is enough.
  await page
    .getByRole('slider', { name: 'Rewind (seconds ago)' })
    .evaluate((el: HTMLInputElement) => {
      const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
      set?.call(el, '-60');
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
  await expect(page.getByText(/rewound to/)).toBeVisible();
  await expect.poll(() => lab.podNames('default/my-nginx-')).toEqual(before);
  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect.poll(() => lab.podNames('default/my-nginx-')).not.toEqual(before);
});
