// The kubelet with every runtime this machine has (builtin; nginx when installed; docker when an
// engine answers with nginx:latest, and always in CI): real processes / containers, real probes on
// loopback. Addresses: a random pod /16 in 127.150-199.0.0 (testRuntimes.ts).
import { nginxDeployment } from '@l4lab/cluster/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, EndpointSlice, Pod, Service } from '@l4lab/protocol';
import { isPodReady } from '@l4lab/cluster';
import { type TestNode, availableRuntimes, startTestKubelet, waitFor } from './testRuntimes.ts';
import { processAlive } from './processes.ts';

const runtimes = await availableRuntimes();

function deployment(name: string, replicas: number): Deployment {
  return nginxDeployment(name, replicas, { container: 'web', graceSeconds: 1 });
}

function service(name: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
  };
}

const podsOf = (t: TestNode, app: string): Pod[] =>
  t.cluster.list('Pod', 'default').filter((p) => p.metadata.labels?.app === app);

const readyEndpoints = (t: TestNode, svc: string) =>
  t.cluster
    .list('EndpointSlice', 'default')
    .filter((s: EndpointSlice) => s.metadata.labels?.['kubernetes.io/service-name'] === svc)
    .flatMap((s) => s.endpoints)
    .filter((e) => e.conditions?.ready);

async function allReady(t: TestNode, app: string, n: number): Promise<Pod[]> {
  return waitFor(`${n} ready ${app} pods`, () => {
    const pods = podsOf(t, app).filter((p) => !p.metadata.deletionTimestamp);
    return pods.length === n && pods.every(isPodReady) ? pods : undefined;
  });
}

async function get(t: TestNode, pod: Pod): Promise<string | null> {
  const a = t.mapper.resolve(pod.status!.podIP!, 80, 'TCP');
  const res = await fetch(`http://${a.ip}:${a.port}/`);
  await res.arrayBuffer();
  return res.headers.get('x-pod-name');
}

describe.each(runtimes)('kubelet with the %s runtime', (name) => {
  let t: TestNode;
  beforeAll(async () => {
    t = await startTestKubelet(name, { podEvictionTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('restarts a killed pod: endpoint not ready, then back, restartCount 1', async () => {
    t.cluster.apply([deployment('kill', 2), service('kill')]);
    const [victim] = await allReady(t, 'kill', 2);
    expect(await get(t, victim!)).toBe(victim!.metadata.name);
    const pid = t.kubelet.handleOf('default', victim!.metadata.name)?.pid;
    // Every ready-endpoint count the EndpointSlice controller publishes (the restart may be quick).
    const counts: number[] = [];
    const unwatch = t.cluster.watch((e) => {
      if (e.object.kind === 'EndpointSlice') counts.push(readyEndpoints(t, 'kill').length);
    });
    expect(t.kubelet.killPod('default', victim!.metadata.name)).toBe(true);
    const back = await waitFor('the pod restarted and Ready', () => {
      const p = t.cluster.store.get('Pod', 'default', victim!.metadata.name);
      return p && isPodReady(p) && p.status?.containerStatuses?.[0]?.restartCount === 1
        ? p
        : undefined;
    });
    expect(back.status?.podIP).toBe(victim!.status?.podIP);
    await waitFor('both endpoints ready', () =>
      readyEndpoints(t, 'kill').length === 2 ? true : undefined,
    );
    unwatch();
    // Not ready as soon as the container exited (no probe needed), then back.
    expect(counts.indexOf(1)).toBeGreaterThanOrEqual(0);
    expect(counts.lastIndexOf(2)).toBeGreaterThan(counts.indexOf(1));
    expect(await get(t, back)).toBe(victim!.metadata.name);
    if (pid) expect(processAlive(pid)).toBe(false);
    // A log per run, as a runtime keeps one per container run: `kubectl logs` shows this run's
    // request only, `--previous` the one before the kill (probes come from kube-probe).
    const ours = (lines: string[] | undefined) =>
      (lines ?? []).filter((l) => !/kube-probe/.test(l));
    const pod = victim!.metadata.name;
    expect(ours(await t.kubelet.handleOf('default', pod)!.logs())).toHaveLength(1);
    expect(ours(await t.kubelet.previousLogs('default', pod, 'web'))).toHaveLength(1);
  });

  it('starts 20 pods at once, all Ready and serving', async () => {
    t.cluster.apply([deployment('many', 20)]);
    const pods = await allReady(t, 'many', 20);
    const names = await Promise.all(pods.map((p) => get(t, p)));
    expect(names.sort()).toEqual(pods.map((p) => p.metadata.name).sort());
    t.cluster.delete('Deployment', 'default', 'many');
    await waitFor('the pods gone', () => (podsOf(t, 'many').length === 0 ? true : undefined));
  });

  it("serves a ConfigMap mounted on nginx's html directory, and follows its changes", async () => {
    const page = (text: string) => ({
      apiVersion: 'v1' as const,
      kind: 'ConfigMap' as const,
      metadata: { name: 'page', namespace: 'default' },
      data: { 'index.html': text },
    });
    const d = deployment('page', 1);
    d.spec.template.spec.containers[0]!.volumeMounts = [
      { name: 'html', mountPath: '/usr/share/nginx/html' },
    ];
    d.spec.template.spec.volumes = [{ name: 'html', configMap: { name: 'page' } }];
    expect(t.cluster.apply([page('<h1>v1</h1>\n'), d]).ok).toBe(true);
    const [pod] = await allReady(t, 'page', 1);
    const fetchPage = async (path = '/') => {
      const a = t.mapper.resolve(pod!.status!.podIP!, 80, 'TCP');
      const res = await fetch(`http://${a.ip}:${a.port}${path}`);
      return { status: res.status, body: await res.text(), pod: res.headers.get('x-pod-name') };
    };
    expect(await fetchPage()).toEqual({
      status: 200,
      body: '<h1>v1</h1>\n',
      pod: pod!.metadata.name,
    });
    expect((await fetchPage('/nope')).status).toBe(404);
    expect(t.cluster.apply([page('<h1>v2</h1>\n')]).ok).toBe(true);
    await waitFor('the new page', async () =>
      (await fetchPage()).body === '<h1>v2</h1>\n' ? true : undefined,
    );
    t.cluster.delete('Deployment', 'default', 'page');
    await waitFor('the pod gone', () => (podsOf(t, 'page').length === 0 ? true : undefined));
  });

  it('stops a node: its pods NotReady, then evicted and running on other nodes', async () => {
    t.cluster.apply([deployment('node', 3), service('node')]);
    const pods = await allReady(t, 'node', 3);
    const node = pods[0]!.spec.nodeName!;
    const onNode = pods.filter((p) => p.spec.nodeName === node).map((p) => p.metadata.name);
    await t.kubelet.stopNode(node);
    for (const n of onNode) {
      expect(isPodReady(t.cluster.store.get('Pod', 'default', n)!)).toBe(false);
    }
    expect(readyEndpoints(t, 'node')).toHaveLength(3 - onNode.length);
    const after = await allReady(t, 'node', 3);
    expect(after.some((p) => onNode.includes(p.metadata.name))).toBe(false);
    expect(after.every((p) => p.spec.nodeName !== node)).toBe(true);
    // Evicted, the lost node's pods stay Terminating: nothing there confirms their stop.
    for (const n of onNode) {
      expect(t.cluster.store.get('Pod', 'default', n)?.metadata.deletionTimestamp).toBeDefined();
    }
    t.kubelet.startNode(node);
    expect(
      t.cluster.store
        .get('Node', undefined, node)
        ?.status.conditions.find((c) => c.type === 'Ready')?.status,
    ).toBe('True');
    for (const n of onNode) expect(t.cluster.store.get('Pod', 'default', n)).toBeUndefined();
  });
});
