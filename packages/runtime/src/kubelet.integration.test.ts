// The kubelet with every runtime this machine has (builtin; nginx when installed; docker when an
// engine answers with nginx:latest, and always in CI): real processes / containers, real probes on
// loopback. Addresses: a random pod /16 in 127.150-199.0.0 (testRuntimes.ts).
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
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

const testdata = (f: string) => readFileSync(join(import.meta.dirname, 'testdata', f));
const CERT = testdata('my-nginx.crt');

/** The docs' default.conf ("Connecting Applications with Services"): 80, and 443 with TLS. */
const DEFAULT_CONF = testdata('default.conf').toString();

/** One HTTPS GET, trusting only the test certificate, checked against `servername`. */
function httpsGet(
  ip: string,
  port: number,
  servername: string,
): Promise<{ status: number; pod: string | undefined; subject: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: ip, port, path: '/', servername, ca: CERT, agent: false },
      (res) => {
        const subject = (res.socket as TLSSocket).getPeerCertificate().subject?.CN as string;
        res.resume();
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            pod: res.headers['x-pod-name'] as string | undefined,
            subject,
          }),
        );
      },
    );
    req.once('error', reject);
    req.end();
  });
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

  it('a killed nginx restarts alone beside its sidecar, which runs on', async () => {
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'with-side', namespace: 'default' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] },
          { name: 'side', image: 'busybox', command: ['sleep', '3600'] },
        ],
      },
    };
    t.cluster.apply([pod]);
    const status = (p: Pod | undefined, c: string) =>
      p?.status?.containerStatuses?.find((s) => s.name === c);
    const current = () => t.cluster.store.get('Pod', 'default', 'with-side');
    await waitFor('with-side Ready', () => (isPodReady(current()!) ? true : undefined));
    const pid = t.kubelet.handleOf('default', 'with-side')?.pid;
    expect(t.kubelet.killPod('default', 'with-side')).toBe(true);
    const back = await waitFor('web restarted and Ready', () => {
      const p = current();
      return p && isPodReady(p) && status(p, 'web')?.restartCount === 1 ? p : undefined;
    });
    // The sidecar's process is not touched, as on a cluster.
    expect(status(back, 'side')?.restartCount).toBe(0);
    // Without a readiness probe it is Ready once started, as on a cluster: listening follows.
    expect(
      await waitFor('the new nginx answering', () => get(t, back).catch(() => undefined)),
    ).toBe('with-side');
    const now = t.kubelet.handleOf('default', 'with-side')?.pid;
    if (pid) expect([processAlive(pid), now !== undefined && now !== pid]).toEqual([false, true]);
    t.cluster.delete('Pod', 'default', 'with-side');
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

  it('serves HTTPS where the conf.d a ConfigMap mounts says `listen 443 ssl`, with the TLS Secret`s certificate', async () => {
    const secret = {
      apiVersion: 'v1' as const,
      kind: 'Secret' as const,
      type: 'kubernetes.io/tls',
      metadata: { name: 'nginxsecret', namespace: 'default' },
      data: {
        'tls.crt': CERT.toString('base64'),
        'tls.key': testdata('my-nginx.key').toString('base64'),
      },
    };
    const conf = (text: string) => ({
      apiVersion: 'v1' as const,
      kind: 'ConfigMap' as const,
      metadata: { name: 'nginxconfigmap', namespace: 'default' },
      data: { 'default.conf': text },
    });
    const d = deployment('secure', 1);
    const c = d.spec.template.spec.containers[0]!;
    c.ports = [
      { containerPort: 443, protocol: 'TCP' },
      { containerPort: 80, protocol: 'TCP' },
    ];
    c.volumeMounts = [
      { name: 'secret-volume', mountPath: '/etc/nginx/ssl' },
      { name: 'configmap-volume', mountPath: '/etc/nginx/conf.d' },
    ];
    // Ready only when the kubelet's HTTPS probe passes (TLS, the certificate unchecked).
    c.readinessProbe = { httpGet: { port: 443, path: '/', scheme: 'HTTPS' }, periodSeconds: 1 };
    d.spec.template.spec.volumes = [
      { name: 'secret-volume', secret: { secretName: 'nginxsecret' } },
      { name: 'configmap-volume', configMap: { name: 'nginxconfigmap' } },
    ];
    const applied = t.cluster.apply([secret as never, conf(DEFAULT_CONF), d]);
    expect(applied.ok, JSON.stringify(applied)).toBe(true);
    const [pod] = await allReady(t, 'secure', 1);
    const at = (port: number) => t.mapper.resolve(pod!.status!.podIP!, port, 'TCP');
    const tls = at(443);
    expect(await httpsGet(tls.ip, tls.port, 'my-nginx')).toEqual({
      status: 200,
      pod: pod!.metadata.name,
      subject: 'my-nginx',
    });
    // The name is checked: the certificate is my-nginx's, not another's.
    await expect(httpsGet(tls.ip, tls.port, 'other-name')).rejects.toMatchObject({
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    // Plain HTTP on the TLS port: nginx's 400; port 80 stays plain.
    const plain = await fetch(`http://${tls.ip}:${tls.port}/`);
    expect(plain.status).toBe(400);
    expect(await plain.text()).toContain('The plain HTTP request was sent to HTTPS port');
    const http = at(80);
    expect((await fetch(`http://${http.ip}:${http.port}/`)).headers.get('x-pod-name')).toBe(
      pod!.metadata.name,
    );
    t.cluster.delete('Deployment', 'default', 'secure');
    await waitFor('the pod gone', () => (podsOf(t, 'secure').length === 0 ? true : undefined));

    // A conf.d nginx refuses: the container exits 1 with nginx's line, and is restarted.
    const broken = DEFAULT_CONF.replace(/\s+ssl_certificate .*;/, '');
    expect(t.cluster.apply([conf(broken), deployment('secure', 1)]).ok).toBe(true);
    const refusedPod = deployment('refused', 1);
    refusedPod.spec.template.spec.containers[0]!.volumeMounts = c.volumeMounts;
    refusedPod.spec.template.spec.volumes = d.spec.template.spec.volumes;
    expect(t.cluster.apply([refusedPod]).ok).toBe(true);
    const message = await waitFor('the refused container', () => {
      const st = podsOf(t, 'refused')[0]?.status?.containerStatuses?.[0];
      return st?.lastState?.terminated?.message;
    });
    expect(message).toBe(
      'nginx: [emerg] no "ssl_certificate" is defined for the "listen ... ssl" directive in /etc/nginx/conf.d/default.conf:5',
    );
    t.cluster.delete('Deployment', 'default', 'refused');
    t.cluster.delete('Deployment', 'default', 'secure');
    await waitFor('the pods gone', () =>
      podsOf(t, 'refused').length + podsOf(t, 'secure').length === 0 ? true : undefined,
    );
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
