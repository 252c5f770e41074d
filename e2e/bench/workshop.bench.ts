// `npm run bench:workshop`: does the instructor's view hold up with a room on the lab? One
// workshop lab (--workshop on loopback), measured side by side in one run:
//   A. the instructor alone: one Service, 2,000 connections/s, the instructor's page;
//   B. the room: 30 students joined, each with a Deployment of 2 and a Service, each sending
//      ~67 connections/s to their own (2,000/s in all), each with a browser's WebSocket open
//      (read by this script), plus the projector's page (Chromium) beside the instructor's.
// Printed: the instructor page's frames per second and event-to-pixel latency, a student's API
// latency, connections served, the WebSocket bytes a student receives; and B/A ratios.
// Targets (the UI bench's): >= 50 fps, event-to-pixel p95 <= 150 ms. Loopback only, bounded.
import { chromium, type Browser, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { startLab, type RunningLab } from '../fixtures/startLab.ts';
import { countFrames, nginxWorkload, pause, quantile } from './frames.ts';

const STUDENTS = Number(process.env.L4LAB_BENCH_STUDENTS ?? 30);
const TOTAL_RATE = 2000;
const PROJECTOR = process.env.L4LAB_BENCH_PROJECTOR !== '0';
const LOAD_S = 20;

async function call(lab: RunningLab, token: string, method: string, path: string, body?: string) {
  const res = await fetch(`${lab.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body
        ? { 'Content-Type': body.startsWith('{') ? 'application/json' : 'application/yaml' }
        : {}),
    },
    ...(body ? { body } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const workload = (name: string) => nginxWorkload(name, 2);

async function readyPods(lab: RunningLab, token: string): Promise<number> {
  const r = (await call(lab, token, 'GET', '/api/objects/pods')) as {
    items: { status?: { conditions?: { type: string; status: string }[] } }[];
  };
  return r.items.filter((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
}

async function waitReady(lab: RunningLab, token: string, n: number): Promise<void> {
  const end = Date.now() + 180_000;
  while ((await readyPods(lab, token)) < n) {
    if (Date.now() > end) throw new Error(`${n} pods not Ready in 180 s`);
    await pause(500);
  }
}

async function openPage(browser: Browser, url: string): Promise<Page> {
  const page = await (
    await browser.newContext({ viewport: { width: 1600, height: 1000 } })
  ).newPage();
  const u = new URL(url);
  u.searchParams.set('tour', '0');
  u.searchParams.set('bench', '1');
  await page.goto(u.toString());
  await page.getByTestId('link-state').getByText('online').waitFor();
  return page;
}

/** Frames per second and event-to-pixel latencies of a page over `seconds`. */
async function measure(page: Page, seconds: number) {
  await page.evaluate('if (window.__l4labBench) window.__l4labBench.latencies = []');
  const fps = await countFrames(page, seconds);
  const latencies = (await page.evaluate('window.__l4labBench?.latencies ?? []')) as number[];
  return { fps, latencies };
}

/** A student's API latency: GET /api/objects/pods every 200 ms while `ms` pass. */
async function apiLatency(lab: RunningLab, token: string, ms: number): Promise<number[]> {
  const out: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const t0 = performance.now();
    await call(lab, token, 'GET', '/api/objects/pods');
    out.push(performance.now() - t0);
    await pause(200);
  }
  return out;
}

/** Connections the given generators had answered (finished ones are listed while 32 or fewer). */
async function served(lab: RunningLab, token: string, ids: readonly string[]): Promise<number> {
  const r = (await call(lab, token, 'GET', '/api/traffic')) as {
    items: { id: string; ok: number }[];
  };
  const found = r.items.filter((g) => ids.includes(g.id));
  if (found.length !== ids.length) throw new Error('a generator of this phase is not listed');
  return found.reduce((n, g) => n + g.ok, 0);
}

async function startGenerator(lab: RunningLab, token: string, spec: object): Promise<string> {
  return (await call(lab, token, 'POST', '/api/traffic', JSON.stringify(spec))).id as string;
}

interface Phase {
  fps: number[];
  latencies: number[];
  api: number[];
  ok: number;
  wsBytesPerStudent?: number;
}

function report(name: string, p: Phase): void {
  console.log(`\n${name}`);
  console.log(
    `   instructor page: ${quantile(p.fps, 0.5)} fps median (min ${Math.min(...p.fps)})   [target >= 50]`,
  );
  console.log(
    `   event-to-pixel: p50 ${quantile(p.latencies, 0.5)} ms, p95 ${quantile(p.latencies, 0.95)} ms over ${p.latencies.length} dots   [target p95 <= 150 ms]`,
  );
  console.log(
    `   API (a student's GET /api/objects/pods): p50 ${quantile(p.api, 0.5).toFixed(1)} ms, p95 ${quantile(p.api, 0.95).toFixed(1)} ms`,
  );
  console.log(`   connections answered: ${p.ok} (${(p.ok / LOAD_S).toFixed(0)}/s)`);
  if (p.wsBytesPerStudent !== undefined)
    console.log(
      `   a student's WebSocket: ${(p.wsBytesPerStudent / 1024 / LOAD_S).toFixed(1)} KiB/s (their namespace only)`,
    );
}

const runtime = process.env.L4LAB_BENCH_RUNTIME ?? 'builtin';
const lab = await startLab(['--workshop', '--host', '127.0.0.1', '--runtime', runtime]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const sockets: WebSocket[] = [];
try {
  const instructorUrl = await lab.printed('instructor');
  const instructorToken = new URL(instructorUrl).searchParams.get('token')!;
  const code = new URL(await lab.printed('join')).searchParams.get('code')!;
  console.log(
    `l4lab workshop bench (runtime ${runtime}, Chromium ${browser.version()}, 1600x1000, ${STUDENTS} students)`,
  );

  // A. The instructor alone.
  await call(lab, instructorToken, 'POST', '/api/apply', workload('demo'));
  await waitReady(lab, instructorToken, 2);
  const instructor = await openPage(browser, instructorUrl);
  // 4 generators x 500/s (a generator's most), as the UI bench.
  const genA: string[] = [];
  for (let i = 0; i < 4; i++)
    genA.push(
      await startGenerator(lab, instructorToken, {
        target: 'demo.default.svc.cluster.local:80',
        rate: TOTAL_RATE / 4,
        duration: LOAD_S,
        clients: 8,
      }),
    );
  const [a, apiA] = await Promise.all([
    measure(instructor, LOAD_S - 3),
    apiLatency(lab, instructorToken, (LOAD_S - 3) * 1000),
  ]);
  await pause(3500);
  const phaseA: Phase = { ...a, api: apiA, ok: await served(lab, instructorToken, genA) };
  await call(lab, instructorToken, 'DELETE', '/api/objects/deployments/default/demo');

  // B. The room.
  const students: { name: string; token: string }[] = [];
  for (let i = 1; i <= STUDENTS; i++) {
    const r = (await (
      await fetch(`${lab.url}/api/workshop/join`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code, name: `s${String(i).padStart(2, '0')}` }),
      })
    ).json()) as { name: string; token: string };
    students.push(r);
    await call(lab, r.token, 'POST', '/api/apply', workload('web'));
  }
  await waitReady(lab, instructorToken, STUDENTS * 2);
  const wsBytes = new Map<string, number>();
  for (const s of students) {
    const ws = new WebSocket(`${lab.url.replace('http', 'ws')}/ws`, {
      headers: { Authorization: `Bearer ${s.token}` },
    });
    ws.on('message', (d: Buffer) => wsBytes.set(s.name, (wsBytes.get(s.name) ?? 0) + d.length));
    sockets.push(ws);
  }
  // L4LAB_BENCH_PROJECTOR=0: the projector on another machine (only the instructor's page here).
  if (PROJECTOR) await openPage(browser, await lab.printed('projector'));
  await pause(2000);
  const perStudent = Math.round(TOTAL_RATE / STUDENTS);
  const genB: string[] = [];
  for (const s of students)
    genB.push(
      await startGenerator(lab, s.token, {
        target: `web.${s.name}.svc.cluster.local:80`,
        rate: perStudent,
        duration: LOAD_S,
        clients: 2,
      }),
    );
  const before = [...wsBytes.values()].reduce((x, y) => x + y, 0);
  const [b, apiB] = await Promise.all([
    measure(instructor, LOAD_S - 3),
    apiLatency(lab, students[0]!.token, (LOAD_S - 3) * 1000),
  ]);
  const after = [...wsBytes.values()].reduce((x, y) => x + y, 0);
  await pause(3500);
  const phaseB: Phase = {
    ...b,
    api: apiB,
    ok: await served(lab, instructorToken, genB),
    wsBytesPerStudent: ((after - before) / STUDENTS) * (LOAD_S / (LOAD_S - 3)),
  };

  report(`A. the instructor alone: ${TOTAL_RATE} conn/s to one Service for ${LOAD_S} s`, phaseA);
  report(
    `B. ${STUDENTS} students (${STUDENTS * 2} pods, ${STUDENTS} WebSockets)${PROJECTOR ? ' + the projector' : ''}: ${perStudent} conn/s each to their own Service`,
    phaseB,
  );
  const ratio = (x: number, y: number) => (y ? (x / y).toFixed(2) : 'n/a');
  console.log(
    `\nB/A: fps ${ratio(quantile(phaseB.fps, 0.5), quantile(phaseA.fps, 0.5))}, event-to-pixel p95 ${ratio(quantile(phaseB.latencies, 0.95), quantile(phaseA.latencies, 0.95))}, API p95 ${ratio(quantile(phaseB.api, 0.95), quantile(phaseA.api, 0.95))}, connections answered ${ratio(phaseB.ok, phaseA.ok)}`,
  );
} finally {
  for (const ws of sockets) ws.terminate();
  await browser.close();
  await lab.stop();
}
