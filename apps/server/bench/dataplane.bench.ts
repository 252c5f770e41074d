// npm run bench:dataplane: new connections/s, keep-alive requests/s and bulk MB/s, side by side in
// one run, for: nginx direct, l4lab's userspace dataplane (events on and off), and HAProxy in
// `mode tcp` (when installed). Load from wrk (apt-get install wrk). Loopback only (127.75-79.x),
// every run bounded in time. Prints ratios; asserts nothing.
//
// l4lab runs as the server runs it: streams (bulk) are handed to its relay processes, whose CPU
// counts as the proxy's. "Events on" is the server's own pipeline: every event into the EventHub (counters, recent
// events), and a connection_events frame JSON-encoded every 50 ms as if a browser were watching.
// The targets take turns within each round, so a slow moment of the machine hits them alike; each
// figure is the median of BENCH_ROUNDS rounds (the runs are printed too).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionEvent } from '@l4lab/protocol';
import { Cluster, DEFAULT_ADDRESS_PLAN, PortMapper, realClock } from '@l4lab/cluster';
import { addStaticService } from '@l4lab/cluster/testing';
import { ConnectionStats, UserspaceProxier } from '@l4lab/dataplane';
import { EventHub } from '../src/eventHub.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/**
 * HAProxy twice: with one thread, like the proxier's one accept-and-route loop, and as installed
 * (no `nbthread`: one thread per CPU, as l4lab's relay processes for streams). The issue's targets
 * do not say which; both are printed.
 */
const HAPROXIES = [
  { name: 'haproxy mode tcp, 1 thread', ip: '127.79.0.1', port: 8080, threads: 1 },
  { name: 'haproxy mode tcp, default', ip: '127.79.0.2', port: 8080, threads: undefined },
] as const;
const NGINX = { ip: '127.77.0.2', port: 8080 };
const children: ChildProcess[] = [];

function which(cmd: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/sbin'])) {
    if (d && existsSync(join(d, cmd))) return join(d, cmd);
  }
  return undefined;
}

async function waitPort(ip: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${ip}:${port}/`).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${ip}:${port} did not answer`);
}

async function startNginx(dir: string): Promise<void> {
  const nginx = which('nginx');
  if (!nginx) throw new Error('nginx is needed (apt-get install -y nginx-light)');
  await writeFile(join(dir, 'index.html'), '<h1>Welcome to nginx!</h1>\n'.repeat(20));
  await writeFile(join(dir, 'bulk.bin'), Buffer.alloc(8 * 1024 * 1024, 7));
  await writeFile(
    join(dir, 'nginx.conf'),
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000; client_body_temp_path ${dir}/t1; proxy_temp_path ${dir}/t2;
fastcgi_temp_path ${dir}/t3; uwsgi_temp_path ${dir}/t4; scgi_temp_path ${dir}/t5; default_type text/html; sendfile on;
server { listen ${NGINX.ip}:${NGINX.port} backlog=4096; location / { root ${dir}; } } }
`,
  );
  children.push(
    spawn(nginx, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
      stdio: 'ignore',
    }),
  );
  await waitPort(NGINX.ip, NGINX.port);
}

/** HAProxy's pid, or undefined when it is not installed. */
async function startHaproxy(
  dir: string,
  h: { ip: string; port: number; threads: number | undefined },
): Promise<number | undefined> {
  const haproxy = which('haproxy');
  if (!haproxy) return undefined;
  const cfg = join(dir, `haproxy-${h.ip}.cfg`);
  await writeFile(
    cfg,
    `global
${h.threads ? `  nbthread ${h.threads}\n` : ''}  maxconn 4000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend f
  bind ${h.ip}:${h.port}
  default_backend b
backend b
  server s1 ${NGINX.ip}:${NGINX.port}
`,
  );
  const child = spawn(haproxy, ['-f', cfg, '-db'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  await waitPort(h.ip, h.port);
  return child.pid;
}

/** A ClusterIP Service in front of the bench nginx (a selector-less Service + its EndpointSlice). */
async function startProxier(sink: {
  on: boolean;
}): Promise<{ proxier: UserspaceProxier; hub: EventHub; ip: string }> {
  const cluster = new Cluster({
    clock: realClock,
    plan: {
      ...DEFAULT_ADDRESS_PLAN,
      nodeCount: 1,
      serviceCIDR: '127.78.0.0/16',
      nodeBase: '127.76.0.2',
      podCIDR: '127.75.0.0/16',
    },
  });
  const hub = new EventHub(new ConnectionStats());
  hub.start((msg) => void JSON.stringify(msg)); // what WsHub.broadcast does once per frame
  const proxier = new UserspaceProxier({
    cluster,
    mapper: new PortMapper('native'),
    clock: realClock,
    logger: { info() {}, warn() {} },
    onEvent: (e: ConnectionEvent) => {
      if (sink.on) hub.record(e);
    },
  });
  const ip = addStaticService(cluster, {
    name: 'bench',
    port: 8080,
    protocol: 'TCP',
    endpoint: { ...NGINX, node: 'node-1', pod: 'nginx' },
  });
  proxier.start();
  await waitPort(ip, 8080);
  return { proxier, hub, ip };
}

function unit(v: string, u: string): number {
  const n = Number(v);
  return u === 'GB' ? n * 1024 : u === 'MB' ? n : u === 'KB' ? n / 1024 : n / 1024 / 1024;
}

/** wrk in its own process; awaited, so this process's event loop (the proxier) keeps running. */
async function wrk(
  url: string,
  conns: number,
  extra: string[] = [],
  seconds = SECONDS,
): Promise<{ rps: number; mbps: number; requests: number }> {
  const args = ['-t1', `-c${conns}`, `-d${seconds}s`, ...extra, url];
  const { stdout: out } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const t = /Transfer\/sec:\s+([\d.]+)(GB|MB|KB|B)/.exec(out);
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  if (errors) console.log(`    (wrk ${url}: socket errors ${errors})`);
  if (rps === 0) console.log(out);
  return { rps, mbps: t ? unit(t[1]!, t[2]!) : 0, requests };
}

/** CPU seconds (user + system) used so far by this process (the l4lab proxier runs in it). */
function ownCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The proxier's CPU: this process and its relay processes (streams are handed to them). */
function proxierCpu(proxier: UserspaceProxier): number {
  let cpu = ownCpu();
  for (const pid of proxier.relays().pids) {
    try {
      cpu += procCpu(pid);
    } catch {
      // exited: its CPU is gone from /proc
    }
  }
  return cpu;
}

/** CPU seconds (user + system) used so far by another process, from /proc (clock ticks of 10 ms). */
function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function medianOf(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Target {
  name: string;
  ip: string;
  port: number;
  /** Before each of its runs (l4lab: events on or off). */
  before?: () => void;
  /** The proxy's CPU seconds so far, for CPU per request (proxies only). */
  cpu?: () => number;
}
type Metric = 'newConn' | 'keepAlive' | 'bulk';
type Run = { value: number; requests: number };
const METRICS: {
  key: Metric;
  label: string;
  run: (base: string, seconds?: number) => Promise<Run>;
}[] = [
  {
    key: 'newConn',
    label: 'new connections/s (32 conns, Connection: close)',
    run: async (base, seconds) => {
      const r = await wrk(`${base}/`, 32, ['-H', 'Connection: close'], seconds);
      return { value: r.rps, requests: r.requests };
    },
  },
  {
    key: 'keepAlive',
    label: 'keep-alive requests/s (32 conns)',
    run: async (base, seconds) => {
      const r = await wrk(`${base}/`, 32, [], seconds);
      return { value: r.rps, requests: r.requests };
    },
  },
  {
    key: 'bulk',
    label: 'bulk MB/s (4 conns, 8 MiB file)',
    run: async (base, seconds) => {
      const r = await wrk(`${base}/bulk.bin`, 4, [], seconds);
      return { value: r.mbps, requests: r.requests };
    },
  },
];

async function main(): Promise<void> {
  if (!which('wrk')) {
    console.log(
      'bench:dataplane needs wrk (apt-get install -y wrk); haproxy is optional (apt-get install -y haproxy)',
    );
    process.exitCode = 1;
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-bench-'));
  let proxier: UserspaceProxier | undefined;
  let hub: EventHub | undefined;
  try {
    await startNginx(dir);
    const haproxies: Target[] = [];
    for (const h of HAPROXIES) {
      const pid = await startHaproxy(dir, h);
      if (pid) haproxies.push({ name: h.name, ip: h.ip, port: h.port, cpu: () => procCpu(pid) });
    }
    const sink = { on: true };
    const started = await startProxier(sink);
    proxier = started.proxier;
    hub = started.hub;
    const targets: Target[] = [
      { name: 'nginx direct', ip: NGINX.ip, port: NGINX.port },
      {
        name: 'l4lab, events on',
        ip: started.ip,
        port: 8080,
        before: () => (sink.on = true),
        cpu: () => proxierCpu(started.proxier),
      },
      {
        name: 'l4lab, events off',
        ip: started.ip,
        port: 8080,
        before: () => (sink.on = false),
        cpu: () => proxierCpu(started.proxier),
      },
      ...haproxies,
    ];
    console.log(
      `wrk, 1 thread, ${SECONDS} s per run, median of ${ROUNDS} rounds; the targets take turns in each round`,
    );
    console.log(
      `(the order of the turns is reversed every other round; "cpu" is the proxy's own CPU time, user + system, per request)`,
    );
    const median = new Map<string, Record<Metric, number>>();
    for (const t of targets) median.set(t.name, { newConn: 0, keepAlive: 0, bulk: 0 });
    const allRuns = new Map<Metric, Map<string, number[]>>();
    /** Median CPU µs per request (or per connection), by metric and target. */
    const cpuPerOp = new Map<Metric, Map<string, number>>();
    // BENCH_METRICS=newConn,keepAlive,bulk picks some (all by default).
    const only = process.env.BENCH_METRICS?.split(',');
    for (const m of METRICS.filter((x) => !only || only.includes(x.key))) {
      console.log(`\n${m.label}`);
      for (const t of targets) {
        t.before?.();
        await m.run(`http://${t.ip}:${t.port}`, 1); // warm-up (l4lab: its relays start on the bulk one)
      }
      const runs = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      const cpuRuns = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      allRuns.set(m.key, runs);
      for (let r = 0; r < ROUNDS; r++) {
        // ABBA: whoever ran last in one round runs first in the next, so neither the order nor
        // what the previous run left behind (a busy cache, GC work) favours one target.
        for (const t of r % 2 ? [...targets].reverse() : targets) {
          t.before?.();
          const cpu0 = t.cpu?.();
          const run = await m.run(`http://${t.ip}:${t.port}`);
          runs.get(t.name)!.push(run.value);
          if (t.cpu && run.requests > 0)
            cpuRuns.get(t.name)!.push(((t.cpu() - cpu0!) * 1e6) / run.requests);
        }
      }
      const cpuMedians = new Map<string, number>();
      cpuPerOp.set(m.key, cpuMedians);
      for (const t of targets) {
        const v = runs.get(t.name)!;
        median.get(t.name)![m.key] = medianOf(v);
        const c = cpuRuns.get(t.name)!;
        if (c.length) cpuMedians.set(t.name, medianOf(c));
        const cpu = c.length ? `  cpu ${medianOf(c).toFixed(1).padStart(5)} µs/req` : '';
        console.log(
          `  ${t.name.padEnd(28)} median ${medianOf(v).toFixed(0).padStart(7)}${cpu}   runs ${v.map((x) => x.toFixed(0)).join(' / ')}`,
        );
      }
    }
    const row = (name: string) => median.get(name)!;
    console.log(
      `\n  ${'median of each'.padEnd(28)} ${'new conn/s'.padStart(10)} ${'keep-alive/s'.padStart(12)} ${'bulk MB/s'.padStart(9)}`,
    );
    for (const t of targets) {
      const b = row(t.name);
      console.log(
        `  ${t.name.padEnd(28)} ${b.newConn.toFixed(0).padStart(10)} ${b.keepAlive.toFixed(0).padStart(12)} ${b.bulk.toFixed(0).padStart(9)}`,
      );
    }
    // Two views of the same runs: the ratio of the medians, and the median of the per-round
    // ratios (paired: within a round the two targets ran back to back, under the same load).
    const ratioOfMedians = (a: string, b: string, k: Metric) =>
      row(b)[k] > 0 ? row(a)[k] / row(b)[k] : NaN;
    const pairedRatio = (a: string, b: string, k: Metric) => {
      const x = allRuns.get(k)?.get(a);
      const y = allRuns.get(k)?.get(b);
      return x && y ? medianOf(x.map((v, i) => v / y[i]!)) : NaN;
    };
    const line = (label: string, a: string, b: string, target: string) => {
      const f = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a');
      const parts = (fn: typeof pairedRatio) =>
        `new ${f(fn(a, b, 'newConn'))}  keep-alive ${f(fn(a, b, 'keepAlive'))}  bulk ${f(fn(a, b, 'bulk'))}`;
      console.log(`  ${label.padEnd(24)} paired  ${parts(pairedRatio)}   ${target}`);
      console.log(`  ${''.padEnd(24)} medians ${parts(ratioOfMedians)}`);
    };
    const ON = 'l4lab, events on';
    console.log('\nratios (paired: median of per-round ratios; medians: ratio of the medians)');
    line('l4lab / direct', ON, 'nginx direct', '');
    for (const h of haproxies)
      line(
        `l4lab / ${h.name.replace('haproxy mode tcp, ', 'haproxy ')}`,
        ON,
        h.name,
        '(targets >= 0.6 / 0.9 / 0.9)',
      );
    if (!haproxies.length)
      console.log('  haproxy not installed (apt-get install -y haproxy): no comparison');
    line('events on / off', ON, 'l4lab, events off', '(target >= 0.95)');
    // CPU per request: the proxy's own work. Its kernel part includes the receiving side's TCP
    // path on loopback, so it also moves with where the scheduler put the processes.
    const cpuRatio = (a: string, b: string, k: Metric) => {
      const x = cpuPerOp.get(k)?.get(a);
      const y = cpuPerOp.get(k)?.get(b);
      return x && y ? `${(x / y).toFixed(2)}x` : 'n/a';
    };
    const cpuLine = (label: string, a: string, b: string) =>
      console.log(
        `  ${label.padEnd(24)} cpu     new ${cpuRatio(a, b, 'newConn')}  keep-alive ${cpuRatio(a, b, 'keepAlive')}  bulk ${cpuRatio(a, b, 'bulk')}`,
      );
    console.log('\nCPU per request, proxy process (lower is better; medians)');
    for (const h of haproxies)
      cpuLine(`l4lab / ${h.name.replace('haproxy mode tcp, ', 'haproxy ')}`, ON, h.name);
    cpuLine('events on / off', ON, 'l4lab, events off');
  } finally {
    hub?.stop();
    await proxier?.shutdown(true);
    for (const c of children) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
