// `npm run screenshots`: starts a lab, applies the seed scenarios, runs traffic and writes the
// README's screenshots into docs/ (Chromium at 1600x1000, the dashboard as a user sees it; the
// presenter at 1280x720, a projector's size).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { ROOT, buildServer, startLab, type RunningLab } from '../e2e/fixtures/startLab.ts';

const seed = (name: string) => readFileSync(join(ROOT, 'scenarios', name), 'utf8');
const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function traffic(lab: RunningLab, target: string, rate = 25) {
  await lab.post('/api/traffic', { target, rate, duration: 120, clients: 4 });
}

async function shot(page: Page, name: string) {
  await pause(2500);
  await page.screenshot({ path: join(ROOT, 'docs', name) });
  console.log(`docs/${name}`);
}

async function openTab(page: Page, id: string) {
  await page.locator('#scenario').selectOption(id);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}

buildServer();
// On npm start's own addresses (127.96.x ClusterIPs, 127.244.x pods), as the README's text names them.
const lab = await startLab([], { ranges: 'default' });
if (lab.lbPool !== '127.200.0.0/24')
  console.warn('the default ranges are in use (a lab is running?): these screenshots show others');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${lab.url}/?tour=0`);
  await page.getByTestId('link-state').getByText('online').waitFor();

  // 1. ClusterIP with traffic, applied from the editor.
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('g.pod[aria-label^="pod default/my-nginx-"]').nth(1).waitFor();
  await traffic(lab, 'my-nginx.default.svc.cluster.local:80', 40);
  await shot(page, 'screenshot-clusterip.png');

  // 2. NodePort and LoadBalancer side by side, traffic through a node and through the LB IP.
  await openTab(page, '02-nodeport');
  await lab.post('/api/apply', seed('02-nodeport.yaml'), 'application/yaml');
  await openTab(page, '04-loadbalancer');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('[aria-label^="frontend LoadBalancer"]').waitFor();
  await traffic(lab, `${lab.nodeIPs[1]}:30380`, 20);
  const lbIP = lab.lbPool.replace(/0\/24$/, '1');
  await traffic(lab, `${lbIP}:80`, 30);
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('*');
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await shot(page, 'screenshot-nodeport-lb.png');
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('');

  // 3. ExternalName + the terminal: wget through the alias from the client pod.
  await openTab(page, '03-externalname');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('g.pod[aria-label^="pod default/client-"]').waitFor();
  await page.locator('g.pod[aria-label^="pod nginx-ns/nginx-"][data-health="ready"]').waitFor();
  await page.locator('g.pod[aria-label^="pod default/client-"]').click();
  await page.getByTestId('drawer').getByRole('button', { name: 'Exec' }).click();
  await page.locator('.terminal-host').click();
  await page.keyboard.type('wget -q -O - client-svc.default.svc.cluster.local | grep Served');
  await page.keyboard.press('Enter');
  await page.locator('.xterm-rows').getByText('Served by pod').waitFor();
  await shot(page, 'screenshot-externalname-terminal.png');

  // 4. Presenter mode on a 1280x720 projector: the LoadBalancer Service with its traffic.
  await page.getByRole('button', { name: 'Close details' }).click();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('button', { name: 'Present' }).click();
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('default/my-nginx-lb');
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await shot(page, 'screenshot-presenter.png');
} finally {
  await browser.close();
  await lab.stop();
}
