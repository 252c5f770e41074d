import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('scenario 09: a UDP Service port gets udp traffic; both echo-udp pods answer datagrams', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('09-udp');
  await lab.applyAndExpect(/service\/echo-udp (created|unchanged)/);
  await expect(lab.pods('default/echo-udp-')).toHaveCount(2);

  const protocol = lab.traffic.getByRole('combobox', { name: 'Protocol' });
  await lab.startTraffic('echo-udp.default:5300 UDP', 30);
  // The Service port is UDP: the generator sends datagrams, http and tcp are not offered.
  await expect(protocol).toHaveValue('udp');
  await expect(protocol.locator('option[value="http"]')).toBeDisabled();
  await expect(protocol.locator('option[value="tcp"]')).toBeDisabled();

  await lab.expectEachPodServes('default/echo-udp-', 2);
  const generator = lab.traffic
    .getByTestId('generator')
    .filter({ hasText: 'echo-udp.default.svc.cluster.local:5300' });
  await expect(generator).toContainText('udp');
  await expect(generator).toContainText(/ok [1-9]/);
  await expect(generator).toContainText('errors 0');
  await lab.stopAllTraffic();
});
