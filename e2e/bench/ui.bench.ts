// `npm run bench:ui`: the dashboard under load, in Chromium. Prints (never asserts):
//  0. A room's pace (5 connections/s, as a student's generator), then the page idle after it:
//     Chromium's CPU in cores (all its processes; a student's laptop runs the page all day).
//  1. 2,000 connections/s for 20 s (4 generators x 500/s, loopback only): frames per second
//     (median of 1 s windows), event-to-pixel latency (server time of a connection -> its dot first
//     painted; p50/p95), WebSocket bytes/s received by the page.
//  2. 200 pods / 50 Services: frames per second while panning the graph.
import { chromium } from '@playwright/test';
import { buildServer, startLab } from '../fixtures/startLab.ts';
import { chromiumCores, countFrames, nginxWorkload, pause, quantile } from './frames.ts';

const LOAD_S = 20;
function manyServices(): string {
  const docs: string[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `bench-${String(i).padStart(2, '0')}`;
    docs.push(nginxWorkload(name, 4));
  }
  return docs.join('\n---\n');
}

const runtime = process.env.L4LAB_BENCH_RUNTIME ?? 'builtin';
buildServer();
const lab = await startLab(['--runtime', runtime]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  let wsBytes = 0;
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      wsBytes += typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length;
    }),
  );
  await page.goto(`${lab.url}/?tour=0&bench=1`);
  await page.getByTestId('link-state').getByText('online').waitFor();
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await page.locator('g.pod[data-health="ready"]').nth(1).waitFor();

  console.log(`l4lab UI bench (runtime ${runtime}, Chromium ${browser.version()}, 1600x1000)`);
  const target = 'my-nginx.default.svc.cluster.local:80';

  await pause(2000);
  const idleBefore = await chromiumCores(10);
  await lab.post('/api/traffic', { target, rate: 5, duration: 16 });
  await pause(3000);
  const atFive = await chromiumCores(10);
  await pause(5000); // the generator's last connections end
  const idleAfter = await chromiumCores(10);
  console.log(`\n0. Chromium's CPU (cores, every process of it), the page on the seed's graph`);
  console.log(
    `   idle ${idleBefore.toFixed(2)}; 5 conn/s ${atFive.toFixed(2)}; idle again, 2-12 s after its end ${idleAfter.toFixed(2)}`,
  );
  for (let i = 0; i < 4; i++) {
    await lab.post('/api/traffic', {
      target,
      rate: 500,
      duration: LOAD_S,
      clients: 8,
      concurrency: 256,
    });
  }
  await pause(1000);
  const bytesBefore = wsBytes;
  const t0 = Date.now();
  const fps = await countFrames(page, LOAD_S - 3);
  const seconds = (Date.now() - t0) / 1000;
  const bytesPerSecond = (wsBytes - bytesBefore) / seconds;
  const latencies = (await page.evaluate('window.__l4labBench?.latencies ?? []')) as number[];
  const stats = (await (await fetch(`${lab.url}/api/traffic`)).json()) as {
    items: { sent: number; ok: number }[];
  };
  await pause(3000);
  const sent = stats.items.reduce((n, g) => n + g.sent, 0);
  console.log(`\n1. 4 generators x 500 conn/s for ${LOAD_S} s (${sent} requests sent so far)`);
  console.log(
    `   frames per second: median ${quantile(fps, 0.5)} (min ${Math.min(...fps)}) over ${fps.length} s   [target >= 50]`,
  );
  console.log(
    `   event-to-pixel latency: p50 ${quantile(latencies, 0.5)} ms, p95 ${quantile(latencies, 0.95)} ms over ${latencies.length} dots   [target p95 <= 150 ms]`,
  );
  console.log(`   WebSocket: ${(bytesPerSecond / 1024).toFixed(1)} KiB/s received`);

  await lab.post('/api/apply', manyServices(), 'application/yaml');
  // Every Service at once (auto would show the focus alone: they cannot all be readable).
  await page.getByRole('combobox', { name: 'Show Service' }).selectOption('*');
  await page.locator('g.pod').nth(200).waitFor({ timeout: 120_000 });
  await pause(2000);
  const box = await page.getByTestId('graph').boundingBox();
  if (!box) throw new Error('no graph on the page');
  let dx = 4;
  const panFps = await countFrames(page, 6, async () => {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    for (let i = 0; i < 20; i++)
      await page.mouse.move(box.x + box.width / 2 + i * dx, box.y + box.height / 2 + i * 2);
    await page.mouse.up();
    dx = -dx;
  });
  const pods = await page.locator('g.pod').count();
  const services = await page.locator('g.service').count();
  console.log(
    `\n2. ${pods} pods / ${services} Services: frames per second while panning: median ${quantile(panFps, 0.5)} (min ${Math.min(...panFps)})`,
  );
} finally {
  await browser.close();
  await lab.stop();
}
