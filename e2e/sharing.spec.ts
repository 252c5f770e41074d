import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

// Sharing: a scenario carried by a link, and a whole workspace exported to a file and imported.

const SHARED = `apiVersion: v1
kind: Service
metadata:
  name: shared-svc
  annotations: {note: "partagé ✓ 🚀"}
spec:
  selector: {app: shared}
  ports: [{port: 80}]
`;

test('a copied link opens its YAML in a new tab, not applied; a broken one says why', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  // A tab of its own, with the text put in at once (as a paste).
  await page.getByRole('button', { name: 'New tab' }).click();
  const editor = page.locator('.monaco-editor').first();
  await editor.locator('.view-lines').click();
  await page.keyboard.insertText(SHARED);
  await expect(editor).toContainText('shared-svc');
  const editorTabs = page.getByRole('tablist', { name: 'Editor tabs' });
  const title = (await editorTabs.getByRole('tab', { selected: true }).textContent()) ?? '';

  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.getByTestId('scenario-link').inputValue();
  const url = new URL(link);
  expect(url.pathname).toBe('/');
  expect(url.search).toBe('');
  expect(url.hash).toMatch(/^#scenario=[A-Za-z0-9_-]+&title=/);

  // Opening it (in this page: only the fragment changes) adds a tab with the same text.
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, url.hash);
  const tabs = editorTabs.getByRole('tab', { name: title, exact: true });
  await expect(tabs).toHaveCount(2);
  await expect(tabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('sharing-notice')).toContainText(`Opened “${title}” from a link`);
  await expect(page).not.toHaveURL(/#scenario=/);
  await expect(editor).toContainText('partagé ✓ 🚀');
  await expect(page.getByTestId('apply-summary')).toContainText('Edit the manifests, then Apply');
  expect((await page.request.get('/api/objects/services/default/shared-svc')).status()).toBe(404);

  // The link opened in a fresh load of the page: the same.
  await page.goto(link);
  await expect(lab.linkState).toHaveText('online');
  await expect(editorTabs.getByRole('tab', { name: title, exact: true })).toHaveCount(3);

  // A link cut short when copied: nothing opens, and the page says why.
  await page.evaluate((hash) => {
    window.location.hash = hash.slice(0, hash.indexOf('&') - 8);
  }, url.hash);
  await expect(page.getByTestId('sharing-notice')).toContainText(
    'The shared scenario was not opened',
  );
  await expect(page.getByTestId('sharing-notice')).toContainText('damaged');
  await expect(editorTabs.getByRole('tab', { name: title, exact: true })).toHaveCount(3);
});

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: share-web}
spec:
  replicas: 1
  selector: {matchLabels: {app: share-web}}
  template:
    metadata: {labels: {app: share-web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: share-web}
spec:
  selector: {app: share-web}
  ports: [{port: 80}]
`;

test('a workspace exported to a file comes back by import: objects, tabs, lesson progress', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  const applied = await page.request.post('/api/apply', {
    headers: { 'Content-Type': 'application/yaml' },
    data: WORKLOAD,
  });
  expect(applied.status()).toBe(200);
  await lab.openScenario('02-nodeport');
  await page.evaluate(() => localStorage.setItem('l4lab.lesson.default', '{"lesson":"02"}'));

  await page.getByRole('button', { name: 'Workspace ▾' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Export workspace' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^l4lab-workspace-\d{4}-\d{2}-\d{2}\.json$/);
  const path = await download.path();
  const file = JSON.parse(await readFile(path, 'utf8')) as {
    kind: string;
    objects: { kind: string; metadata: { name: string } }[];
    editorTabs: { tabs: { title: string }[] };
    lessonProgress: Record<string, string>;
  };
  expect(file.kind).toBe('L4labWorkspace');
  // Its own objects (another spec may have left its own in the shared lab: not this test's).
  expect(
    file.objects.map((o) => `${o.kind} ${o.metadata.name}`).filter((n) => n.includes('share-web')),
  ).toEqual(['Service share-web', 'Deployment share-web']);
  expect(file.editorTabs.tabs.map((t) => t.title)).toContain('02-nodeport.yaml');
  expect(file.lessonProgress).toEqual({ 'l4lab.lesson.default': '{"lesson":"02"}' });
  await expect(page.getByTestId('sharing-notice')).toContainText('Workspace exported');

  // The workspace goes away: the objects, the tab, the progress.
  for (const object of ['services/default/share-web', 'deployments/default/share-web'])
    expect((await page.request.delete(`/api/objects/${object}`)).ok()).toBe(true);
  await page.getByRole('button', { name: 'Close 02-nodeport.yaml' }).click();
  await page.evaluate(() => localStorage.removeItem('l4lab.lesson.default'));

  await page.getByTestId('workspace-file').setInputFiles(path);
  const notice = page.getByTestId('sharing-notice');
  await expect(notice).toContainText('Workspace imported');
  await expect(notice).toContainText('objects: 2 created');
  await expect(notice).toContainText('lesson progress entries: 1');
  await expect(page.getByRole('tab', { name: '02-nodeport.yaml' })).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('l4lab.lesson.default'))).toBe(
    '{"lesson":"02"}',
  );
  expect((await page.request.get('/api/objects/services/default/share-web')).status()).toBe(200);
  // The Deployment is back, and its controller made its pod again.
  await expect(lab.pods('default/share-web-')).toHaveCount(1);

  // A file that is not a workspace: refused in the page, nothing sent.
  await page.getByTestId('workspace-file').setInputFiles({
    name: 'pod.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from('kind: Pod\n'),
  });
  await expect(notice).toContainText('Workspace not imported: nothing was changed');
  await expect(notice).toContainText('The file is not JSON');
});
