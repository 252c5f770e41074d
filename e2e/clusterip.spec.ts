import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test.describe.configure({ mode: 'serial' });

test('seed 01: apply from the editor, start traffic, both pods serve', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(page.locator('.monaco-editor').first()).toContainText('my-nginx');

  await lab.applyButton.click();
  await expect(page.getByText(/deployment\.apps\/my-nginx (created|unchanged)/)).toBeVisible();
  await expect(lab.service('default/my-nginx')).toBeVisible();
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);
  await expect(lab.resources).toContainText('Running');

  await lab.traffic.getByRole('button', { name: 'Start traffic' }).click();
  const pods = lab.pods('default/my-nginx-');
  for (const i of [0, 1]) {
    await expect
      .poll(async () => Number(await pods.nth(i).getAttribute('data-connections')), {
        timeout: 20_000,
      })
      .toBeGreaterThan(3);
  }
  await lab.traffic.getByRole('button', { name: 'Stop' }).first().click();
  await page.screenshot({ path: 'test-results/dashboard-clusterip.png' });
});

test('a YAML error is marked at its line and applies nothing', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);
  const before = await lab.podNames('default/my-nginx-');

  await lab.typeAtEnd('\nfoo: bar: baz');
  // The marker is drawn at the line (Monaco renders the lines in view: the cursor's line is).
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await expect(lab.problems.first()).toContainText('Nested mappings are not allowed');
  await expect(lab.problems.first()).toContainText(/line 3[78]/);

  await lab.applyButton.click();
  await expect(lab.problems.first()).toBeVisible();
  await page.waitForTimeout(1000);
  expect(await lab.podNames('default/my-nginx-')).toEqual(before);
  await expect(lab.resources).toContainText('Running');
});
