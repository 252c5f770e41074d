import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

// The Lessons tab as a learner uses it on the lab e2e starts (not in workshop mode, so the
// checks look in `default`): pick a lesson, open the step's file, apply it, see the check pass.

const DEPLOYMENT = '/api/objects/deployments/default/my-nginx';

async function myNginxPods(page: Page): Promise<number> {
  const res = await page.request.get('/api/objects/pods?namespace=default');
  const { items } = (await res.json()) as { items: { metadata: { name: string } }[] };
  return items.filter((p) => p.metadata.name.startsWith('my-nginx-')).length;
}

/** The check must go from "not yet" to green: start without the Deployment another test left. */
async function withoutMyNginx(page: Page): Promise<void> {
  await page.request.delete(DEPLOYMENT);
  await expect.poll(() => myNginxPods(page), { timeout: 30_000 }).toBe(0);
}

test.afterEach(async ({ page }) => {
  await page.request.delete(DEPLOYMENT);
});

test('ClusterIP lesson: open the step’s file, apply it, the check turns green', async ({
  page,
}) => {
  await withoutMyNginx(page);
  const lab = new LabPage(page);
  await lab.open();

  await page.getByRole('tab', { name: 'Lessons', exact: true }).click();
  const panel = page.getByTestId('lessons');
  await panel.getByRole('button', { name: /ClusterIP: one address in front of your pods/ }).click();
  await expect(panel.getByTestId('lesson-step-count')).toHaveText('step 1 of 4');
  await expect(panel.getByRole('heading', { name: 'Run two nginx pods' })).toBeVisible();
  await expect(panel.locator('pre code').first()).toContainText('kubectl apply -f pod_test.yaml');

  const check = panel
    .getByTestId('lesson-check')
    .filter({ hasText: 'Two my-nginx pods are Ready' });
  await expect(check).toHaveAttribute('data-state', 'fail');
  await expect(check).toContainText('want at least 2');

  await panel.getByRole('button', { name: 'Open pod_test.yaml in editor' }).click();
  await expect(page.getByRole('tab', { name: 'pod_test.yaml' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await lab.applyAndExpect(/deployment\.apps\/my-nginx created/);

  await expect(check).toHaveAttribute('data-state', 'pass', { timeout: 30_000 });
  await expect(panel.getByRole('status').filter({ hasText: 'All checks pass' })).toBeVisible();
  await page.screenshot({ path: 'test-results/lessons-panel.png' });

  // Progress is kept: after a reload the panel is back on the lesson, and Next moves on.
  await page.reload();
  await expect(lab.linkState).toHaveText('online');
  await page.getByRole('tab', { name: 'Lessons', exact: true }).click();
  await expect(panel.getByTestId('lesson-step-count')).toHaveText('step 1 of 4');
  await panel.getByRole('button', { name: 'Next step' }).click();
  await expect(panel.getByTestId('lesson-step-count')).toHaveText('step 2 of 4');
});

test('the progress board says it needs workshop mode on a lab without it', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByRole('tab', { name: 'Lessons', exact: true }).click();
  await page.getByTestId('lessons').getByRole('button', { name: 'Class progress' }).click();
  await expect(page.getByTestId('progress-board')).toContainText(
    /the progress board needs workshop mode \(npm start -- --workshop\)/i,
  );
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('progress-board')).toHaveCount(0);
});
