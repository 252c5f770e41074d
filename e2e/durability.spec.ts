import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('another browser opens with the tabs the lab kept in its workspace', async ({
  page,
  browser,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('02-nodeport');
  await lab.typeAtEnd('\n# kept in the workspace');
  // Saved to the workspace shortly after the last keystroke.
  await expect
    .poll(async () => JSON.stringify(await (await page.request.get('/api/editor-tabs')).json()))
    .toContain('# kept in the workspace');

  // A second browser: its storage is empty, so it takes the workspace's tabs.
  const other = await browser.newContext();
  try {
    const second = await other.newPage();
    await second.goto(new URL('/?tour=0', page.url()).href);
    await expect(second.getByRole('tab', { name: '02-nodeport.yaml' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(second.getByRole('tab', { name: '01-clusterip.yaml' })).toBeVisible();
    await second.locator('.monaco-editor .view-lines').first().click();
    await second.keyboard.press('ControlOrMeta+End');
    await expect(second.locator('.monaco-editor').first()).toContainText('kept in the workspace');
  } finally {
    await other.close();
  }
});
