import { expect, test } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

test('at 1600 px the log shows each Service, pod and routing reason whole; every cell has a tooltip', async ({
  page,
}) => {
  const lab = new LabPage(page);
  await lab.open();
  await lab.openScenario('05-session-affinity');
  await lab.applyAndExpect(/service\/sticky (created|unchanged)/);
  await lab.openScenario('02-nodeport');
  await lab.applyAndExpect(/service\/my-nginx-nodeport (created|unchanged)/);
  await lab.startTraffic('sticky.default:80', 20);
  await lab.startTraffic('my-nginx-nodeport NodePort node-2', 20);
  await lab.dockTab('Connections');
  const log = page.getByTestId('connection-log');
  await expect(log).toContainText(/affinity hit \(ClientIP, [\d,]+ s left\)/);
  await expect(log).toContainText(/random \d of 2; SNAT to node-2 \(127\.19\.\d+\.3\)/);
  await lab.stopAllTraffic();
  await page.getByRole('button', { name: 'Pause' }).click();

  const rows = log.locator('.log-row');
  // SERVICE → POD (4th cell) and MODE · REASON (6th) are never cut, across or down, and rows
  // do not overlap: each ends where the next begins.
  await expect
    .poll(() =>
      rows.evaluateAll((els) => {
        const cut: string[] = [];
        const boxes = els.map((r) => r.getBoundingClientRect()).sort((a, b) => a.top - b.top);
        for (const r of els) {
          for (const i of [3, 5]) {
            const c = r.children[i] as HTMLElement;
            if (c.scrollWidth > c.clientWidth + 1 || c.scrollHeight > c.clientHeight + 1)
              cut.push(c.textContent ?? '');
          }
        }
        for (let i = 1; i < boxes.length; i++) {
          if (boxes[i]!.top < boxes[i - 1]!.bottom - 1) cut.push(`row ${i} overlaps`);
        }
        return cut;
      }),
    )
    .toEqual([]);
  expect(await rows.count()).toBeGreaterThan(5);
  // Time, client and frontend may be cut short: hovering any cell shows it whole.
  const untitled = await rows.evaluateAll(
    (els) =>
      els.flatMap((r) => Array.from(r.children)).filter((c) => !c.getAttribute('title')).length,
  );
  expect(untitled).toBe(0);
  const client = rows.first().locator('[role="cell"]').nth(1);
  expect(await client.getAttribute('title')).toContain(await client.textContent());
  await page.getByRole('button', { name: 'Resume' }).click();
  // Leave the lab with the Services it had: the graph shows them all while they fit.
  for (const name of ['sticky', 'my-nginx-nodeport']) {
    for (const kind of ['services', 'deployments']) {
      expect((await page.request.delete(`/api/objects/${kind}/default/${name}`)).ok()).toBe(true);
    }
  }
});
