import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('scenario 11: keep-alive traffic rides its two connections; the form fits the side column', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('11-keepalive-imbalance');
  await lab.applyAndExpect(/service\/api (created|unchanged)/);
  await expect(lab.pods('default/api-')).toHaveCount(3);

  await lab.traffic.getByRole('spinbutton', { name: 'Clients' }).fill('2');
  await lab.traffic.getByRole('checkbox', { name: 'Keep-alive' }).check();
  await expect(lab.traffic.getByRole('spinbutton', { name: 'requests/conn' })).toBeVisible();
  // The extra field wraps inside the panel: the side column does not scroll sideways.
  const side = page.locator('.side');
  expect(await side.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);

  await lab.startTraffic('api.default:80', 40);
  const generator = lab.traffic
    .getByTestId('generator')
    .filter({ hasText: 'api.default.svc.cluster.local' });
  // Well over 16 requests per connection: each is handed to a relay, and keeps answering.
  await expect(generator).toContainText(/ok [1-9]\d\d/, { timeout: 15_000 });
  await expect(generator).toContainText('conns 2');
  await expect(generator).toContainText('errors 0');
  await lab.stopAllTraffic();
});
