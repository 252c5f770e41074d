// kube-proxy behaviours end to end: real nginx pods (or the built-in servers without nginx), real
// TCP and UDP on loopback, random test ranges (testRanges.ts), clients 127.30.0.1-8.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent, DataplaneStatus, Service } from '@l4lab/protocol';
import { getPod, startTestLab, waitFor, type TestLab } from './testLab.ts';
import { runOnlyIf } from './testSkip.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let t: TestLab;
const native = () => t.lab.info.addressMode === 'native';
/**
 * The kernel dataplane (kube-proxy's nftables mode, the `kernel` test project): where it behaves
 * as a real cluster does and the userspace proxy cannot, the tests say so and assert that.
 */
const kernel = () => t.config.dataplane === 'nftables';
const client = (i: number) => (native() ? `127.30.0.${i}` : undefined);

function deployment(name: string, replicas: number, extraPorts = '', spread = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:${spread}
      containers:
      - name: web
        image: nginx
        ports:
        - containerPort: 80${extraPorts}
`;
}

async function service(name: string): Promise<Service> {
  return (await t.api<Service>('GET', `/api/objects/services/default/${name}`)).body;
}

/** Each node's InternalIP by name. */
async function nodeAddresses(): Promise<Map<string, string>> {
  const { body } = await t.api<{
    items: {
      metadata: { name: string };
      status: { addresses: { type: string; address: string }[] };
    }[];
  }>('GET', '/api/objects/nodes');
  return new Map(
    body.items.map((n) => [
      n.metadata.name,
      n.status.addresses.find((a) => a.type === 'InternalIP')!.address,
    ]),
  );
}

async function events(limit = 2000): Promise<ConnectionEvent[]> {
  return (await t.api<{ items: ConnectionEvent[] }>('GET', `/api/connections?limit=${limit}`)).body
    .items;
}

/**
 * The recent events, once `done` holds for them. The kernel dataplane reads its events from
 * conntrack a moment after the client has its answer (and a connection's end a second after its
 * close, when other tests' connections end too): a test waits for the events it asserts on.
 */
async function eventsWhen(
  what: string,
  done: (es: ConnectionEvent[]) => boolean,
): Promise<ConnectionEvent[]> {
  return waitFor(what, async () => {
    const es = await events();
    return done(es) ? es : undefined;
  });
}

async function ready(prefix: string, n: number) {
  return waitFor(`${n} ready ${prefix} pods`, async () => {
    const p = await t.readyPods(prefix);
    return p.length === n ? p : undefined;
  });
}

/**
 * Waits until kube-proxy routes to `n` ready endpoints of the Service's (unnamed) port. Pods are
 * Ready in the API first; kube-proxy programs them at its next sync (minSyncPeriod later), so a test
 * that asserts what kube-proxy chooses from waits for kube-proxy, not for the pods.
 */
async function inRotation(service: string, n: number): Promise<void> {
  await waitFor(`${n} ready endpoints of ${service} in kube-proxy`, async () => {
    const endpoints = t.lab.proxier.state().endpoints.get(`default/${service}:`) ?? [];
    return endpoints.filter((e) => e.ready).length === n ? true : undefined;
  });
}

/** Answers per pod for `count` new connections to ip:port (10 at a time), from clients 1..clients. */
async function spread(
  ip: string,
  port: number,
  count: number,
  clients = 4,
): Promise<Map<string, number>> {
  const target = t.target(ip, port);
  await waitFor(
    'the frontend',
    async () => (await getPod(target.host, target.port).catch(() => '')) || undefined,
  );
  const counts = new Map<string, number>();
  for (let done = 0; done < count; done += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - done) }, (_, i) =>
        getPod(target.host, target.port, client(((done + i) % clients) + 1)),
      ),
    );
    for (const pod of batch) counts.set(pod, (counts.get(pod) ?? 0) + 1);
  }
  return counts;
}

/**
 * The kernel dataplane cannot express an IPVS scheduler (nftables has `numgen random` only): the
 * Service gets kube-proxy's Warning, and is served as kube-proxy's nftables mode serves it,
 * uniformly at random over all its endpoints, each event saying which mode was asked for.
 */
async function servedAsNftables(name: string, asked: string, ip: string): Promise<void> {
  const warning = await waitFor('the Warning event', async () =>
    t.lab.cluster.events
      .list('default')
      .find((e) => e.involvedObject.name === name && e.reason === 'ProxyModeNotAvailable'),
  );
  expect(warning).toMatchObject({
    type: 'Warning',
    message: `proxy mode "${asked}" is not available in the nftables dataplane: served as kube-proxy's nftables mode (random)`,
  });
  await inRotation(name, 3);
  const before = await eventCounts();
  const counts = await spread(ip, 80, 600);
  expect(counts.size).toBe(3);
  const chi2 = [...counts.values()].reduce((s, n) => s + (n - 200) ** 2 / 200, 0);
  expect(chi2).toBeLessThan(27.63); // df = 2: P(chi2 > 27.63) = 1e-6 for a uniform choice
  // Every connection is reported or, over the events' rate limit (a fast machine), counted by
  // the kernel; unless the conntrack reader fell behind the kernel (ENOBUFS, on a busy machine):
  // then the loss is counted for the dashboard, and an event whose start was lost says so.
  await quiet();
  const after = await eventCounts();
  const lost = after.lost > before.lost;
  const opened = (await events()).filter((e) => e.service.name === name && e.outcome === 'open');
  const counted = after.counted - before.counted;
  expect(opened.length + counted).toBeGreaterThanOrEqual(lost ? 1 : 600);
  const reason = new RegExp(
    `^random [123] of 3 \\(${asked} asked: nftables serves random\\)(; start not seen \\(conntrack events lost\\))?$`,
  );
  for (const e of opened) {
    expect(e.mode).toBe('nftables');
    const startLost = reason.exec(e.reason)?.[1];
    expect(e.reason).toMatch(reason);
    if (startLost) expect(lost).toBe(true);
  }
}

/**
 * The kernel dataplane's event counts, as the dashboard shows them: events the conntrack reader
 * lost (and its restarts), and connections the kernel counted without events (over the events'
 * rate limit).
 */
async function eventCounts(): Promise<{ lost: number; counted: number }> {
  const { body } = await t.api<DataplaneStatus>('GET', '/api/dataplane');
  const e = body.events;
  return { lost: (e?.lost ?? 0) + (e?.restarts ?? 0), counted: e?.unreported ?? 0 };
}

/**
 * Under the kernel, a connection is reported closed when conntrack drops its entry, a second
 * after it closed: waits until every TCP connection reported open is reported closed.
 */
async function quiet(): Promise<void> {
  await waitFor('every connection reported closed', async () => {
    const open = new Set<string>();
    for (const e of await events(5000)) {
      if (e.protocol !== 'TCP') continue;
      if (e.outcome === 'open') open.add(e.id);
      else open.delete(e.id);
    }
    return open.size === 0 ? true : undefined;
  });
}

beforeAll(async () => {
  t = await startTestLab();
});
afterEach(async () => {
  // A test's connections are all reported before the next starts: its events (and a burst of
  // them) never fall among the next one's.
  if (t && kernel()) await quiet();
});
afterAll(async () => {
  await t?.stop();
});

describe('ClusterIP, iptables mode', () => {
  it('spreads 600 connections uniformly over 3 pods (chi-square)', async () => {
    await t.apply(
      deployment('uni', 3) +
        '---\n' +
        'apiVersion: v1\nkind: Service\nmetadata: {name: uni}\nspec:\n  selector: {app: uni}\n  ports: [{port: 80}]\n',
    );
    await ready('uni-', 3);
    await inRotation('uni', 3);
    const counts = await spread((await service('uni')).spec.clusterIP!, 80, 600);
    expect(counts.size).toBe(3);
    const expected = 200;
    const chi2 = [...counts.values()].reduce((s, n) => s + (n - expected) ** 2 / expected, 0);
    // df = 2: P(chi2 > 27.63) = 1e-6 for a uniform choice; a correct implementation fails less
    // than once in a million runs.
    expect(chi2).toBeLessThan(27.63);
  });

  it('refuses at once when a Service has no endpoints', async () => {
    await t.apply(
      'apiVersion: v1\nkind: Service\nmetadata: {name: nobody}\nspec:\n  selector: {app: typo}\n  ports: [{port: 8080}]\n',
    );
    const target = t.target((await service('nobody')).spec.clusterIP!, 8080);
    // The userspace proxy accepts and resets. The kernel's REJECT answers the SYN with ICMP port
    // unreachable, so connect() fails with ECONNREFUSED, as against kube-proxy in a cluster.
    const refusal = kernel() ? 'ECONNREFUSED' : 'ECONNRESET';
    // (Under the kernel the ClusterIP is a local address, refused by TCP itself before the rule
    // is in force: there the rule is there once it reports a refusal, which only it does; and
    // the 21 connections below come from an address of their own, so their reports are counted.)
    const from = kernel() ? client(7) : undefined;
    const refused = async (ip?: string) =>
      (await events()).filter(
        (e) =>
          e.service.name === 'nobody' &&
          e.outcome === 'refused' &&
          (ip === undefined || e.client.ip === ip),
      );
    await waitFor('the listener', () =>
      getPod(target.host, target.port).then(
        () => undefined,
        async (e: NodeJS.ErrnoException) =>
          e.code === refusal && (!kernel() || (await refused()).length > 0) ? true : undefined,
      ),
    );
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      const code = await getPod(target.host, target.port, from).then(
        () => 'answered',
        (e: NodeJS.ErrnoException) => e.code,
      );
      times.push(performance.now() - t0);
      expect(code).toBe(refusal);
    }
    times.sort((a, b) => a - b);
    expect(times[10]!).toBeLessThan(50); // the median refusal: REJECT, not a timeout
    if (kernel()) {
      // One event per refused connection, from the trace of the REJECT rule (a moment later).
      // (On a timeout the assertion below says how many were reported, and which.)
      await waitFor('21 refusals reported', async () =>
        (await refused(from)).length >= 21 ? true : undefined,
      ).catch(() => {});
      expect((await refused(from)).map((e) => `${e.client.ip}:${e.client.port}`)).toHaveLength(21);
    }
    const last = (await events()).filter((e) => e.service.name === 'nobody').at(-1)!;
    expect(last).toMatchObject({
      outcome: 'refused',
      reason: 'default/nobody:8080 has no endpoints',
    });
  });
});

describe('IPVS round robin and ClientIP affinity', () => {
  it('rr (annotation l4lab.dev/proxy-mode: ipvs:rr) is exactly balanced (kernel: random, with a Warning)', async () => {
    await t.apply(
      deployment('rr', 3) +
        '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: rr\n  annotations: {l4lab.dev/proxy-mode: "ipvs:rr"}\nspec:\n  selector: {app: rr}\n  ports: [{port: 80}]\n',
    );
    await ready('rr-', 3);
    const ip = (await service('rr')).spec.clusterIP!;
    if (kernel()) return servedAsNftables('rr', 'ipvs:rr', ip);
    const target = t.target(ip, 80);
    await waitFor('3 endpoints', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 3; i++) seen.add(await getPod(target.host, target.port));
      return seen.size === 3 ? true : undefined;
    });
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const pod = await getPod(target.host, target.port);
      counts.set(pod, (counts.get(pod) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([10, 10, 10]);
    expect((await events(1)).at(-1)!.mode).toBe('ipvs:rr');
  });

  it('sessionAffinity ClientIP keeps each client on one pod', async (ctx) => {
    await t.apply(
      deployment('sticky', 3) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: sticky}\nspec:\n  selector: {app: sticky}\n  sessionAffinity: ClientIP\n  ports: [{port: 80}]\n',
    );
    await ready('sticky-', 3);
    await inRotation('sticky', 3);
    runOnlyIf(ctx, native(), 'distinct client addresses need 127/8 routing (mapped mode)');
    const target = t.target((await service('sticky')).spec.clusterIP!, 80);
    const perClient = new Map<string, Set<string>>();
    for (let round = 0; round < 8; round++) {
      for (let c = 1; c <= 8; c++) {
        const pod = await getPod(target.host, target.port, client(c));
        const set = perClient.get(`c${c}`) ?? new Set<string>();
        set.add(pod);
        perClient.set(`c${c}`, set);
      }
    }
    for (const pods of perClient.values()) expect(pods.size).toBe(1);
    // A connection's final event comes when kube-proxy sees it close: under the kernel, when
    // conntrack drops its entry, a second after the close (TIME_WAIT, shortened in the lab).
    const reasons = await waitFor('the 64 connections closed', async () => {
      const ok = (await events())
        .filter((e) => e.service.name === 'sticky' && e.outcome === 'ok')
        .map((e) => e.reason);
      return ok.length >= 64 ? ok : undefined;
    });
    expect(reasons.some((r) => /^affinity hit \(ClientIP, [\d,]+ s left\)$/.test(r))).toBe(true);
  });
});

describe('NodePort and LoadBalancer', () => {
  it('seed 02: every node answers on 30380', async () => {
    await t.apply(await readFile(join(ROOT, 'scenarios/02-nodeport.yaml'), 'utf8'));
    await ready('my-nginx-nodeport-', 2);
    const { body } = await t.api<{
      items: { status: { addresses: { type: string; address: string }[] } }[];
    }>('GET', '/api/objects/nodes');
    const nodeIPs = body.items.map(
      (n) => n.status.addresses.find((a) => a.type === 'InternalIP')!.address,
    );
    expect(nodeIPs).toHaveLength(3);
    for (const ip of nodeIPs) {
      const target = t.target(ip, 30380);
      const pod = await waitFor(
        `NodePort on ${ip}`,
        async () => (await getPod(target.host, target.port).catch(() => '')) || undefined,
      );
      expect(pod).toMatch(/^my-nginx-nodeport-/);
    }
    // Each node was entered, and the source was SNATed to it (externalTrafficPolicy Cluster).
    const isNodePort = (e: ConnectionEvent) =>
      e.frontend.kind === 'NodePort' && e.frontend.port === 30380;
    const entered = (np: ConnectionEvent[], i: number) =>
      np.some((e) => e.frontend.node === `node-${i + 1}` && e.client.snatIP === nodeIPs[i]);
    const np = (
      await eventsWhen('an event per node', (es) => {
        const np = es.filter(isNodePort);
        return nodeIPs.every((_, i) => entered(np, i));
      })
    ).filter(isNodePort);
    for (const i of nodeIPs.keys()) expect(entered(np, i)).toBe(true);
  });

  it('seed 04: the Service gets an EXTERNAL-IP from the pool that answers, LB -> node -> pod', async () => {
    await t.apply(await readFile(join(ROOT, 'scenarios/04-loadbalancer.yaml'), 'utf8'));
    await ready('my-nginx-lb-', 3);
    await inRotation('my-nginx-lb', 3);
    const svc = await waitFor('an ingress IP', async () => {
      const s = await service('my-nginx-lb');
      return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
    });
    const ip = svc.status!.loadBalancer!.ingress![0]!.ip;
    expect(ip.startsWith(t.config.loadBalancerPool.split('.').slice(0, 3).join('.') + '.')).toBe(
      true,
    );
    const counts = await spread(ip, 80, 30);
    for (const pod of counts.keys()) expect(pod).toMatch(/^my-nginx-lb-/);
    // Every connection chose among all 3 endpoints: none left rotation while traffic ran.
    const isLB = (e: ConnectionEvent) =>
      e.frontend.kind === 'LoadBalancer' && e.service.name === 'my-nginx-lb';
    const lb = (await eventsWhen('30 events', (es) => es.filter(isLB).length >= 30)).filter(isLB);
    expect(lb.length).toBeGreaterThanOrEqual(30);
    for (const e of lb)
      expect(e.reason).toMatch(/^LB -> node-[123]; random [123] of 3; SNAT to node-[123]/);
  });

  it('externalTrafficPolicy Local keeps node locality, drops where no pod runs, and health-checks', async () => {
    await t.apply(
      deployment('local', 1) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: local}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector: {app: local}\n  ports: [{port: 80, nodePort: 30999}]\n',
    );
    const [pod] = await ready('local-', 1);
    await inRotation('local', 1);
    const svc = await service('local');
    expect(svc.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    const { body } = await t.api<{
      items: {
        metadata: { name: string };
        status: { addresses: { type: string; address: string }[] };
      }[];
    }>('GET', '/api/objects/nodes');
    for (const n of body.items) {
      const ip = n.status.addresses.find((a) => a.type === 'InternalIP')!.address;
      const local = n.metadata.name === pod!.spec.nodeName;
      const hc = t.target(ip, svc.spec.healthCheckNodePort!);
      // kube-proxy answers from its last sync, a moment behind the API (the pod is Ready first).
      const want = local ? 200 : 503;
      const res = await waitFor('the health check', async () => {
        const r = await fetch(`http://${hc.host}:${hc.port}/`).catch(() => undefined);
        if (r?.status === want) return r;
        await r?.body?.cancel();
        return undefined;
      });
      expect(res.status).toBe(want);
      expect(await res.json()).toEqual({
        service: { namespace: 'default', name: 'local' },
        localEndpoints: local ? 1 : 0,
        serviceProxyHealthy: true,
      });
      const target = t.target(ip, 30999);
      if (local) {
        expect(await getPod(target.host, target.port, client(5))).toBe(pod!.metadata.name);
      } else {
        // DROP: the connection is accepted by nobody's rule; no answer comes, the client times out.
        const outcome = await getPod(target.host, target.port, client(5), 700).then(
          () => 'answered',
          (e: NodeJS.ErrnoException) => e.code,
        );
        expect(outcome).toBe('ETIMEDOUT');
      }
    }
    const isDropped = (e: ConnectionEvent) => e.service.name === 'local' && e.outcome === 'dropped';
    const dropped = (await eventsWhen('the drops', (es) => es.some(isDropped))).filter(isDropped);
    expect(dropped.at(-1)!.reason).toMatch(
      /^externalTrafficPolicy Local: no local endpoints on node-\d: dropped$/,
    );
    // The answered connection's final event comes when kube-proxy sees it close, a moment after
    // the client has its answer (the last node tried may be the local one).
    const kept = await waitFor('the kept connection closed', async () =>
      (await events()).filter((e) => e.service.name === 'local' && e.outcome === 'ok').at(-1),
    );
    expect(kept.client.snatIP).toBeUndefined();
    if (native()) expect(kept.client.ip).toBe('127.30.0.5');
  });
});

describe('more kube-proxy rules', () => {
  it('loadBalancerSourceRanges lets listed clients in and drops the others', async (ctx) => {
    runOnlyIf(ctx, native(), 'distinct client addresses need 127/8 routing (mapped mode)');
    await t.apply(
      deployment('ranged', 1) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: ranged}\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  loadBalancerSourceRanges: [127.30.0.1/32]\n  selector: {app: ranged}\n  ports: [{port: 80}]\n',
    );
    await ready('ranged-', 1);
    const svc = await waitFor('an ingress IP', async () => {
      const s = await service('ranged');
      return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
    });
    expect(svc.spec.ports![0]!.nodePort).toBeUndefined(); // allocateLoadBalancerNodePorts: false
    const ip = svc.status!.loadBalancer!.ingress![0]!.ip;
    await waitFor(
      'the LB frontend',
      async () => (await getPod(ip, 80, client(1)).catch(() => '')) || undefined,
    );
    const denied = await getPod(ip, 80, client(2), 700).then(
      () => 'answered',
      (e: NodeJS.ErrnoException) => e.code,
    );
    expect(denied).toBe('ETIMEDOUT');
    const isDropped = (e: ConnectionEvent) =>
      e.service.name === 'ranged' && e.outcome === 'dropped';
    const drop = (await eventsWhen('the drop', (es) => es.some(isDropped)))
      .filter(isDropped)
      .at(-1);
    expect(drop?.reason).toBe(
      'client 127.30.0.2 not in loadBalancerSourceRanges (127.30.0.1/32): dropped',
    );
  });

  it('externalIPs are captured like LB IPs; headless and ExternalName say they have no listener', async () => {
    await t.apply(
      deployment('extip', 1) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: extip}\nspec:\n  externalIPs: [' +
        t.config.loadBalancerPool.replace(/\.0\/24$/, '.250') +
        ']\n  selector: {app: extip}\n  ports: [{port: 8081, targetPort: 80}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: headless}\nspec:\n  clusterIP: None\n  selector: {app: extip}\n  ports: [{port: 80}]\n',
    );
    await ready('extip-', 1);
    const ext = t.config.loadBalancerPool.replace(/\.0\/24$/, '.250');
    const target = t.target(ext, 8081);
    const pod = await waitFor(
      'the externalIP',
      async () => (await getPod(target.host, target.port).catch(() => '')) || undefined,
    );
    expect(pod).toMatch(/^extip-/);
    const { body } = await t.api<{
      items: { service: string; kind: string; ip: string }[];
      notes: { service: string; note: string }[];
    }>('GET', '/api/frontends');
    expect(body.items).toContainEqual(
      expect.objectContaining({ service: 'default/extip', kind: 'ExternalIP', ip: ext }),
    );
    expect(body.items.some((f) => f.service === 'default/headless')).toBe(false);
    expect(body.notes).toContainEqual({
      service: 'default/headless',
      note: 'headless: DNS only (one A record per ready pod), no listener',
    });
  });

  it('internalTrafficPolicy Local: a pod reaches only endpoints on its own node', async (ctx) => {
    await t.apply(
      deployment('itp', 3) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: itp}\nspec:\n  internalTrafficPolicy: Local\n  selector: {app: itp}\n  ports: [{port: 80}]\n',
    );
    const pods = await ready('itp-', 3);
    runOnlyIf(ctx, native(), 'an exec leaves from the pod IP only in native mode');
    const ip = (await service('itp')).spec.clusterIP!;
    // (a client outside the cluster would be dropped here: wait on kube-proxy's own list instead)
    await waitFor('the frontend', async () => {
      const f = await t.api<{ items: { ip: string }[] }>('GET', '/api/frontends');
      return f.body.items.some((x) => x.ip === ip) ? true : undefined;
    });
    for (const from of pods) {
      // Until kube-proxy has synced this node's endpoint, Local drops the connection (the client
      // times out): ask again, with a short timeout, until it answers; then it must be local.
      const r = await waitFor(`an answer to ${from.metadata.name}`, async () => {
        const x = await t.api<{ stdout: string; exitCode: number }>(
          'POST',
          `/api/pods/default/${from.metadata.name}/exec`,
          JSON.stringify({ command: `wget -q -T 2 -O - http://${ip}/` }),
          'application/json',
        );
        return x.body.exitCode === 0 ? x : undefined;
      });
      const served = /Served by pod <b>default\/([^<]+)<\/b>/.exec(r.body.stdout)?.[1];
      const servedPod = pods.find((p) => p.metadata.name === served)!;
      expect(servedPod.spec.nodeName).toBe(from.spec.nodeName);
    }
    // Each exec's connection ends when kube-proxy sees it close (under the kernel, a second later).
    const last = await waitFor('the connections closed', async () => {
      const ok = (await events()).filter((e) => e.service.name === 'itp' && e.outcome === 'ok');
      return ok.length >= pods.length ? ok.at(-1) : undefined;
    });
    expect(last.client.pod).toMatch(/^default\/itp-/);
    if (kernel() && last.client.pod === `default/${last.endpoint!.pod}`) {
      // A pod reaching itself through its Service: kube-proxy's endpoint chain masquerades it
      // (hairpin), here to its node's address; the userspace proxy needs no SNAT for it.
      const node = last.endpoint!.node;
      const nodeIP = (await nodeAddresses()).get(node)!;
      const local = pods.filter((p) => p.spec.nodeName === node).length;
      expect(last.client.snatIP).toBe(nodeIP);
      expect(last.reason).toMatch(
        new RegExp(
          `^random \\d of ${local}; internalTrafficPolicy Local \\(${node}\\); SNAT to ${nodeIP.replaceAll('.', '\\.')} \\(hairpin\\)$`,
        ),
      );
    } else expect(last.reason).toMatch(/internalTrafficPolicy Local \(node-\d\)$/);
  });
});

describe('topology-aware routing', () => {
  it('trafficDistribution PreferClose: the EndpointSlice hints each pod for its zone, and a pod reaches its own zone', async (ctx) => {
    // The scheduler spreads a ReplicaSet's pods: one per node (node-i is zone-a, -b, -c), so each
    // zone has exactly one endpoint.
    await t.apply(
      deployment('near', 3) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: near}\nspec:\n  trafficDistribution: PreferClose\n  selector: {app: near}\n  ports: [{port: 80}]\n',
    );
    const pods = await ready('near-', 3);
    const zones = new Map([
      ['node-1', 'zone-a'],
      ['node-2', 'zone-b'],
      ['node-3', 'zone-c'],
    ]);
    // The controller's hints, as kubectl get endpointslices -o yaml shows them.
    const hinted = await waitFor('3 hinted endpoints', async () => {
      const { body } = await t.api<{
        items: {
          metadata: { labels?: Record<string, string> };
          endpoints: { nodeName?: string; zone?: string; hints?: unknown }[];
        }[];
      }>('GET', '/api/objects/endpointslices?namespace=default');
      const eps = body.items
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'near')
        .flatMap((s) => s.endpoints)
        .filter((e) => e.hints);
      return eps.length === 3 ? eps : undefined;
    });
    for (const e of hinted) {
      expect(e.zone).toBe(zones.get(e.nodeName!));
      expect(e.hints).toEqual({ forZones: [{ name: e.zone }] });
    }
    runOnlyIf(ctx, native(), 'an exec leaves from the pod IP only in native mode');
    const ip = (await service('near')).spec.clusterIP!;
    /** The node of the pod that answered `from`'s request to the Service. */
    const servedFrom = async (from: (typeof pods)[number]) => {
      const r = await t.api<{ stdout: string; exitCode: number }>(
        'POST',
        `/api/pods/default/${from.metadata.name}/exec`,
        JSON.stringify({ command: `wget -q -T 2 -O - http://${ip}/` }),
        'application/json',
      );
      expect(r.body.exitCode).toBe(0);
      const served = /Served by pod <b>default\/([^<]+)<\/b>/.exec(r.body.stdout)?.[1];
      return pods.find((p) => p.metadata.name === served)!.spec.nodeName;
    };
    // The slices have their hints; kube-proxy takes them at its next sync, which its events say:
    // a connection's reason names the hints. (Answers from the client's own node do not: a third
    // of them come from there by chance before the sync.)
    const before = Date.now();
    await waitFor('kube-proxy using the hints', async () => {
      await servedFrom(pods[0]!);
      const es = await events();
      return es.some(
        (e) =>
          e.service.name === 'near' &&
          e.startedAt >= before &&
          e.reason.includes('endpoints hinted for'),
      )
        ? true
        : undefined;
    });
    const since = Date.now();
    for (const from of pods) {
      // Two connections from each pod: both stay in its zone (one endpoint there).
      for (let i = 0; i < 2; i++) expect(await servedFrom(from)).toBe(from.spec.nodeName);
    }
    // Each event says why: the zone's one endpoint of three. (External clients, on no node, use
    // all three.)
    const mine = (e: ConnectionEvent) =>
      e.service.name === 'near' && e.outcome === 'ok' && e.startedAt >= since;
    const es = await eventsWhen(
      'the near connections ended',
      (list) => list.filter(mine).length >= 6,
    );
    const near = es.filter(mine);
    for (const e of near) {
      const zone = zones.get(e.endpoint!.node)!;
      expect(e.reason).toContain(
        `trafficDistribution PreferClose: 1 of 3 endpoints hinted for ${zone}`,
      );
    }
  });
});

describe('NetworkPolicies (the pods network judges what kube-proxy sent)', () => {
  it('drops what no rule allows, in and out (DNS included), says why in the events, and lets all through once the policies go', async (ctx) => {
    const bare = (name: string, role: string) =>
      `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {role: ${role}}}\nspec:\n  containers: [{name: c, image: busybox, command: [sleep, infinity]}]\n`;
    await t.apply(
      deployment('guarded', 2) +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: guarded}\nspec:\n  selector: {app: guarded}\n  ports: [{port: 80}]\n' +
        bare('pal', 'pal') +
        bare('outsider', 'outsider'),
    );
    await ready('guarded-', 2);
    await ready('pal', 1);
    await ready('outsider', 1);
    runOnlyIf(ctx, native(), 'an exec leaves from the pod IP only in native mode');
    await inRotation('guarded', 2);
    const ip = (await service('guarded')).spec.clusterIP!;
    const exec = async (pod: string, command: string) =>
      (
        await t.api<{ stdout: string; stderr: string; exitCode: number }>(
          'POST',
          `/api/pods/default/${pod}/exec`,
          JSON.stringify({ command }),
          'application/json',
        )
      ).body;
    const wget = (pod: string) => exec(pod, `wget -q -T 1 -O - http://${ip}/`);
    // Only the guarded pods are selected: the lab's other tests run in this namespace too.
    const ingress = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: guarded-ingress}
spec:
  podSelector: {matchLabels: {app: guarded}}
  ingress:
  - from: [{podSelector: {matchLabels: {role: pal}}}]
    ports: [{port: 80}]
`;
    await t.apply(ingress);
    await waitFor('the pal answered, the outsider not', async () =>
      (await wget('pal')).exitCode === 0 && (await wget('outsider')).exitCode !== 0
        ? true
        : undefined,
    );
    // Once the outsider is dropped the policy is in force: the pal's next connection says so.
    expect((await wget('pal')).exitCode).toBe(0);
    const allowed = (e: ConnectionEvent) =>
      e.service.name === 'guarded' &&
      e.client.pod === 'default/pal' &&
      /; ingress allowed by NetworkPolicy guarded-ingress$/.test(e.reason);
    // (The outsider's connections from before the policy end later, answered: not these.)
    const outsiderDropped = (e: ConnectionEvent) =>
      e.service.name === 'guarded' &&
      e.client.pod === 'default/outsider' &&
      e.outcome === 'dropped';
    const judged = await eventsWhen(
      'a drop and an allowance',
      (es) => es.some(allowed) && es.some(outsiderDropped),
    );
    const dropped = judged.filter(outsiderDropped).at(-1)!;
    expect(dropped.endpoint?.pod).toMatch(/^guarded-/);
    expect(dropped.reason).toMatch(
      /^random \d of 2; ingress to guarded-\S+ denied: NetworkPolicy guarded-ingress selects it and no ingress rule allows outsider \(127\.[\d.]+\) on 80\/TCP: dropped$/,
    );

    // Egress: the pal may reach the guarded pods only, so its DNS queries go nowhere.
    await t.apply(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: pal-egress}
spec:
  podSelector: {matchLabels: {role: pal}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {matchLabels: {app: guarded}}}]
`);
    const lookup = await waitFor('the pal cannot resolve', async () => {
      const r = await exec('pal', 'nslookup guarded');
      return r.exitCode !== 0 ? r : undefined;
    });
    expect(`${lookup.stdout}${lookup.stderr}`).toContain('no servers could be reached');
    expect((await wget('pal')).exitCode).toBe(0);
    const dns = await eventsWhen('a DNS query dropped', (es) =>
      es.some((e) => e.service.name === 'kube-dns' && e.client.pod === 'default/pal'),
    );
    const query = dns
      .filter((e) => e.service.name === 'kube-dns' && e.client.pod === 'default/pal')
      .at(-1)!;
    expect(query.outcome).toBe('dropped');
    expect(query.reason).toMatch(
      /egress from pal denied: NetworkPolicy pal-egress selects it and no egress rule allows 127\.[\d.]+:53\/(UDP|TCP) \(kube-system\/coredns-\S+\): dropped$/,
    );

    for (const name of ['guarded-ingress', 'pal-egress'])
      await t.api(
        'DELETE',
        `/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/${name}`,
      );
    await waitFor('the outsider answered', async () =>
      (await wget('outsider')).exitCode === 0 ? true : undefined,
    );
  });
});

describe('UDP', () => {
  it('forwards datagrams both ways to nginx pods answering on a UDP containerPort', async () => {
    await t.apply(
      deployment('udp', 2, '\n        - containerPort: 5353\n          protocol: UDP') +
        '---\napiVersion: v1\nkind: Service\nmetadata: {name: udp}\nspec:\n  selector: {app: udp}\n  ports:\n  - {name: http, port: 80}\n  - {name: echo, port: 53, targetPort: 5353, protocol: UDP}\n',
    );
    const pods = await ready('udp-', 2);
    const target = t.target((await service('udp')).spec.clusterIP!, 53);
    const ask = () =>
      new Promise<string>((resolveAnswer, reject) => {
        const s = createSocket('udp4');
        const timer = setTimeout(() => {
          s.close();
          reject(new Error('no answer'));
        }, 1000);
        s.on('message', (m) => {
          clearTimeout(timer);
          s.close();
          resolveAnswer(m.toString().trim());
        });
        s.send('hello', target.port, target.host);
      });
    const answer = await waitFor('a UDP answer', () => ask().catch(() => undefined));
    expect(pods.map((p) => `default/${p.metadata.name}`)).toContain(answer);
    // The flow that answered: an open one. (Under the kernel, the asks before the endpoints were
    // in force were refused; their events come from `nft monitor trace`, the flow's from conntrack,
    // two readers, in no set order.)
    const isUDP = (e: ConnectionEvent) =>
      e.protocol === 'UDP' && e.service.name === 'udp' && e.outcome === 'open';
    const udp = (await eventsWhen('the flow', (es) => es.some(isUDP))).filter(isUDP);
    expect(udp.at(-1)).toMatchObject({ outcome: 'open', service: { port: 'echo' } });
    // Removing the endpoint flushes the stale flow (conntrack -D), with its bytes.
    const served = udp.at(-1)!.endpoint!.pod;
    await t.api('DELETE', `/api/objects/pods/default/${served}`);
    const flushed = await waitFor('the flushed flow', async () =>
      (await events()).find(
        (e) => e.protocol === 'UDP' && e.endpoint?.pod === served && e.outcome !== 'open',
      ),
    );
    // The kernel's flow is its conntrack entry: kube-proxy deleted it (conntrack -D).
    expect(flushed.reason).toMatch(
      kernel()
        ? /endpoint removed: stale UDP flow flushed \(conntrack entry deleted\)$/
        : /endpoint removed: stale UDP flow flushed$/,
    );
    expect(flushed.outcome).toBe('reset');
    expect(flushed.bytesIn).toBeGreaterThan(0);
    expect(flushed.bytesOut).toBeGreaterThan(0);
  });
});

describe('TCP details', () => {
  it('half-close: a request written then shut down still gets its whole answer', async () => {
    const ip = (await service('uni')).spec.clusterIP!;
    const target = t.target(ip, 80);
    const reply = await new Promise<string>((resolveReply, reject) => {
      let got = '';
      const s = connect({ host: target.host, port: target.port, allowHalfOpen: true });
      s.on('data', (d) => (got += d));
      s.on('end', () => resolveReply(got));
      s.on('error', reject);
      s.on('connect', () => s.end('GET / HTTP/1.0\r\nHost: uni\r\n\r\n'));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(reply).toContain('Welcome to nginx!');
  });
});
