import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('the guided tour shows on a first visit, walks four steps, and not again after Done', async ({
  page,
}) => {
  // As a person's browser: the tour stays away from automated browsers unless told.
  await page.addInitScript(() =>
    Object.defineProperty(navigator, 'webdriver', { get: () => false }),
  );
  await page.goto('/');
  const tour = page.getByRole('dialog', { name: 'Guided tour' });
  await expect(tour).toContainText('1 / 4');
  for (const step of ['2 / 4', '3 / 4', '4 / 4']) {
    await tour.getByRole('button', { name: 'Next' }).click();
    await expect(tour).toContainText(step);
  }
  await tour.getByRole('button', { name: 'Done' }).click();
  await expect(tour).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('link-state')).toHaveText('online');
  await expect(page.getByRole('dialog', { name: 'Guided tour' })).toHaveCount(0);
});

test('the graph exports as SVG (with its nodes) and as PNG', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('01-clusterip');
  await lab.applyAndExpect(/deployment\.apps\/my-nginx/);
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);

  const [svgDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'SVG', exact: true }).click(),
  ]);
  expect(svgDownload.suggestedFilename()).toMatch(/^l4lab-graph-\d+\.svg$/);
  const svg = await readFile((await svgDownload.path())!, 'utf8');
  expect(svg).toContain('<svg');
  expect(svg).toContain('aria-label="service default/my-nginx"');

  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'PNG', exact: true }).click(),
  ]);
  expect(pngDownload.suggestedFilename()).toMatch(/^l4lab-graph-\d+\.png$/);
  const png = await readFile((await pngDownload.path())!);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.length).toBeGreaterThan(5000);
});
