import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

// Each advanced scenario shows its point on the graph without explanation.

const scenario = (file: string) =>
  readFileSync(join(import.meta.dirname, '..', 'scenarios', file), 'utf8');

interface Applied {
  kind: string;
  namespace?: string;
  name: string;
  action: string;
}

async function apply(page: Page, file: string): Promise<Applied[]> {
  const r = await page.request.post('/api/apply', {
    data: scenario(file),
    headers: { 'Content-Type': 'application/yaml' },
  });
  expect(r.status(), await r.text()).toBe(200);
  return ((await r.json()) as { results: Applied[] }).results.filter((x) => x.action === 'created');
}

async function cleanUp(page: Page, created: Applied[], generators: string[]) {
  for (const id of generators) {
    await page.request.delete(`/api/traffic/${id}`);
    await page.request.delete(`/api/traffic/${id}`);
  }
  for (const o of created.filter((x) => x.namespace))
    await page.request.delete(`/api/objects/${o.kind.toLowerCase()}s/${o.namespace}/${o.name}`);
}

async function traffic(page: Page, body: Record<string, unknown>): Promise<string> {
  const r = await page.request.post('/api/traffic', { data: body });
  expect(r.ok(), await r.text()).toBe(true);
  return ((await r.json()) as { id: string }).id;
}

/** `clusterIP:port` of a Service (no DNS: kube-dns may still be starting in a fresh lab). */
async function clusterIP(page: Page, name: string): Promise<string> {
  const svc = (await (await page.request.get(`/api/objects/services/default/${name}`)).json()) as {
    spec: { clusterIP: string; ports: { port: number }[] };
  };
  return `${svc.spec.clusterIP}:${svc.spec.ports[0]!.port}`;
}

async function show(page: Page, service: string) {
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption(service);
}

test('scenario 11: a pod says how many requests ride how few kept-alive connections', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  const created = await apply(page, '11-keepalive-imbalance.yaml');
  const gens: string[] = [];
  try {
    await show(page, 'default/api');
    await expect(lab.pods('default/api-')).toHaveCount(3);
    await expect(lab.pods('default/api-').first()).toHaveAttribute('data-health', 'ready');
    gens.push(
      await traffic(page, {
        target: await clusterIP(page, 'api'),
        rate: 40,
        duration: 60,
        keepAlive: true,
        clients: 2,
      }),
    );
    await expect(
      page.locator('g.pod text.rate', { hasText: /req\/s over [12] conn/ }),
    ).not.toHaveCount(0, { timeout: 20_000 });
    await expect(
      page.locator('text.edge-label', { hasText: /req\/s over [12] conn/ }),
    ).not.toHaveCount(0);
  } finally {
    await cleanUp(page, created, gens);
  }
});

test('scenario 12: round robin takes turns on its Service box, Maglev does not have to', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  const created = await apply(page, '12-proxy-modes.yaml');
  const gens: string[] = [];
  try {
    await show(page, 'default/backend-rr');
    await expect(lab.pods('default/backend-')).toHaveCount(3);
    for (let i = 0; i < 3; i++)
      await expect(lab.pods('default/backend-').nth(i)).toHaveAttribute('data-health', 'ready');
    gens.push(
      await traffic(page, {
        target: 'backend-rr.default.svc.cluster.local:80',
        rate: 20,
        duration: 60,
      }),
    );
    const picks = lab.service('default/backend-rr').locator('text.line.picks');
    await expect(picks).toContainText(/picks( \d){6,}/, { timeout: 20_000 });
    const seq = ((await picks.textContent()) ?? '').replace('picks ', '').split(' ').map(Number);
    // Round robin: each pick is the next endpoint of three, in a cycle.
    for (let i = 1; i < seq.length; i++) expect(seq[i]).toBe((seq[i - 1]! % 3) + 1);
  } finally {
    await cleanUp(page, created, gens);
  }
});

test('scenario 08: one frontend per port, named by the port', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  const created = await apply(page, '08-multi-port-named.yaml');
  try {
    const services = (
      (await (await page.request.get('/api/objects/services?namespace=default')).json()) as {
        items: { metadata: { name: string }; spec: { ports: { port: number; name?: string }[] } }[];
      }
    ).items;
    const multi = services.find((s) => s.spec.ports.length > 1)!;
    await show(page, `default/${multi.metadata.name}`);
    const frontends = page.locator('[aria-label^="frontend ClusterIP"]');
    await expect(frontends).toHaveCount(multi.spec.ports.length);
    for (const p of multi.spec.ports) {
      await expect(
        page.locator(`[aria-label^="frontend ClusterIP"][aria-label*=":${p.port} ${p.name}"]`),
      ).toHaveCount(1);
    }
  } finally {
    await cleanUp(page, created, []);
  }
});

// Last: it needs cluster DNS, up by now in a fresh lab.
test('scenario 07: traffic to a headless Service goes client -> pod, "DNS: no proxy"', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  const created = await apply(page, '07-headless-dns.yaml');
  const gens: string[] = [];
  try {
    await show(page, 'default/db');
    await expect(lab.pods('default/db-')).toHaveCount(3);
    await expect(lab.pods('default/db-').first()).toHaveAttribute('data-health', 'ready');
    gens.push(
      await traffic(page, { target: 'db.default.svc.cluster.local:80', rate: 20, duration: 60 }),
    );
    await expect(page.locator('g.edge[data-id^="direct:"]')).not.toHaveCount(0, {
      timeout: 20_000,
    });
    await expect(page.locator('text.edge-label', { hasText: 'DNS: no proxy' })).not.toHaveCount(0);
    await expect(page.locator('[aria-label="client external clients"]')).toHaveCount(1);
  } finally {
    await cleanUp(page, created, gens);
  }
});
