// The NftablesProxier against the real kernel, run by nftablesProxier.integration.test.ts inside
// a throwaway network namespace (`unshare -Urn`): never in the host's (the proxier refuses).
// Addresses (all inside that namespace): pods 127.244.<n>.10 on node-n (127.18.0.<n+1>),
// Services from 127.96.0.0/16. Prints one JSON line of findings on stdout.
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';
import type { EndpointSlice, KubeObject, Service } from '@l4lab/protocol';
import { desiredFrontends } from '../frontends.ts';
import type { EndpointInfo, ServicePortInfo } from '../types.ts';
import { Cluster, realClock } from '@l4lab/cluster';
import { findProgram, nftApply, nftListTable } from './commands.ts';
import { buildRuleset } from './ruleset.ts';
import { fullPlan, planScript, planScripts } from './script.ts';
import { NftablesProxier } from './nftablesProxier.ts';
import { ProxierHealth } from '../proxierHealth.ts';

const logs: string[] = [];
const logger = {
  info: (o: object, msg: string) => logs.push(`${msg} ${JSON.stringify(o)}`),
  warn: (o: object, msg: string) => logs.push(`${msg} ${JSON.stringify(o)}`),
};

const pods = [
  { name: 'web-a', ip: '127.244.1.10', node: 'node-1' },
  { name: 'web-b', ip: '127.244.2.10', node: 'node-2' },
  { name: 'web-c', ip: '127.244.3.10', node: 'node-3' },
];

function service(
  name: string,
  port: number,
  protocol: 'TCP' | 'UDP',
  over = {},
  annotations?: Record<string, string>,
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: { type: 'ClusterIP', ports: [{ name: 'p', port, targetPort: port, protocol }], ...over },
  };
}

function slice(
  svc: string,
  port: number,
  protocol: 'TCP' | 'UDP',
  members: typeof pods,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${svc}-1`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': svc },
    },
    addressType: 'IPv4',
    ports: [{ name: 'p', port, protocol }],
    endpoints: members.map((p) => ({
      addresses: [p.ip],
      nodeName: p.node,
      conditions: { ready: true },
      targetRef: { kind: 'Pod', namespace: 'default', name: p.name, uid: p.name },
    })),
  };
}

function apply(cluster: Cluster, objects: KubeObject[]): void {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(JSON.stringify(out.errors));
}

/** A pod's TCP server: answers its name and the address it sees the client at. */
function tcpServer(ip: string, port: number, name: string): Promise<Server> {
  const srv = createServer((s) => {
    s.on('error', () => {});
    s.end(`${name} ${s.remoteAddress}`);
  });
  return new Promise((resolve) => srv.listen(port, ip, () => resolve(srv)));
}

function ask(ip: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = connect({ host: ip, port, timeout: 3000 });
    s.on('data', (d) => (got += d));
    s.on('end', () => resolve(got));
    s.on('timeout', () => {
      s.destroy();
      reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
    });
    s.on('error', reject);
  });
}

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function endpointsInForce(p: NftablesProxier, spn: string): string[] {
  return (p.rulesInForce().routing.endpointsMap.get(spn) ?? []).map((e) => e.ip);
}

async function askMany(n: number, ip: string, port: number): Promise<Record<string, number>> {
  const count: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const who = (await ask(ip, port)).split(' ')[0]!;
    count[who] = (count[who] ?? 0) + 1;
  }
  return count;
}

async function main(): Promise<void> {
  const ip = findProgram('ip');
  if (!ip || spawnSync(ip, ['link', 'set', 'lo', 'up']).status !== 0)
    throw new Error('cannot bring lo up in the namespace');
  const out: Record<string, unknown> = {};
  const cluster = new Cluster({ clock: realClock });
  const health = new ProxierHealth(realClock);
  const proxier = new NftablesProxier({
    cluster,
    clock: realClock,
    logger,
    minSyncPeriodMs: 5,
    health,
  });
  const servers = await Promise.all(pods.map((p) => tcpServer(p.ip, 8080, p.name)));
  proxier.start();

  // ClusterIP: every endpoint reached, each answer from the pod the rules chose.
  apply(cluster, [
    service('web', 8080, 'TCP', { type: 'NodePort' }),
    slice('web', 8080, 'TCP', pods),
  ]);
  await until(
    '3 endpoints in force',
    () => endpointsInForce(proxier, 'default/web:p').length === 3,
  );
  const web = cluster.store.get('Service', 'default', 'web')!;
  out.clusterIP = await askMany(60, web.spec.clusterIP!, 8080);
  // NodePort on node-2 (externalTrafficPolicy Cluster): the pod sees node-2's address.
  const nodePort = web.spec.ports![0]!.nodePort!;
  const viaNode2 = await Promise.all([1, 2, 3, 4, 5].map(() => ask('127.18.0.3', nodePort)));
  out.nodePortSources = [...new Set(viaNode2.map((a) => a.split(' ')[1]))];
  // An endpoint leaves: no new connection reaches it.
  apply(cluster, [slice('web', 8080, 'TCP', [pods[0]!, pods[2]!])]);
  await until(
    '2 endpoints in force',
    () => endpointsInForce(proxier, 'default/web:p').length === 2,
  );
  out.afterRemoval = await askMany(30, web.spec.clusterIP!, 8080);
  out.rules = await proxier.rulesFor('default', 'web');
  // What the kube-proxy pods' healthz and log read: healthy, and the last sync's Service ports.
  out.health = { healthy: health.state().healthy, last: health.syncsSince(0).at(-1) };

  // A proxy mode nftables cannot express: served randomly, said on the Service.
  apply(cluster, [
    service('lc', 8080, 'TCP', {}, { 'l4lab.dev/proxy-mode': 'ipvs:lc' }),
    slice('lc', 8080, 'TCP', pods),
  ]);
  await until('lc in force', () => endpointsInForce(proxier, 'default/lc:p').length === 3);
  out.unsupportedModes = Object.fromEntries(proxier.unsupportedModes());
  out.warnings = cluster.events
    .list('default')
    .filter((e) => e.type === 'Warning')
    .map((e) => `${e.involvedObject.name} ${e.reason}: ${e.message}`);
  apply(cluster, [service('lc', 8080, 'TCP')]);
  await until('lc served as asked', () => proxier.unsupportedModes().size === 0);

  // No endpoints: REJECT (connection refused at once).
  apply(cluster, [service('empty', 8080, 'TCP')]);
  await until('empty in force', () =>
    proxier.rulesInForce().routing.serviceMap.has('default/empty:p'),
  );
  const empty = cluster.store.get('Service', 'default', 'empty')!;
  out.noEndpoints = await ask(empty.spec.clusterIP!, 8080).catch(
    (e: NodeJS.ErrnoException) => e.code,
  );

  out.udp = await udpStaleFlow(cluster, proxier);
  out.bench = await bench(cluster, proxier);
  await proxier.shutdown();
  out.tableAfterShutdown = (await nftListTable(findProgram('nft')!, 'kube-proxy')) ?? null;
  out.fullTransaction = await fullTransaction();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** A UDP flow whose endpoint leaves is moved at once (its conntrack entry deleted), not stuck. */
async function udpStaleFlow(cluster: Cluster, proxier: NftablesProxier): Promise<unknown> {
  const socks = pods.slice(0, 2).map((p) => {
    const s = createSocket('udp4');
    s.on('message', (_m, r) => s.send(p.name, r.port, r.address));
    return new Promise<typeof s>((resolve) => s.bind(5353, p.ip, () => resolve(s)));
  });
  const servers = await Promise.all(socks);
  apply(cluster, [service('dns', 5353, 'UDP'), slice('dns', 5353, 'UDP', pods.slice(0, 2))]);
  await until('dns in force', () => endpointsInForce(proxier, 'default/dns:p').length === 2);
  const dns = cluster.store.get('Service', 'default', 'dns')!;
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.connect(5353, dns.spec.clusterIP!, () => r()));
  const query = () =>
    new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no UDP answer')), 3000);
      client.once('message', (m) => {
        clearTimeout(t);
        resolve(String(m));
      });
      client.send('q');
    });
  const first = await query();
  const again = await query(); // same flow, same endpoint
  const left = pods.find((p) => p.name === first)!;
  apply(cluster, [
    slice(
      'dns',
      5353,
      'UDP',
      pods.slice(0, 2).filter((p) => p !== left),
    ),
  ]);
  await until(
    '1 dns endpoint in force',
    () => endpointsInForce(proxier, 'default/dns:p').length === 1,
  );
  await new Promise((r) => setTimeout(r, 300)); // conntrack -D runs after the transaction
  const after = await query();
  client.close();
  for (const s of servers) s.close();
  return { first, again, after };
}

/**
 * The lab's quota is 200 Services: fill it up, each with 3 endpoints (one sync), then change
 * one endpoint at a time and time each change until it is in force.
 */
async function bench(cluster: Cluster, proxier: NftablesProxier): Promise<unknown> {
  const members = (i: number) =>
    [1, 2, 3].map((n) => ({ name: `b${i}-${n}`, ip: `127.244.${n}.${20 + i}`, node: `node-${n}` }));
  const count = 200 - cluster.list('Service').length;
  const objects: KubeObject[] = [];
  for (let i = 0; i < count; i++)
    objects.push(service(`bench-${i}`, 8080, 'TCP'), slice(`bench-${i}`, 8080, 'TCP', members(i)));
  const before = proxier.syncStats().count;
  const t0 = performance.now();
  apply(cluster, objects);
  const last = `default/bench-${count - 1}:p`;
  await until('the Services in force', () => endpointsInForce(proxier, last).length === 3, 60_000);
  const bulkMs = performance.now() - t0;
  const bulkSyncs = proxier.syncStats().count - before;
  const changes: number[] = [];
  for (let i = 0; i < 40; i++) {
    const gen = proxier.rulesInForce().generation;
    const t = performance.now();
    apply(cluster, [slice(`bench-${i}`, 8080, 'TCP', members(i).slice(0, 2))]);
    await until('change in force', () => proxier.rulesInForce().generation > gen);
    changes.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  changes.sort((a, b) => a - b);
  return {
    services: cluster.list('Service').length,
    bulkMs: Math.round(bulkMs),
    bulkSyncs,
    endpointChangeMs: {
      p50: Math.round(changes[19]!),
      p95: Math.round(changes[37]!),
      max: Math.round(changes[39]!),
    },
    syncStats: proxier.syncStats(),
  };
}

/** 200 Services x 3 endpoints written whole in one `nft -f` transaction (as a first sync). */
async function fullTransaction(): Promise<unknown> {
  const nodes = [1, 2, 3].map((n) => ({
    name: `node-${n}`,
    ip: `127.18.0.${n + 1}`,
    podCIDR: { base: ((127 << 24) | (244 << 16) | (n << 8)) >>> 0, size: 256 },
    ready: true,
  }));
  const serviceMap = new Map<string, ServicePortInfo>();
  const endpointsMap = new Map<string, EndpointInfo[]>();
  for (let i = 0; i < 200; i++) {
    const name = `default/s${i}:p`;
    serviceMap.set(name, {
      name,
      namespace: 'default',
      service: `s${i}`,
      portName: 'p',
      protocol: 'TCP',
      type: 'ClusterIP',
      clusterIP: `127.96.1.${i}`,
      port: 80,
      externalIPs: [],
      loadBalancerIPs: [],
      loadBalancerSourceRanges: [],
      affinityTimeoutSeconds: 0,
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
    });
    endpointsMap.set(
      name,
      nodes.map((n, j) => ({
        ip: `127.244.${j + 1}.${20 + i}`,
        port: 8080,
        ready: true,
        serving: true,
        terminating: false,
        nodeName: n.name,
        pod: `s${i}-${j}`,
        namespace: 'default',
      })),
    );
  }
  const frontends = desiredFrontends(serviceMap.values(), nodes).values();
  const plan = fullPlan(buildRuleset({ routing: { serviceMap, endpointsMap, nodes }, frontends }));
  const nft = findProgram('nft')!;
  const script = planScript(plan);
  let t = performance.now();
  const single = await nftApply(nft, script).then(
    () => ({ ms: Math.round(performance.now() - t) }),
    (err: unknown) => ({ failed: String(err) }),
  );
  // Where one transaction is too large for nft (an unprivileged user namespace): the split path.
  t = performance.now();
  const scripts = planScripts(plan, 32_000);
  for (const sc of scripts) await nftApply(nft, sc);
  const split = { ms: Math.round(performance.now() - t), transactions: scripts.length };
  await nftApply(nft, 'delete table ip kube-proxy\n');
  return { scriptBytes: script.length, single, split };
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n${logs.join('\n')}\n`);
  process.exit(1);
});
