import { existsSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { startLab, type RunningLab } from './fixtures/startLab.ts';

// The kernel dataplane as a user sees it: a lab started with `--dataplane nftables` (its own
// network namespace; kube-proxy's table in the kernel), a Service with three pods and a few
// connections (inside the lab's namespace: the traffic generator runs there). The header says
// which dataplane runs; the Service's details show the chains that serve it, as `nft list`
// prints them, and their counters grow with the traffic; the connection log's reasons come from
// conntrack joined with the rules. Its own lab, so the suite's lab stays on the userspace one.
// Its events' rate limit is 10 new connections a second, half the generator's rate: the kernel
// counts the other half per endpoint, and the details and the header say so.

const TOOLS = ['/usr/sbin/nft', '/usr/sbin/conntrack'].every((p) => existsSync(p));
const ROOT = process.getuid?.() === 0;

let lab: RunningLab | undefined;

test.beforeAll(async () => {
  if (!(TOOLS && ROOT) && !process.env.CI) return;
  lab = await startLab(['--dataplane', 'nftables', '--events-rate-limit', '10']);
});

test.afterAll(async () => {
  await lab?.stop();
});

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: kweb}
spec:
  replicas: 3
  selector: {matchLabels: {app: kweb}}
  template:
    metadata: {labels: {app: kweb}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: kweb}
spec: {selector: {app: kweb}, ports: [{port: 80, targetPort: 80}]}`;

async function post(path: string, body: string): Promise<void> {
  const res = await fetch(`${lab!.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': body.startsWith('{') ? 'application/json' : 'application/yaml' },
    body,
  });
  expect(res.ok, `${path}: ${res.status} ${await res.text()}`).toBe(true);
}

test("the Service's kernel rules, live, and conntrack's reasons", async ({ page }) => {
  test.skip(
    !lab,
    'the kernel dataplane needs root, nft and conntrack (Debian: nftables, conntrack)',
  );
  await page.goto(`${lab!.url}/?tour=0`);
  await expect(page.getByTestId('link-state')).toContainText('online');
  await expect(page.getByRole('banner')).toContainText('nftables (kernel)');

  await post('/api/apply', WORKLOAD);
  const traffic = JSON.stringify({
    target: 'kweb.default.svc.cluster.local:80',
    rate: 20,
    duration: 20,
    clients: 4,
  });
  await expect
    .poll(
      async () => {
        const res = await fetch(`${lab!.url}/api/traffic`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: traffic,
        });
        return res.status;
      },
      { timeout: 30_000 },
    )
    .toBe(201);

  await page.locator('g.service', { hasText: 'kweb' }).click();
  const rules = page.getByRole('region', { name: 'nftables rules' });
  const serviceChain = rules.locator('pre.nft-chain', { hasText: 'numgen random mod 3' });
  await expect(serviceChain).toContainText('chain service-');
  await expect(serviceChain).toContainText('default/kweb/tcp/');
  // The counter of the rule the connections match grows between two polls, and is lit.
  await expect(serviceChain.locator('.nft-counter.grew')).toBeVisible({ timeout: 10_000 });
  const packets = async () =>
    Number(/counter packets (\d+)/.exec((await serviceChain.textContent()) ?? '')?.[1] ?? 0);
  const before = await packets();
  await expect.poll(packets, { timeout: 10_000 }).toBeGreaterThan(before);
  // Each endpoint chain DNATs to one of the three pods.
  await expect(rules.locator('pre.nft-chain', { hasText: 'dnat to' })).toHaveCount(3);
  // Over the events' rate limit: counted by the kernel, in the counters, not drawn.
  const counters = page.getByLabel('counters');
  await expect(counters).toContainText('counted only', { timeout: 10_000 });
  // What the kernel knows of a connection: its conntrack entry, which outlives a close by TIME_WAIT.
  await expect(counters).toContainText('in conntrack');
  await expect(counters).not.toContainText('open now');
  await expect(page.getByRole('banner')).toContainText('counted, not drawn');

  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Connections' }).click();
  const log = page.getByTestId('connection-log');
  await expect(log).toContainText(/random [123] of 3/);
});

test("a NetworkPolicy in the kernel: the pod's chains with their drop counter, and the drops' reasons", async ({
  page,
}) => {
  test.skip(
    !lab,
    'the kernel dataplane needs root, nft and conntrack (Debian: nftables, conntrack)',
  );
  await post(
    '/api/apply',
    `${WORKLOAD}
---
apiVersion: v1
kind: Pod
metadata: {name: kprobe, labels: {role: prober}}
spec: {containers: [{name: c, image: busybox, command: [sleep, infinity]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: kweb-friends}
spec:
  podSelector: {matchLabels: {app: kweb}}
  ingress: [{from: [{podSelector: {matchLabels: {role: friend}}}]}]`,
  );
  await page.goto(`${lab!.url}/?tour=0`);
  await expect(page.getByTestId('link-state')).toContainText('online');
  const traffic = JSON.stringify({
    target: 'kweb.default.svc.cluster.local:80',
    from: 'pod:default/kprobe',
    rate: 5,
    duration: 20,
  });
  await expect
    .poll(
      async () =>
        (
          await fetch(`${lab!.url}/api/traffic`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: traffic,
          })
        ).status,
      { timeout: 30_000 },
    )
    .toBe(201);
  // A kweb pod's details: the chain that judges what comes in, its drop counting the prober's.
  await page.locator('g.pod[aria-label^="pod default/kweb-"]').first().click();
  const rules = page.getByRole('region', { name: 'NetworkPolicy rules' });
  const chain = rules.locator('pre.nft-chain', { hasText: 'chain ingress-default/kweb-' });
  await expect(chain).toContainText('NetworkPolicy kweb-friends: no ingress rule allows');
  const drops = async () =>
    Number(
      /counter packets (\d+) bytes \d+ goto ingress-denied/.exec(
        (await chain.textContent()) ?? '',
      )?.[1] ?? 0,
    );
  await expect.poll(drops, { timeout: 15_000 }).toBeGreaterThan(0);
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Connections' }).click();
  await expect(page.getByTestId('connection-log')).toContainText(
    /ingress to kweb-\S+ denied: NetworkPolicy kweb-friends selects it and no ingress rule allows kprobe/,
  );
});
