import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { LabPage } from './fixtures/LabPage.ts';

// Record a few seconds of the lab with traffic, then replay the file in the browser (issue 17:
// "a replay reproduces the recorded counts"). L4LAB_SHOTS=<dir> keeps screenshots of the banner.

const shots = process.env.L4LAB_SHOTS;

const WORKLOAD = `apiVersion: apps/v1
kind: Deployment
metadata: { name: replay-web }
spec:
  replicas: 2
  selector: { matchLabels: { app: replay-web } }
  template:
    metadata: { labels: { app: replay-web } }
    spec: { containers: [{ name: nginx, image: nginx, ports: [{ containerPort: 80 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: replay-web }
spec: { selector: { app: replay-web }, ports: [{ port: 80 }] }
`;

test.afterAll(async ({ request }) => {
  await request.delete('/api/objects/deployments/default/replay-web');
  await request.delete('/api/objects/services/default/replay-web');
});

async function podCounts(lab: LabPage): Promise<Record<string, string>> {
  const pods = await lab
    .pods('default/replay-web-')
    .evaluateAll((els) =>
      els.map((e) => [
        e.getAttribute('aria-label') ?? '',
        e.getAttribute('data-connections') ?? '',
      ]),
    );
  return Object.fromEntries(pods);
}

async function shot(page: Page, name: string) {
  if (!shots) return;
  mkdirSync(shots, { recursive: true });
  await page.waitForTimeout(1000); // the graph settles into a new size
  await page.screenshot({ path: `${shots}/${name}.png` });
}

test('a recording replays with its Services and counts, labelled, with no way to the lab', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.open();
  // Its own Deployment and Service: what other specs left in the shared lab is not recorded here.
  expect(
    (
      await page.request.post('/api/apply', {
        headers: { 'Content-Type': 'application/yaml' },
        data: WORKLOAD,
      })
    ).status(),
  ).toBe(200);
  await expect(lab.pods('default/replay-web-')).toHaveCount(2);

  await page.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(page.getByTestId('rec-badge')).toContainText(/REC 0:0\d/);
  await lab.startTraffic('replay-web', 20);
  await lab.expectEachPodServes('default/replay-web-', 2, 5);
  await lab.stopAllTraffic();
  // The counters settle once the last connections closed: the same counts for a second.
  let live: Record<string, string> = {};
  await expect
    .poll(async () => {
      const before = JSON.stringify(await podCounts(lab));
      await page.waitForTimeout(1000);
      live = await podCounts(lab);
      return JSON.stringify(live) === before;
    })
    .toBe(true);
  await shot(page, 'recording-1600');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Stop recording' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^l4lab-recording-[\d-]+\.json$/);
  const path = (await download.path())!;
  const file = JSON.parse(await readFile(path, 'utf8')) as {
    kind: string;
    version: number;
    durationMs: number;
    frames: { t: number; msg: { type: string } }[];
  };
  expect(file.kind).toBe('L4labRecording');
  expect(file.version).toBe(1);
  expect(file.frames[0]?.msg.type).toBe('hello');
  expect(file.frames[1]?.msg.type).toBe('cluster_snapshot');
  expect(file.frames.some((f) => f.msg.type === 'connection_events')).toBe(true);

  // Replay it: the banner, the recorded Services and, at the end, the recorded counts.
  // Under its own name, as a user picks it (Playwright keeps downloads under a random one).
  await page.getByLabel('Recording file').setInputFiles({
    name: download.suggestedFilename(),
    mimeType: 'application/json',
    buffer: await readFile(path),
  });
  const banner = page.getByTestId('replay-banner');
  await expect(banner).toContainText(
    new RegExp(`REPLAY of ${download.suggestedFilename()} recorded .+ — no real traffic`),
  );
  await expect(lab.linkState).toHaveText('offline');
  await expect(lab.service('default/replay-web')).toBeVisible();
  await expect(lab.pods('default/replay-web-')).toHaveCount(2);
  // The slider's end (whole tenths of a second, at or after the last frame).
  const slider = page.getByRole('slider', { name: 'Replay position (seconds)' });
  await slider.fill((await slider.getAttribute('max'))!);
  await expect.poll(() => podCounts(lab)).toEqual(live);
  await expect(page.getByTestId('replay-time')).toContainText(/^(\d+:\d\d) \/ \1$/);

  // Nothing reaches the lab: apply, traffic and the terminal are off, with the reason.
  await expect(lab.applyButton).toBeDisabled();
  await expect(lab.traffic.getByRole('button', { name: 'Start traffic' })).toBeDisabled();
  await lab.dockTab('Terminal');
  await expect(page.getByRole('note').filter({ hasText: 'The terminal' })).toContainText(
    'Not during a replay',
  );

  // Back to the start: the counts are the snapshot's again (lower); Play runs it on.
  await slider.fill('0');
  await expect
    .poll(async () => Object.values(await podCounts(lab)).reduce((n, c) => n + Number(c), 0))
    .toBeLessThan(Object.values(live).reduce((n, c) => n + Number(c), 0));
  await banner.getByRole('combobox', { name: 'Replay speed' }).selectOption('4');
  await banner.getByRole('button', { name: 'Play' }).click();
  await expect.poll(() => podCounts(lab), { timeout: 20_000 }).toEqual(live);
  await expect(banner.getByRole('button', { name: 'Play' })).toBeVisible(); // paused at the end
  await shot(page, 'replay-1600');

  await page.getByRole('button', { name: 'Present', exact: true }).click();
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(banner).toBeVisible();
  await shot(page, 'replay-presenter-1280');
  await page.getByRole('button', { name: 'Exit presenter' }).click();
  await page.setViewportSize({ width: 1600, height: 1000 });

  await banner.getByRole('button', { name: 'Back to live' }).click();
  await expect(banner).toHaveCount(0);
  await expect(lab.linkState).toHaveText('online');
  await expect(lab.applyButton).toBeEnabled();
});

test('a file that is not a recording says why, and the live lab stays', async ({ page }) => {
  const lab = new LabPage(page);
  await lab.open();
  await page.getByLabel('Recording file').setInputFiles({
    name: 'tabs.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"kind":"L4labWorkspace","version":1}'),
  });
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot replay' })).toContainText(
    'Cannot replay tabs.json: not an l4lab recording: kind is "L4labWorkspace"',
  );
  await expect(page.getByTestId('replay-banner')).toHaveCount(0);
  await expect(lab.linkState).toHaveText('online');
});
