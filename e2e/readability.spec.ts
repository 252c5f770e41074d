import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

// The graph as a room sees it: every label's on-screen size (font size x the zoom it is drawn
// at), at 1600x1000 and in presenter mode at 1280x720, with the seeds and with every scenario.

const SCENARIOS = join(import.meta.dirname, '..', 'scenarios');
const LESSON_12 = join(import.meta.dirname, '..', 'lessons', '12-canary-configmap');

interface Applied {
  kind: string;
  namespace?: string;
  name: string;
  action: string;
}

/**
 * Applies scenario files (into `namespace` when given, which must exist); answers what they
 * created (to be deleted after, see `remove`).
 */
async function apply(
  page: Page,
  files: string[],
  dir = SCENARIOS,
  namespace?: string,
): Promise<Applied[]> {
  const created: Applied[] = [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    const r = await page.request.post('/api/apply', {
      data: namespace
        ? text.replace(/^metadata:\n/gm, `metadata:\n  namespace: ${namespace}\n`)
        : text,
      headers: { 'Content-Type': 'application/yaml' },
    });
    expect(r.status(), `${f}: ${await r.text()}`).toBe(200);
    const { results } = (await r.json()) as { results: Applied[] };
    created.push(...results.filter((x) => x.action === 'created'));
  }
  return created;
}

/** Deletes what `apply` created, namespaced objects first, so later tests find the lab as it was. */
async function remove(page: Page, created: Applied[]) {
  const order = [...created].sort((a, b) => Number(!a.namespace) - Number(!b.namespace));
  for (const o of order) {
    const path = o.namespace ? `${o.namespace}/${o.name}` : o.name;
    await page.request.delete(`/api/objects/${o.kind.toLowerCase()}s/${path}`);
  }
}

/** The smallest on-screen size of any graph label, and which one it is. */
async function smallestLabel(page: Page) {
  return page.evaluate(() => {
    let min = { px: Infinity, text: '' };
    let count = 0;
    for (const t of Array.from(document.querySelectorAll<SVGTextElement>('.viewport text'))) {
      if (!t.textContent || t.closest('[aria-hidden="true"]')) continue;
      if (getComputedStyle(t).display === 'none') continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM()?.a ?? 1);
      count++;
      if (px < min.px) min = { px, text: t.textContent };
    }
    return { ...min, count };
  });
}

/** The share of the graph's canvas that its drawn content covers. */
async function coverage(page: Page) {
  return page.evaluate(() => {
    const host = document.querySelector('[data-testid="graph"]')!.getBoundingClientRect();
    const drawn = document.querySelector('.viewport')!.getBoundingClientRect();
    const w = Math.max(0, Math.min(host.right, drawn.right) - Math.max(host.left, drawn.left));
    const h = Math.max(0, Math.min(host.bottom, drawn.bottom) - Math.max(host.top, drawn.top));
    return (w * h) / (host.width * host.height);
  });
}

async function settle(page: Page) {
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  // Boxes slide into place in 450 ms.
  await page.waitForTimeout(900);
}

async function expectReadable(page: Page, minPx: number, views: string[]) {
  const show = page.getByRole('combobox', { name: 'Show Service' });
  for (const view of views) {
    await show.selectOption(view);
    await settle(page);
    const small = await smallestLabel(page);
    expect(small.count, `labels drawn (${view || 'auto'})`).toBeGreaterThan(5);
    expect(small.px, `"${small.text}" in view ${view || 'auto'}`).toBeGreaterThanOrEqual(
      minPx - 0.01,
    );
  }
  await show.selectOption('');
  await settle(page);
  expect(await coverage(page)).toBeGreaterThan(0.6);
}

const SEEDS = [
  '01-clusterip.yaml',
  '02-nodeport.yaml',
  '03-externalname.yaml',
  '04-loadbalancer.yaml',
];

test('seeds 01-04 together: no graph label under 11 px at 1600x1000, none under 18 px presenting at 1280x720', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await apply(page, SEEDS);
  await expect(lab.service('default/my-nginx-lb')).toBeVisible();
  await expectReadable(page, 11, ['', '*', 'default/my-nginx']);

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('p');
  await expect(page.locator('html.presenter')).toHaveCount(1);
  await expectReadable(page, 18, ['', '*', 'default/my-nginx-lb']);
  await page.keyboard.press('p');
});

test('every scenario applied: labels stay readable, detail goes instead', async ({ page }) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open();
  const all = readdirSync(SCENARIOS).filter((f) => /^\d\d-.*\.yaml$/.test(f));
  expect(all.length).toBeGreaterThanOrEqual(12);
  const created = await apply(page, all);
  try {
    await page.getByRole('combobox', { name: 'Show Service' }).selectOption('*');
    await expect(page.locator('g.service')).not.toHaveCount(0);
    await expectReadable(page, 11, ['*', '']);
    // With every Service at once, detail went rather than size.
    await page.getByRole('combobox', { name: 'Show Service' }).selectOption('*');
    await settle(page);
    await expect(page.locator('svg.graph-svg')).not.toHaveAttribute('data-detail', 'full');

    await page.setViewportSize({ width: 1280, height: 720 });
    await page.keyboard.press('p');
    await expectReadable(page, 18, ['*', '']);
    // Every Service at 18 px is larger than the graph panel: the toolbar says where the rest is.
    await page.getByRole('combobox', { name: 'Show Service' }).selectOption('*');
    await settle(page);
    await expect(page.locator('.graph-cut')).toContainText(/^more (below|to the right)/);
    await page.keyboard.press('p');
  } finally {
    await remove(page, created);
  }
});

test('lesson 12 presented at 1280x720 with traffic: every pod and its rate in view, none under 18 px', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  // In a namespace of its own: configMap.spec.ts leaves lesson 12's objects in default.
  const ns = 'present12';
  const made = await page.request.post('/api/apply', {
    data: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    headers: { 'Content-Type': 'application/yaml' },
  });
  expect(made.status()).toBe(200);
  const created = await apply(page, ['web-v1.yaml', 'web-v2.yaml'], LESSON_12, ns);
  let generator = '';
  try {
    await expect(lab.pods(`${ns}/web-v`)).toHaveCount(4);
    const svc = await page.request.get(`/api/objects/services/${ns}/web`);
    const { spec } = (await svc.json()) as { spec: { clusterIP: string } };
    const started = await page.request.post('/api/traffic', {
      data: { target: `${spec.clusterIP}:80`, from: 'external', protocol: 'http', rate: 8 },
    });
    expect(started.status()).toBe(201);
    generator = ((await started.json()) as { id: string }).id;
    await expect(page.locator('g.client')).not.toHaveCount(0);

    await page.setViewportSize({ width: 1280, height: 720 });
    await page.keyboard.press('p');
    await expect(page.locator('html.presenter')).toHaveCount(1);
    await page.getByRole('combobox', { name: 'Show Service' }).selectOption(`${ns}/web`);
    await settle(page);
    const small = await smallestLabel(page);
    expect(small.px, `"${small.text}"`).toBeGreaterThanOrEqual(18 - 0.01);
    // Two versions side by side on a node: each pod row, its rate included, is inside the graph.
    const host = (await page.getByTestId('graph').boundingBox())!;
    // (Pods behind no Service stay in view as clients: other specs' may show beside these.)
    const rows = page.locator(`g.pod[aria-label^="pod ${ns}/"]`);
    await expect(rows).toHaveCount(5);
    for (const box of await rows.evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { name: e.getAttribute('aria-label'), right: r.right, bottom: r.bottom };
      }),
    )) {
      expect(box.right, `${box.name}'s right edge`).toBeLessThanOrEqual(host.x + host.width);
      expect(box.bottom, `${box.name}'s bottom edge`).toBeLessThanOrEqual(host.y + host.height);
    }
    await expect(page.locator('.graph-cut')).toHaveCount(0);
    // The least detail: connections enter the Service box, which says the ClusterIP.
    await expect(page.locator('svg.graph-svg')).toHaveAttribute('data-detail', 'inline');
    await expect(lab.service(`${ns}/web`)).toContainText(spec.clusterIP);
    // Under the graph, the split: the Service's first two pods, bar and count, in view.
    const panel = (await page.getByTestId('distribution').boundingBox())!;
    const split = page
      .getByRole('group', { name: `distribution ${ns}/web` })
      .getByTestId('dist-row');
    await expect(split.nth(1)).toBeVisible();
    for (const i of [0, 1]) {
      const row = (await split.nth(i).boundingBox())!;
      expect(row.y + row.height, `split row ${i}'s bottom`).toBeLessThanOrEqual(
        panel.y + panel.height,
      );
    }
    await page.keyboard.press('p');
  } finally {
    if (generator) await page.request.delete(`/api/traffic/${generator}`);
    await remove(page, created);
    await page.request.delete(`/api/objects/namespaces/${ns}`);
  }
});

test('zoom stays where the user puts it until Fit', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await apply(page, ['01-clusterip.yaml']);
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('default/my-nginx');
  await expect(lab.pods('default/my-nginx-')).toHaveCount(2);
  await settle(page);
  const svg = page.locator('svg.graph-svg');
  const fitted = Number(await svg.getAttribute('data-scale'));
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.waitForTimeout(400);
  const zoomed = Number(await svg.getAttribute('data-scale'));
  expect(zoomed).toBeGreaterThan(fitted * 1.2);
  // The model is redrawn twice a second: the zoom must survive several redraws.
  await page.waitForTimeout(2500);
  expect(Number(await svg.getAttribute('data-scale'))).toBeCloseTo(zoomed, 3);
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await expect
    .poll(async () => Number(await svg.getAttribute('data-scale')))
    .toBeCloseTo(fitted, 3);
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('');
});

test('pod names keep what tells them apart, and details open over the graph without shrinking it', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await apply(page, ['01-clusterip.yaml', '02-nodeport.yaml']);
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('*');
  await expect(lab.pods('default/my-nginx-nodeport-')).toHaveCount(2);
  // Every drawn pod label is its name, its end (hash and suffix), or, for a pod alone on its node,
  // its Deployment's name and its suffix with the hash left out: never a cut that hides both.
  const labels = await page.locator('g.pod').evaluateAll((els) =>
    els.map((e) => ({
      id: e.getAttribute('aria-label')!.replace(/^pod [^/]+\//, ''),
      shown: e.querySelector('text.title')!.textContent!,
    })),
  );
  for (const { id, shown } of labels) {
    const [head, tail = ''] = shown.split('…');
    expect(id.startsWith(head!) && id.endsWith(shown.includes('…') ? tail : head!)).toBe(true);
  }
  const host = page.getByTestId('graph');
  const before = await host.boundingBox();
  await lab.pods('default/my-nginx-nodeport-').first().click();
  await expect(lab.drawer).toBeVisible();
  expect(await host.boundingBox()).toEqual(before);
  // The pods stay in view beside the open details.
  const drawer = (await lab.drawer.boundingBox())!;
  const pod = (await lab.pods('default/my-nginx-nodeport-').first().boundingBox())!;
  expect(pod.x).toBeGreaterThan(drawer.x + drawer.width - 1);
  await page.keyboard.press('Escape');
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('');
});
