import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

// The Traffic panel and the header's rates (issue 13).

test.describe.configure({ mode: 'serial' });

interface Listed<T> {
  items: T[];
}
interface NodeObject {
  metadata: { name: string };
  status: { addresses: { type: string; address: string }[] };
}
interface ServiceObject {
  metadata: { name: string };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
}
interface Generator {
  id: string;
  state: string;
}

async function get<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(path);
  expect(r.ok(), `${path}: ${r.status()}`).toBe(true);
  return (await r.json()) as T;
}

const generatorIds = async (page: Page) =>
  (await get<Listed<Generator>>(page, '/api/traffic')).items.map((g) => g.id);

test('seed 02: the default target is node-1 address and the nodePort; hints clear', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('02-nodeport');
  await lab.applyAndExpect(/service\/my-nginx-nodeport (created|unchanged)/);
  const nodes = await get<Listed<NodeObject>>(page, '/api/objects/nodes');
  const node1 = nodes.items.find((n) => n.metadata.name === 'node-1');
  const ip = node1?.status.addresses.find((a) => a.type === 'InternalIP')?.address;
  expect(ip).toBeTruthy();

  const target = lab.traffic.getByRole('combobox', { name: 'Target' });
  await expect(target).toHaveValue(`${ip}:30380/TCP`);
  await expect(target.locator('option:checked')).toHaveText(
    `my-nginx-nodeport NodePort node-1 ${ip}:30380`,
  );
  await expect(lab.traffic.getByTestId('target-address')).toHaveText(`${ip}:30380`);

  // The hint about a missing address goes once there is a target again.
  await target.selectOption({ label: 'other address…' });
  await lab.traffic.getByRole('button', { name: 'Start traffic' }).click();
  await expect(lab.traffic.getByRole('alert')).toContainText('type an address like');
  await target.selectOption(`${ip}:30380/TCP`);
  await expect(lab.traffic.getByRole('alert')).toHaveCount(0);
});

test('seed 04: the default target is the LoadBalancer IP', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('04-loadbalancer');
  await lab.applyAndExpect(/service\/my-nginx-lb (created|unchanged)/);
  let lbIP = '';
  await expect
    .poll(async () => {
      const svc = await get<ServiceObject>(page, '/api/objects/services/default/my-nginx-lb');
      lbIP = svc.status?.loadBalancer?.ingress?.[0]?.ip ?? '';
      return lbIP;
    })
    .not.toBe('');
  await expect(lab.traffic.getByRole('combobox', { name: 'Target' })).toHaveValue(`${lbIP}:80/TCP`);
});

test('a stopped generator folds into the ended row and can be removed', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('02-nodeport');
  await lab.applyAndExpect(/service\/my-nginx-nodeport (created|unchanged)/);
  const before = await generatorIds(page);
  await lab.startTraffic(undefined, 20);
  const running = lab.traffic.getByTestId('generator').filter({ hasText: 'NodePort node-1' });
  await expect(running).toContainText('running');
  const id = (await generatorIds(page)).find((g) => !before.includes(g));
  expect(id).toBeTruthy();

  await lab.stopAllTraffic();
  // Ended generators are one row, closed: no card pushes the Distribution panel down.
  await expect(lab.traffic.getByTestId('generator')).toHaveCount(0);
  const toggle = lab.traffic.getByRole('button', { name: /^\d+ ended$/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  const ended = Number((await toggle.textContent())?.match(/(\d+) ended/)?.[1]);
  expect(ended).toBeGreaterThanOrEqual(1);

  await toggle.click();
  const card = lab.traffic.getByTestId('generator').first(); // the newest first
  await expect(card).toContainText('NodePort node-1');
  await expect(card).toContainText('stopped');
  await card.getByRole('button', { name: /^Remove/ }).click();
  await expect(lab.traffic.getByTestId('generator')).toHaveCount(ended - 1);
  await expect.poll(() => generatorIds(page)).not.toContain(id);

  // ... and all of them at once; a reload does not bring them back.
  if (ended > 1) await lab.traffic.getByRole('button', { name: 'Clear', exact: true }).click();
  await expect(toggle).toHaveCount(0);
  await page.reload();
  await expect(lab.linkState).toHaveText('online');
  await expect(lab.traffic.getByText('No traffic generators yet.')).toBeVisible();
});

test('the header rate falls to 0 within seconds of Stop', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('02-nodeport');
  await lab.applyAndExpect(/service\/my-nginx-nodeport (created|unchanged)/);
  const rate = async () => Number(await page.getByTestId('conn-rate').textContent());
  await lab.startTraffic(undefined, 30);
  await expect.poll(rate, { timeout: 10_000 }).toBeGreaterThan(10);
  await lab.stopAllTraffic();
  // 1.5 s window, redrawn every 250 ms: 0 well within 4 s, though no frame comes any more
  await expect.poll(rate, { timeout: 4_000 }).toBe(0);
});

test('scenario 11: the header shows requests/s while keep-alive traffic runs', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('11-keepalive-imbalance');
  await lab.applyAndExpect(/service\/api (created|unchanged)/);
  await lab.traffic.getByRole('checkbox', { name: 'Keep-alive' }).check();
  await lab.startTraffic('api.default:80', 40);
  await expect(page.getByTestId('request-rate')).toHaveText('40');
  await lab.stopAllTraffic();
  await expect(page.getByTestId('request-rate')).toHaveCount(0);
});
