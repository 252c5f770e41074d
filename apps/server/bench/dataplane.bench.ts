// npm run bench:dataplane: new connections/s, keep-alive requests/s and bulk MB/s, side by side in
// one run, for: nginx direct, l4lab's userspace dataplane (events on and off), l4lab's kernel
// dataplane (kube-proxy's nftables mode, events from conntrack on and off), and HAProxy in
// `mode tcp` (when installed). Load from wrk (apt-get install wrk), run in a client pod: a network
// namespace of its own behind a veth (benchClient.ts, 198.18.0.2). Loopback addresses only
// (127.68-79.x) and that pod's, in namespaces the bench made; every run bounded in time. Prints
// ratios; asserts nothing.
//
// It runs itself again inside a network namespace of its own (benchNamespace.ts), so every target
// shares one loopback there and the kernel target never touches the host's firewall; without the
// tools or privileges it runs in the host's namespace without the kernel target and says why.
// The kernel target then adds: its events against the connections the kernel made (losses
// counted), conntrack -> browser latency at a steady rate (eventLatency.ts), and rule sync times
// for 200 Services x 3 endpoints (ruleSync.ts).
//
// l4lab runs as the server runs it: streams (bulk) are handed to its relay processes, whose CPU
// counts as the proxy's. "Events on" is the server's own pipeline: every event into the EventHub (counters, recent
// events), and a connection_events frame JSON-encoded every 50 ms as if a browser were watching.
// The targets take turns within each round, so a slow moment of the machine hits them alike; each
// figure is the median of BENCH_ROUNDS rounds (9; the runs are printed too, and each paired ratio
// with its 95 % confidence interval: benchRatios.ts), then the whole machine's CPU per request,
// paired the same way (what each path costs in all, wherever it ran), and, where perf runs, the
// kernel NAT's share of the CPU in a profile (natProfile.ts). BENCH_TARGETS and BENCH_METRICS pick
// some targets and metrics, BENCH_CT_LOOKUPS=0 the conntrack reader's sweeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionEvent } from '@l4lab/protocol';
import { Cluster, DEFAULT_ADDRESS_PLAN, PortMapper, realClock } from '@l4lab/cluster';
import { addStaticService } from '@l4lab/cluster/testing';
import { ConnectionStats, UserspaceProxier } from '@l4lab/dataplane';
import { EventHub } from '../src/eventHub.ts';
import { type ClientPod, startClientPod } from './benchClient.ts';
import { benchPlace } from './benchNamespace.ts';
import { medianOf, printComparison } from './benchRatios.ts';
import { METRICS, SECONDS, loadFrom, type Metric, type Run } from './benchWrk.ts';
import { measureEventLatency } from './eventLatency.ts';
import {
  printEventWindows,
  printLatency,
  printRuleSync,
  type MetricWindow,
  type OffWindow,
} from './kernelReport.ts';
import { KERNEL_OFF, KERNEL_ON, KernelTarget } from './kernelTarget.ts';
import { natShare, perfAvailable, printNatShares, type NatShare } from './natProfile.ts';
import { measureRuleSync } from './ruleSync.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** conntrack -> browser latency: new connections per second, for this long. */
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 2000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
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
/** The same nginx on addresses of their own for the kernel target's Services (kernelTarget.ts says why). */
const KERNEL_ENDPOINTS = {
  on: { ip: '127.77.0.3', port: 8080 },
  off: { ip: '127.77.0.4', port: 8080 },
};
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
    // As root (in a user namespace too: `unshare -Urn` when the bench's user is not root), nginx
    // chowns its temp directories to its `user`, by default nobody, whom a user namespace does not
    // map (EINVAL): root it stays.
    `${process.getuid?.() === 0 ? 'user root root; ' : ''}daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 100000; client_body_temp_path ${dir}/t1; proxy_temp_path ${dir}/t2;
fastcgi_temp_path ${dir}/t3; uwsgi_temp_path ${dir}/t4; scgi_temp_path ${dir}/t5; default_type text/html; sendfile on;
server { ${[NGINX, KERNEL_ENDPOINTS.on, KERNEL_ENDPOINTS.off].map((a) => `listen ${a.ip}:${a.port} backlog=4096;`).join(' ')}
location / { root ${dir}; } } }
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

/**
 * CPU seconds every CPU of the machine spent busy so far (user, nice, system, irq, softirq; not
 * idle, iowait or steal), from /proc/stat: the whole data path, wrk and nginx and the kernel's
 * packet work, whoever's CPU it ran on.
 */
function machineBusy(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).map(Number);
  // cpu user nice system idle iowait irq softirq steal ...
  return (f[1]! + f[2]! + f[3]! + f[6]! + f[7]!) / 100;
}

/** CPU seconds (user + system) used so far by another process, from /proc (clock ticks of 10 ms). */
function procCpu(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

interface Target {
  name: string;
  ip: string;
  port: number;
  /** Before each of its runs (l4lab: events on or off); `label` names the run. */
  before?: (label: string) => void | Promise<void>;
  /** After each of its runs, before its CPU is read (the kernel target: its events settle). */
  after?: (run: Run) => Promise<void>;
  /** The proxy's CPU seconds so far, for CPU per request (proxies only). */
  cpu?: () => number;
}

const KERNEL_NOTE = `(l4lab nftables: the NAT runs in the kernel, on the client's and nginx's CPU time; its "cpu" is the
 events pipeline's: the conntrack readers and this process. Once the kube-proxy table is in, conntrack tracks every
 connection in the namespace, as on a node running kube-proxy: direct, HAProxy and userspace pay it too)`;

/** The kernel target and why it is missing when it is. */
type Kernel = { target: KernelTarget } | { missing: string };

/** Inside the bench's namespace: kube-proxy's nftables table in front of the bench nginx. */
async function startKernel(place: Awaited<ReturnType<typeof benchPlace>>): Promise<Kernel> {
  if (place.kind !== 'inside') return { missing: place.kind === 'host' ? place.why : 'not run' };
  try {
    return { target: await KernelTarget.start(KERNEL_ENDPOINTS) };
  } catch (err) {
    return { missing: (err as Error).message };
  }
}

/** Both variants of the kernel target; events-on runs record what their events said. */
function kernelTargets(
  kernel: KernelTarget,
  windows: MetricWindow[],
  offWindows: OffWindow[],
  metric: () => string,
): Target[] {
  let offStart = 0;
  return [
    {
      name: KERNEL_ON,
      ip: kernel.onIP,
      port: kernel.port,
      before: (label) => kernel.eventsOn(label),
      after: async (run) => {
        windows.push({ metric: metric(), requests: run.requests, ...(await kernel.eventsOff()) });
      },
      cpu: () => kernel.eventsCpu(),
    },
    {
      name: KERNEL_OFF,
      ip: kernel.offIP,
      port: kernel.port,
      before: () => void (offStart = ownCpu()),
      after: async (run) => {
        offWindows.push({ metric: metric(), requests: run.requests, own: ownCpu() - offStart });
      },
    },
  ];
}

async function main(): Promise<void> {
  if (!which('wrk')) {
    console.log(
      'bench:dataplane needs wrk (apt-get install -y wrk); haproxy is optional (apt-get install -y haproxy)',
    );
    process.exitCode = 1;
    return;
  }
  const place = await benchPlace();
  if (place.kind === 'ran') {
    process.exitCode = place.code;
    return;
  }
  console.log(
    place.kind === 'inside'
      ? `network namespace: ${place.how} (every target on its loopback)`
      : `host network namespace: no kernel target (${place.why})`,
  );
  for (const w of place.kind === 'inside' ? place.warnings : []) console.log(`  (${w})`);
  const client = await clientPlace(place);
  console.log(`load from: ${client.says}`);
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-bench-'));
  let proxier: UserspaceProxier | undefined;
  let hub: EventHub | undefined;
  let kernel: Kernel = { missing: 'not started' };
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
    kernel = await startKernel(place);
    const windows: MetricWindow[] = [];
    const offWindows: OffWindow[] = [];
    let metric = '';
    if ('target' in kernel) {
      kernel.target.sink = (e) => started.hub.record(e);
      kernel.target.countedSink = (at, n) => started.hub.counted(at, n);
    }
    // The kernel targets next to going direct: their ratios to it are the issue's closest ones, and
    // runs back to back share more of the machine's moment than runs three turns apart.
    const allTargets: Target[] = [
      { name: 'nginx direct', ip: NGINX.ip, port: NGINX.port },
      ...('target' in kernel
        ? kernelTargets(kernel.target, windows, offWindows, () => metric)
        : []),
      {
        name: 'l4lab, events on',
        ip: started.ip,
        port: 8080,
        before: () => void (sink.on = true),
        cpu: () => proxierCpu(started.proxier),
      },
      {
        name: 'l4lab, events off',
        ip: started.ip,
        port: 8080,
        before: () => void (sink.on = false),
        cpu: () => proxierCpu(started.proxier),
      },
      ...haproxies,
    ];
    // BENCH_TARGETS=direct,nftables keeps the targets whose names contain one of the words (all
    // by default; the ratios need "nginx direct"); with a `;` it splits there instead, for a
    // name with a comma: BENCH_TARGETS='nftables, events on;'.
    const words = process.env.BENCH_TARGETS;
    const pick = words?.split(words.includes(';') ? ';' : ',').filter(Boolean);
    const targets = allTargets.filter((t) => !pick || pick.some((w) => t.name.includes(w)));
    console.log(
      `wrk, 1 thread, ${SECONDS} s per run, median of ${ROUNDS} rounds; the targets take turns in each round`,
    );
    console.log(
      `(the order of the turns is reversed every other round; "cpu" is the proxy's own CPU time, user + system, per request)`,
    );
    if ('missing' in kernel)
      console.log(`l4lab nftables (kernel): not measured: ${kernel.missing}`);
    else console.log(KERNEL_NOTE);
    const median = new Map<string, Record<Metric, number>>();
    for (const t of targets) median.set(t.name, { newConn: 0, keepAlive: 0, bulk: 0 });
    const allRuns = new Map<Metric, Map<string, number[]>>();
    /** Median CPU µs per request (or per connection), by metric and target. */
    const cpuPerOp = new Map<Metric, Map<string, number>>();
    /** Every run's whole-machine CPU µs per request, by metric and target (rounds in order). */
    const machineRuns = new Map<Metric, Map<string, number[]>>();
    // BENCH_METRICS=newConn,keepAlive,bulk picks some (all by default).
    const only = process.env.BENCH_METRICS?.split(',');
    for (const m of METRICS.filter((x) => !only || only.includes(x.key))) {
      console.log(`\n${m.label}`);
      metric = m.key;
      for (const t of targets) {
        // A warm-up run each (l4lab's relay processes start on the bulk one).
        await t.before?.('warm-up');
        await t.after?.(await m.run(`http://${t.ip}:${t.port}`, 1));
      }
      const runs = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      const cpuRuns = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      const machine = new Map<string, number[]>(targets.map((t) => [t.name, []]));
      allRuns.set(m.key, runs);
      machineRuns.set(m.key, machine);
      for (let r = 0; r < ROUNDS; r++) {
        // ABBA: whoever ran last in one round runs first in the next, so neither the order nor
        // what the previous run left behind (a busy cache, GC work) favours one target.
        for (const t of r % 2 ? [...targets].reverse() : targets) {
          await t.before?.(`round ${r + 1}`);
          const cpu0 = t.cpu?.();
          const busy0 = machineBusy();
          const run = await m.run(`http://${t.ip}:${t.port}`);
          const busy = machineBusy() - busy0;
          await t.after?.(run);
          runs.get(t.name)!.push(run.value);
          machine.get(t.name)!.push(run.requests > 0 ? (busy * 1e6) / run.requests : NaN);
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
    printComparison(
      { median, allRuns, cpuPerOp, machineRuns },
      {
        targets: targets.map((t) => t.name),
        haproxies: haproxies.filter((h) => targets.includes(h)).map((h) => h.name),
        haproxyLeftOut: haproxies.length > 0 && !haproxies.some((h) => targets.includes(h)),
        kernel: 'target' in kernel,
      },
    );
    if ('target' in kernel && process.env.BENCH_PERF !== '0') await profileNat(targets);
    if ('target' in kernel) {
      await kernelPhases(kernel.target, windows, offWindows, median.get(KERNEL_ON)!.newConn);
      kernel = { missing: 'stopped' }; // kernelPhases stopped it
    }
  } finally {
    hub?.stop();
    await proxier?.shutdown(true);
    if ('target' in kernel) await kernel.target.shutdown();
    for (const c of children) c.kill('SIGKILL');
    client.pod?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Keep-alive through going direct and the kernel target (events off) under perf (natProfile.ts). */
async function profileNat(targets: Target[]): Promise<void> {
  const seconds = Number(process.env.BENCH_PERF_SECONDS ?? 5);
  const perf = which('perf');
  const missing = await perfAvailable(perf);
  if (missing)
    return console.log(`\nthe kernel's NAT in the CPU profile: not measured: ${missing}`);
  const keepAlive = METRICS.find((m) => m.key === 'keepAlive')!;
  const shares: NatShare[] = [];
  for (const t of targets.filter((x) => x.name === 'nginx direct' || x.name === KERNEL_OFF)) {
    shares.push(
      await natShare(perf!, t.name, () => keepAlive.run(`http://${t.ip}:${t.port}`, seconds)),
    );
  }
  printNatShares(shares, seconds);
}

/**
 * Where wrk runs: a client pod behind a veth (benchClient.ts) inside the bench's namespace;
 * BENCH_CLIENT=node, or a bench in the host's namespace, runs it beside the targets.
 */
async function clientPlace(
  place: Awaited<ReturnType<typeof benchPlace>>,
): Promise<{ pod?: ClientPod; says: string }> {
  const node = "the node's own namespace, beside the targets (a ClusterIP is DNATed in output)";
  if (place.kind !== 'inside') return { says: node };
  if (process.env.BENCH_CLIENT === 'node') return { says: `${node}: BENCH_CLIENT=node` };
  try {
    const pod = await startClientPod();
    loadFrom(pod.prefix);
    return {
      pod,
      says: `a client pod, ${pod.ip} in a namespace of its own behind a veth, as on a node (a ClusterIP is DNATed in prerouting; BENCH_CLIENT=node: from the node's namespace)`,
    };
  } catch (err) {
    return { says: `${node}: no client pod (${(err as Error).message})` };
  }
}

/** The kernel target's own figures: events vs connections, latency, then rule sync. */
async function kernelPhases(
  kernel: KernelTarget,
  windows: MetricWindow[],
  offWindows: OffWindow[],
  newConnMedian: number,
): Promise<void> {
  printEventWindows(windows, offWindows, kernel, newConnMedian);
  console.log(
    `\nconntrack -> browser latency: ${LATENCY_RATE} new connections/s for ${LATENCY_SECONDS} s through the ClusterIP`,
  );
  printLatency(await measureEventLatency(kernel, LATENCY_RATE, LATENCY_SECONDS));
  // One kube-proxy table per namespace: the traffic target's goes before the rule sync's.
  await kernel.shutdown();
  console.log(`\nrule sync (kube-proxy's nftables table, 200 Services x 3 endpoints)`);
  printRuleSync(await measureRuleSync());
}

void main();
