import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('the graph shows one Service alone when asked: its frontends and only its pods', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('11-keepalive-imbalance');
  await lab.applyAndExpect(/service\/api (created|unchanged)/);
  await lab.openScenario('01-clusterip');
  await lab.applyAndExpect(/service\/my-nginx (created|unchanged)/);
  await expect(lab.pods('default/api-')).toHaveCount(3);
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);

  const show = page.getByRole('combobox', { name: 'Show Service' });
  await show.selectOption('default/api');
  await expect(page.locator('g.service')).toHaveCount(1);
  await expect(lab.service('default/api')).toBeVisible();
  await expect(lab.pods('default/my-nginx-')).toHaveCount(0);
  await expect(lab.pods('default/api-')).toHaveCount(3);

  await show.selectOption('*');
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);
  expect(await page.locator('g.service').count()).toBeGreaterThanOrEqual(2);
});
