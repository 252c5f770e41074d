import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('reload keeps the editor tabs and their text', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('02-nodeport');
  await lab.typeAtEnd('\n# kept across reloads');
  await page.reload();
  await expect(lab.linkState).toHaveText('online');
  await expect(page.getByRole('tab', { name: '02-nodeport.yaml' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  // Monaco renders the lines in view: go to the end first.
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+End');
  await expect(page.locator('.monaco-editor').first()).toContainText('kept across reloads');
  await page.getByRole('tab', { name: '01-clusterip.yaml' }).click();
  await expect(page.locator('.monaco-editor').first()).toContainText('name: my-nginx');
});

test('presenting and back: the editor comes back with what was typed, not the last file opened', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('03-externalname');
  await lab.typeAtEnd('\n# typed before presenting');
  await page.getByTestId('link-state').click(); // out of the editor: its keys are its own
  await page.keyboard.press('p');
  await expect(page.locator('html.presenter')).toHaveCount(1);
  await expect(page.locator('.monaco-editor')).toHaveCount(0);
  await page.keyboard.press('p');
  await expect(page.locator('html.presenter')).toHaveCount(0);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('ControlOrMeta+End');
  await expect(page.locator('.monaco-editor').first()).toContainText('typed before presenting');
});

test('the editor helps as an editor does: Kubernetes completions, find, comment a line', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByRole('button', { name: 'New tab' }).click();
  const editor = page.locator('.monaco-editor').first();
  await editor.locator('.view-lines').click();
  // Pasted in one go, newlines included: typed, an Enter takes a suggestion that pops up late on a
  // busy machine (`kind: Servicespec:`, a CI run of 2026-12-08), however soon Escape follows.
  await page.keyboard.insertText('apiVersion: v1\nkind: Service\nspec:\n');
  await page.keyboard.press('Escape');
  await page.keyboard.type('  typ');
  await page.keyboard.press('Control+Space');
  await expect(page.locator('.suggest-widget.visible .monaco-list-row').first()).toContainText(
    'type',
  );
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+f');
  await expect(page.locator('.find-widget.visible')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+/');
  await expect(editor).toContainText('#   typ');
});

test('the page makes no request outside its own origin', async ({ page, baseURL }) => {
  const origin = new URL(baseURL ?? '').origin;
  const outside: string[] = [];
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      return route.continue();
    }
    outside.push(url);
    return route.abort('blockedbyclient');
  });
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) {
      outside.push(url);
    }
  });
  const lab = new LabPage(page);
  await lab.open();
  // Its own Service to click, whatever ran before (this spec may run alone).
  await page.getByRole('tab', { name: '01-clusterip.yaml' }).click();
  await lab.applyAndExpect(/service\/my-nginx (created|unchanged|configured)/);
  await lab.typeAtEnd('\n');
  await lab.dockTab('Terminal');
  await lab.dockTab('Connections');
  await page.locator('g.service').first().click();
  await expect(lab.drawer).toContainText(/Name:|kubectl describe/);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await page.keyboard.press('Escape');
  await page.waitForTimeout(1000);
  expect(outside).toEqual([]);
});

test('live mode: replicas 2 -> 5 makes three pods appear, an invalid edit applies nothing', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('01-clusterip');
  await page.getByRole('button', { name: 'Reset tab' }).click();
  await lab.applyAndExpect(/deployment\.apps\/my-nginx/);
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);
  // Live mode streams over the WebSocket: no POST /api/apply from here on.
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/apply')) posts.push(r.url());
  });
  await page.getByRole('checkbox', { name: 'Live', exact: true }).check();
  await page.locator('.monaco-editor').getByText('replicas: 2').click();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('5');
  await expect(lab.pods('default/my-nginx-')).toHaveCount(5, { timeout: 20_000 });
  await page.keyboard.press('Backspace');
  await page.keyboard.type('-1');
  await expect(page.getByTestId('live-status')).toContainText('invalid edit');
  await page.waitForTimeout(1500);
  await expect(lab.pods('default/my-nginx-')).toHaveCount(5);
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('2');
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2, { timeout: 30_000 });
  await page.getByRole('checkbox', { name: 'Live', exact: true }).uncheck();
  expect(posts).toEqual([]);
});
