import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test.describe.configure({ mode: 'serial' });

test('seed 02: NodePort on every node; traffic to a NodePort reaches both pods', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('02-nodeport');
  await lab.applyAndExpect(/service\/my-nginx-nodeport (created|unchanged)/);
  await expect(page.locator('[aria-label^="frontend NodePort node-"]')).toHaveCount(3);
  await lab.startTraffic('my-nginx-nodeport NodePort node-2');
  await lab.expectEachPodServes('default/my-nginx-nodeport-', 2);
  await lab.stopAllTraffic();
});

test('seed 03: exec wget through the ExternalName alias shows the nginx page', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('03-externalname');
  await lab.applyAndExpect(/service\/client-svc (created|unchanged)/);
  await expect(lab.service('default/client-svc')).toContainText('ExternalName');
  await expect(page.locator('g.edge[data-id="default/client-svc=>alias"]')).toHaveCount(1);
  await expect(lab.pods('default/client-')).toHaveCount(1);
  await expect(lab.pods('nginx-ns/nginx-')).toHaveAttribute('data-health', 'ready');
  const client = (await lab.podNames('default/client-'))[0]!.replace('pod ', '');
  await lab.dockTab('Terminal');
  await lab.terminal.getByRole('combobox', { name: 'Pod to exec into' }).selectOption(client);
  await lab.runInTerminal('wget -q -O - client-svc.default.svc.cluster.local', 'Welcome to nginx!');
  await expect(lab.terminal.locator('.xterm-rows')).toContainText(
    'Served by pod <b>nginx-ns/nginx-',
  );
});

test('seed 04: traffic to the LoadBalancer IP goes LB -> node -> all three pods', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('04-loadbalancer');
  await lab.applyAndExpect(/service\/my-nginx-lb (created|unchanged)/);
  await expect(page.locator('[aria-label^="frontend LoadBalancer"]')).toHaveCount(1);
  await lab.startTraffic('my-nginx-lb LoadBalancer', 40);
  await lab.expectEachPodServes('default/my-nginx-lb-', 3);
  await lab.dockTab('Connections');
  await expect(page.getByTestId('connection-log')).toContainText('LB -> node-');
  await lab.stopAllTraffic();
});
