// kube-proxy's DaemonSet in kube-system, with the real kubectl: one hostNetwork pod per node at
// its node's address, kube-proxy's healthz on 10256 (503 on a node the autoscaler is deleting),
// its metrics and /proxyMode on 10249, a log of the proxier's syncs, and a deleted pod put back by
// its DaemonSet. On both dataplanes: here (userspace), and in the `kernel` project (nftables).
// Addresses: random test ranges (testRanges.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { Node, Pod } from '@l4lab/protocol';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';
import { runKubectl } from './testKubectl.ts';

let t: TestLab;
let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-home-'));
  t = await startTestLab({ runtime: 'builtin' });
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

const kubectl = (ctx: TestContext, ...args: string[]) =>
  runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, undefined, args);

/** kube-proxy's mode for the lab's dataplane (this suite runs on both: vitest.config.ts). */
const MODE = () => (t.config.dataplane === 'nftables' ? 'nftables' : 'iptables');

async function proxyPods(): Promise<Pod[]> {
  const { body } = await t.api<{ items: Pod[] }>('GET', '/api/objects/pods?namespace=kube-system');
  return body.items.filter(
    (p) =>
      p.metadata.labels?.['k8s-app'] === 'kube-proxy' &&
      !p.metadata.deletionTimestamp &&
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

async function nodes(): Promise<Node[]> {
  return (await t.api<{ items: Node[] }>('GET', '/api/objects/nodes')).body.items;
}

const nodeIP = (n: Node) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;

async function health(
  ip: string,
  path = '/healthz',
  port = 10256,
): Promise<{ status: number; body: string }> {
  const at = t.target(ip, port);
  const res = await fetch(`http://${at.host}:${at.port}${path}`);
  return { status: res.status, body: await res.text() };
}

describe("kube-proxy's pods (kube-system)", () => {
  it('runs one Ready pod per node, on the host network, at its node address', async (ctx) => {
    const all = await nodes();
    const pods = await waitFor('a kube-proxy pod Ready on every node', async () => {
      const p = await proxyPods();
      return p.length === all.length ? p : undefined;
    });
    for (const n of all) {
      const pod = pods.find((p) => p.spec.nodeName === n.metadata.name);
      expect(pod?.status?.podIP, n.metadata.name).toBe(nodeIP(n));
      expect(pod?.spec.hostNetwork).toBe(true);
    }
    const ds = await kubectl(ctx, 'get', 'ds', '-n', 'kube-system', 'kube-proxy', '--no-headers');
    expect(ds.stdout.trim().split(/\s+/).slice(0, 6)).toEqual([
      'kube-proxy',
      ...Array<string>(5).fill(String(all.length)),
    ]);
    const mode = await kubectl(
      ctx,
      'get',
      'cm',
      '-n',
      'kube-system',
      'kube-proxy',
      '-o',
      'jsonpath={.data.config\\.conf}',
    );
    expect(mode.stdout).toMatch(new RegExp(`^mode: ${MODE()}$`, 'm'));
  });

  it("answers kube-proxy's healthz on every node address, port 10256", async () => {
    for (const n of await nodes()) {
      const r = await waitFor(`healthz on ${n.metadata.name}`, async () => {
        const h = await health(nodeIP(n)!).catch(() => undefined);
        return h?.status === 200 ? h : undefined;
      });
      const body = JSON.parse(r.body) as Record<string, unknown>;
      expect(body.nodeEligible).toBe(true);
      expect(body.lastUpdated).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}$/,
      );
      expect((await health(nodeIP(n)!, '/livez')).status).toBe(200);
      expect((await health(nodeIP(n)!, '/metrics')).status).toBe(404);
    }
  });

  it("answers kube-proxy's /proxyMode and /metrics on port 10249", async () => {
    const [n] = await nodes();
    expect(await health(nodeIP(n!)!, '/proxyMode', 10249)).toEqual({
      status: 200,
      body: MODE(),
    });
    expect((await health(nodeIP(n!)!)).status).toBe(200); // counted below
    const metrics = await health(nodeIP(n!)!, '/metrics', 10249);
    expect(metrics.status).toBe(200);
    // That healthz answer, and the lab's syncs so far.
    expect(metrics.body).toMatch(/^kubeproxy_proxy_healthz_total\{code="200"\} [1-9]\d*$/m);
    expect(metrics.body).toMatch(
      /^kubeproxy_sync_proxy_rules_last_timestamp_seconds \d+(\.\d+)?$/m,
    );
    expect(metrics.body).toMatch(
      /^kubeproxy_network_programming_duration_seconds_count [1-9]\d*$/m,
    );
    // Every sync's own run, at least as many as the syncs that changed something.
    const count = (name: string) =>
      Number(new RegExp(`^${name}_count (\\d+)$`, 'm').exec(metrics.body)?.[1]);
    expect(count('kubeproxy_sync_proxy_rules_duration_seconds')).toBeGreaterThanOrEqual(
      count('kubeproxy_network_programming_duration_seconds'),
    );
  });

  it("logs the proxier's syncs: a new Service is in its log", async (ctx) => {
    const [pod] = await proxyPods();
    await t.apply(`apiVersion: v1
kind: Service
metadata: {name: logged, namespace: default}
spec:
  selector: {app: logged}
  ports: [{name: web, port: 80}, {name: alt, port: 81}]
`);
    const wanted = await waitFor('the Service in the rules', async () => {
      const { services } = t.lab.proxier.state();
      return services.some((s) => s.service === 'logged') ? services.length : undefined;
    });
    const line = await waitFor('a sync with the new Service in the log', async () => {
      const r = await kubectl(ctx, 'logs', '-n', 'kube-system', pod!.metadata.name);
      return r.stdout
        .split('\n')
        .find(
          (l) => l.includes('"SyncProxyRules complete"') && l.includes(`servicePorts=${wanted}`),
        );
    });
    expect(line).toMatch(
      /^I\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ \w+\.ts\] "SyncProxyRules complete" elapsed="[\d.]+(?:µs|ms|s)" servicePorts=\d+ endpoints=\d+$/,
    );
    const first = await kubectl(ctx, 'logs', '-n', 'kube-system', pod!.metadata.name, '--tail=-1');
    expect(first.stdout).toContain('the rules stay in force without it');
  });

  it('says 503 on /healthz (not /livez) for a node the cluster autoscaler is deleting', async (ctx) => {
    const [n] = await nodes();
    const name = n!.metadata.name;
    const taint = 'ToBeDeletedByClusterAutoscaler=1700000000:NoSchedule';
    expect((await kubectl(ctx, 'taint', 'node', name, taint)).code).toBe(0);
    try {
      const r = await waitFor('healthz 503', async () => {
        const h = await health(nodeIP(n!)!);
        return h.status === 503 ? h : undefined;
      });
      expect(JSON.parse(r.body)).toMatchObject({ nodeEligible: false });
      expect((await health(nodeIP(n!)!, '/livez')).status).toBe(200);
    } finally {
      await kubectl(ctx, 'taint', 'node', name, 'ToBeDeletedByClusterAutoscaler-');
    }
    await waitFor('healthz 200 again', async () =>
      (await health(nodeIP(n!)!)).status === 200 ? true : undefined,
    );
  });

  it('a second kube-proxy pod on a node waits for the ports, saying so, and leaves the first serving', async (ctx) => {
    const [n] = await nodes();
    const name = n!.metadata.name;
    await t.apply(`apiVersion: v1
kind: Pod
metadata: {name: second-proxy, namespace: default}
spec:
  nodeName: ${name}
  hostNetwork: true
  containers: [{name: kube-proxy, image: registry.k8s.io/kube-proxy:v1.32.0}]
`);
    const log = await waitFor('the second pod saying why it does not serve', async () => {
      const r = await kubectl(ctx, 'logs', 'second-proxy');
      return r.stdout.includes('Failed to start healthz HTTP server, will retry')
        ? r.stdout
        : undefined;
    });
    expect(log).toMatch(
      /^E\d{4} .*"Failed to start healthz HTTP server, will retry" address="[\d.]+:10256" err=".*EADDRINUSE/m,
    );
    expect((await kubectl(ctx, 'delete', 'pod', 'second-proxy')).code).toBe(0);
    expect((await health(nodeIP(n!)!)).status).toBe(200);
    expect((await health(nodeIP(n!)!, '/proxyMode', 10249)).body).toBe(MODE());
  });

  it('is put back by its DaemonSet when deleted, and serves healthz again', async (ctx) => {
    const [n] = await nodes();
    const before = (await proxyPods()).find((p) => p.spec.nodeName === n!.metadata.name)!;
    const del = await kubectl(ctx, 'delete', 'pod', '-n', 'kube-system', before.metadata.name);
    expect(del.stdout).toBe(`pod "${before.metadata.name}" deleted\n`);
    const after = await waitFor('a new kube-proxy pod on the node', async () =>
      (await proxyPods()).find(
        (p) => p.spec.nodeName === n!.metadata.name && p.metadata.name !== before.metadata.name,
      ),
    );
    expect(after.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DaemonSet',
      name: 'kube-proxy',
    });
    await waitFor('healthz from the new pod', async () =>
      (await health(nodeIP(n!)!).catch(() => undefined))?.status === 200 ? true : undefined,
    );
  });
});
