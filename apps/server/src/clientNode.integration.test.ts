// A Kubernetes client library drives the lab: @kubernetes/client-node 1.3.0 (2.x needs Node 22)
// with the kubeconfig the lab writes: list, an informer (list + watch), server-side apply, exec,
// port-forward (its WebSocket channel protocol, behind a local listener on 127.0.0.1).
// Addresses: random test ranges (testRanges.ts).
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let t: TestLab;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
  await t.apply(await readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8'));
  await waitFor('two ready pods', async () =>
    (await t.readyPods('my-nginx-')).length === 2 ? true : undefined,
  );
  kc = new k8s.KubeConfig();
  kc.loadFromFile(t.lab.kubeconfig);
});

afterAll(async () => {
  await t?.stop();
});

const deployment = (name: string, replicas: number): k8s.V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
    },
  },
});

describe('@kubernetes/client-node against the lab', () => {
  it('lists pods, and an informer sees the pods a server-side apply makes', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const listed = await core.listNamespacedPod({
      namespace: 'default',
      labelSelector: 'run=my-nginx',
    });
    expect(listed.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);

    const seen = new Set<string>();
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () =>
      core.listNamespacedPod({ namespace: 'default' }),
    );
    informer.on('add', (p) => seen.add(p.metadata!.name!));
    informer.on('error', () => {}); // stop() aborts its watch
    await informer.start();
    try {
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      const applied = await apps.patchNamespacedDeployment(
        {
          name: 'ssa-web',
          namespace: 'default',
          fieldManager: 'l4lab-test',
          body: deployment('ssa-web', 2),
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply),
      );
      expect(applied.spec?.replicas).toBe(2);
      await waitFor('the informer to see both ssa-web pods', async () =>
        [...seen].filter((n) => n.startsWith('ssa-web-')).length === 2 ? true : undefined,
      );
      expect([...seen].filter((n) => n.startsWith('my-nginx-'))).toHaveLength(2);
    } finally {
      await informer.stop();
    }
  });

  it('execs a command in a pod and gets its output and status', async () => {
    const [pod] = await t.readyPods('my-nginx-');
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const status = await new Promise<k8s.V1Status>((resolveStatus) => {
      void new k8s.Exec(kc).exec(
        'default',
        pod!.metadata.name,
        pod!.spec.containers[0]!.name,
        ['wget', '-q', '-O', '-', 'my-nginx'],
        sink,
        sink,
        null,
        false,
        (s) => resolveStatus(s),
      );
    });
    expect(status.status).toBe('Success');
    expect(out).toMatch(/<title>Welcome to nginx!<\/title>/);
  });

  it("port-forwards a local connection to a pod's port (PortForward, v4.channel.k8s.io)", async () => {
    const [pod] = await t.readyPods('my-nginx-');
    const forward = new k8s.PortForward(kc);
    // As client-node's example does: each local connection is one port-forward WebSocket.
    const server = createServer((socket) => {
      void forward.portForward('default', pod!.metadata.name, [80], socket, null, socket);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-pod-name')).toBe(pod!.metadata.name);
      expect(await res.text()).toContain('Welcome to nginx!');
    } finally {
      server.close();
    }
    // The ports are checked as the kubelet checks them, before any upgrade.
    const url = new URL(
      `/api/v1/namespaces/default/pods/${pod!.metadata.name}/portforward?ports=http`,
      t.lab.url,
    );
    const refused = await new Promise<{ status: number; body: string }>((done, fail) => {
      const req = request(url, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'sec-websocket-protocol': 'v4.channel.k8s.io',
          ...(t.lab.token ? { authorization: `Bearer ${t.lab.token}` } : {}),
        },
      });
      req.on('upgrade', () => fail(new Error('upgraded')));
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      req.end();
    });
    expect(refused).toEqual({
      status: 400,
      body: 'unable to parse "http" as a port: strconv.ParseUint: parsing "http": invalid syntax\n',
    });
  });
});
