// npm run bench:dataplane: new connections/s, keep-alive requests/s and bulk MB/s, side by side in
// one run, for: nginx direct, l4lab's userspace dataplane (events on and off), and HAProxy in
// `mode tcp` (when installed). Load from wrk (apt-get install wrk). Loopback only (127.77-79.x),
// every run bounded in time. Prints ratios; asserts nothing.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionEvent, EndpointSlice, Service } from '@l4lab/protocol';
import {
  Cluster,
  ConnectionStatsSink,
  DEFAULT_ADDRESS_PLAN,
  PortMapper,
  realClock,
} from './benchDeps.ts';
import { UserspaceProxier } from '../src/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const NGINX = { ip: '127.77.0.2', port: 8080 };
const HAPROXY = { ip: '127.79.0.1', port: 8080 };
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

async function startHaproxy(dir: string): Promise<boolean> {
  const haproxy = which('haproxy');
  if (!haproxy) return false;
  await writeFile(
    join(dir, 'haproxy.cfg'),
    `global
  nbthread 1
  maxconn 4000
defaults
  mode tcp
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend f
  bind ${HAPROXY.ip}:${HAPROXY.port}
  default_backend b
backend b
  server s1 ${NGINX.ip}:${NGINX.port}
`,
  );
  children.push(
    spawn(haproxy, ['-f', join(dir, 'haproxy.cfg'), '-db'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  await waitPort(HAPROXY.ip, HAPROXY.port);
  return true;
}

/** A ClusterIP Service in front of the bench nginx (a selector-less Service + its EndpointSlice). */
async function startProxier(sink: {
  on: boolean;
}): Promise<{ proxier: UserspaceProxier; ip: string }> {
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
  const stats = new ConnectionStatsSink();
  const proxier = new UserspaceProxier({
    cluster,
    mapper: new PortMapper('native'),
    clock: realClock,
    logger: { info() {}, warn() {} },
    onEvent: (e: ConnectionEvent) => {
      if (sink.on) stats.record(e);
    },
  });
  const svc: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'bench', namespace: 'default' },
    spec: { type: 'ClusterIP', ports: [{ port: 8080, targetPort: 8080, protocol: 'TCP' }] },
  };
  const out = cluster.apply([svc]);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
  const slice: EndpointSlice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'bench-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'bench' },
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [NGINX.ip],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-1',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'nginx', uid: 'x' },
      },
    ],
    ports: [{ name: '', port: NGINX.port, protocol: 'TCP' }],
  };
  cluster.store.put(slice);
  proxier.start();
  const ip = cluster.store.get('Service', 'default', 'bench')!.spec.clusterIP!;
  await waitPort(ip, 8080);
  return { proxier, ip };
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
): Promise<{ rps: number; mbps: number }> {
  const args = ['-t1', `-c${conns}`, `-d${SECONDS}s`, ...extra, url];
  const { stdout: out } = await promisify(execFile)('wrk', args, { encoding: 'utf8' });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const t = /Transfer\/sec:\s+([\d.]+)(GB|MB|KB|B)/.exec(out);
  const errors = /Socket errors: (.*)/.exec(out)?.[1];
  if (errors) console.log(`    (wrk ${url}: socket errors ${errors})`);
  if (rps === 0) console.log(out);
  return { rps, mbps: t ? unit(t[1]!, t[2]!) : 0 };
}

interface Row {
  name: string;
  newConn: number;
  keepAlive: number;
  bulk: number;
}

async function measure(name: string, ip: string, port: number): Promise<Row> {
  const base = `http://${ip}:${port}`;
  await wrk(`${base}/`, 8, ['-H', 'Connection: close']); // warm-up
  const newConn = (await wrk(`${base}/`, 32, ['-H', 'Connection: close'])).rps;
  const keepAlive = (await wrk(`${base}/`, 32)).rps;
  const bulk = (await wrk(`${base}/bulk.bin`, 4)).mbps;
  const row = { name, newConn, keepAlive, bulk };
  console.log(
    `  ${name.padEnd(24)} ${newConn.toFixed(0).padStart(9)} ${keepAlive.toFixed(0).padStart(11)} ${bulk.toFixed(0).padStart(9)}`,
  );
  return row;
}

async function main(): Promise<void> {
  if (!which('wrk')) {
    console.log(
      'bench:dataplane needs wrk (apt-get install -y wrk); haproxy is optional (apt-get install -y haproxy)',
    );
    process.exitCode = 1;
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-bench-'));
  try {
    await startNginx(dir);
    const haproxy = await startHaproxy(dir);
    const sink = { on: true };
    const { proxier, ip } = await startProxier(sink);
    console.log(
      `wrk, 1 thread, ${SECONDS} s per figure; new conn/s (32 conns, Connection: close), keep-alive req/s (32 conns), bulk MB/s (4 conns, 8 MiB file)`,
    );
    console.log(
      `  ${'target'.padEnd(24)} ${'new conn/s'.padStart(9)} ${'keep-alive/s'.padStart(11)} ${'bulk MB/s'.padStart(9)}`,
    );
    const direct = await measure('nginx direct', NGINX.ip, NGINX.port);
    // On and off alternate twice; the better of each pair is kept (the machine's noise is larger
    // than the effect being measured).
    const best = (a: Row, b: Row): Row => ({
      name: a.name,
      newConn: Math.max(a.newConn, b.newConn),
      keepAlive: Math.max(a.keepAlive, b.keepAlive),
      bulk: Math.max(a.bulk, b.bulk),
    });
    const on1 = await measure('l4lab (events on)', ip, 8080);
    sink.on = false;
    const off1 = await measure('l4lab (events off)', ip, 8080);
    sink.on = true;
    const on2 = await measure('l4lab (events on)', ip, 8080);
    sink.on = false;
    const off2 = await measure('l4lab (events off)', ip, 8080);
    sink.on = true;
    const on = best(on1, on2);
    const off = best(off1, off2);
    const ha = haproxy
      ? await measure('haproxy mode tcp (1 thr)', HAPROXY.ip, HAPROXY.port)
      : undefined;
    const r = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
    console.log('\nratios');
    console.log(
      `  l4lab/direct:            new ${r(on.newConn, direct.newConn)}x  keep-alive ${r(on.keepAlive, direct.keepAlive)}x  bulk ${r(on.bulk, direct.bulk)}x`,
    );
    if (ha)
      console.log(
        `  l4lab/haproxy:           new ${r(on.newConn, ha.newConn)}x  keep-alive ${r(on.keepAlive, ha.keepAlive)}x  bulk ${r(on.bulk, ha.bulk)}x   (targets >= 0.6 / 0.9 / 0.9)`,
      );
    else console.log('  haproxy not installed (apt-get install -y haproxy): no comparison');
    console.log(
      `  events on/off:           new ${r(on.newConn, off.newConn)}x  keep-alive ${r(on.keepAlive, off.keepAlive)}x  bulk ${r(on.bulk, off.bulk)}x   (target >= 0.95)`,
    );
    await proxier.shutdown(true);
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
