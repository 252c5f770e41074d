// `kubectl port-forward` (the real kubectl) against a lab: through the WebSocket tunnel kubectl
// 1.31+ opens first, and through SPDY (KUBECTL_PORT_FORWARD_WEBSOCKETS=false, and every older
// kubectl); to a pod and to a Service. kubectl listens on 127.0.0.1 at a port the system picks;
// the pods' addresses are random test ranges (testRanges.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startTestLab, waitFor, type TestLab } from './testLab.ts';
import { runKubectl, startKubectlProxy, startPortForward } from './testKubectl.ts';

let t: TestLab;
let home: string;

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: nginx
          image: nginx
          ports: [{ containerPort: 80 }]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ port: 8080, targetPort: 80 }]
`;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'l4lab-kubectl-home-'));
  t = await startTestLab({ runtime: 'builtin' });
  await t.apply(WEB);
  await waitFor('two ready pods', async () =>
    (await t.readyPods('web-')).length === 2 ? true : undefined,
  );
});

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** `kubectl port-forward TARGET :PORT --address 127.0.0.1` with the lab's kubeconfig. */
const portForward = (
  ctx: TestContext,
  env: Record<string, string>,
  target: string,
  remotePort: number,
  extra: string[] = [],
) => startPortForward(ctx, { kubeconfig: t.lab.kubeconfig, home }, env, target, remotePort, extra);

describe('kubectl port-forward against the lab', () => {
  for (const [transport, env] of [
    ['the WebSocket tunnel (kubectl 1.31+)', {}],
    [
      'SPDY/3.1 (KUBECTL_PORT_FORWARD_WEBSOCKETS=false)',
      { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' },
    ],
  ] as const) {
    it(`forwards a local port to a pod's, over ${transport}`, async (ctx) => {
      const [pod] = await t.readyPods('web-');
      const name = pod!.metadata.name;
      // -v=6: kubectl says which way it connected (it falls back to SPDY silently otherwise).
      const pf = await portForward(ctx, env, `pod/${name}`, 80, ['-v=6']);
      try {
        if ('KUBECTL_PORT_FORWARD_WEBSOCKETS' in env) {
          expect(pf.output()).not.toContain('negotiated protocol');
        } else {
          expect(pf.output()).toContain('negotiated protocol: portforward.k8s.io');
          expect(pf.output()).not.toContain('fallback to secondary dialer');
        }
        // Two connections, one after the other, each a stream pair in the same session.
        for (let i = 0; i < 2; i++) {
          const res = await fetch(`http://127.0.0.1:${pf.port}/`, {
            headers: { connection: 'close' },
          });
          expect(res.status).toBe(200);
          expect(res.headers.get('x-pod-name')).toBe(name);
          expect(await res.text()).toContain('Welcome to nginx!');
        }
        expect(pf.output()).toContain(`Handling connection for ${pf.port}`);
      } finally {
        await pf.stop();
      }
    });
  }

  it("svc/web: kubectl picks one of the Service's pods and its targetPort", async (ctx) => {
    const names = (await t.readyPods('web-')).map((p) => p.metadata.name);
    const pf = await portForward(ctx, {}, 'svc/web', 8080);
    try {
      expect(pf.output()).toMatch(/-> 80\n/);
      const res = await fetch(`http://127.0.0.1:${pf.port}/`);
      expect(names).toContain(res.headers.get('x-pod-name'));
      await res.text();
    } finally {
      await pf.stop();
    }
  });

  it('a port nothing listens on: kubectl prints the error the pod gave and stops', async (ctx) => {
    const [pod] = await t.readyPods('web-');
    const pf = await portForward(ctx, {}, `pod/${pod!.metadata.name}`, 81);
    await expect(fetch(`http://127.0.0.1:${pf.port}/`)).rejects.toThrow();
    expect(await pf.exited).not.toBe(0);
    expect(pf.output()).toContain(
      `error forwarding port 81 to pod default/${pod!.metadata.name}, uid ${pod!.metadata.uid}: failed to connect to localhost:81 inside the pod's network: dial tcp4 ${pod!.status!.podIP}:81: connect: connection refused`,
    );
    expect(pf.output()).toContain('lost connection to pod');
  });

  it('a pod deleted since kubectl connected: the next connection is refused with why, kubectl stops', async (ctx) => {
    const [pod] = await t.readyPods('web-');
    const name = pod!.metadata.name;
    const pf = await portForward(ctx, {}, `pod/${name}`, 80);
    const first = await fetch(`http://127.0.0.1:${pf.port}/`, { headers: { connection: 'close' } });
    expect(first.headers.get('x-pod-name')).toBe(name);
    await first.text();
    const deleted = await runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, undefined, [
      'delete',
      'pod',
      name,
      '--grace-period=0',
      '--force',
    ]);
    expect(deleted.code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${pf.port}/`)).rejects.toThrow();
    expect(await pf.exited).not.toBe(0);
    // klog quotes the error: its own quotes come escaped.
    expect(pf.output()).toContain(
      `error forwarding port 80 to pod default/${name}, uid ${pod!.metadata.uid}: pod \\"${name}\\" in namespace \\"default\\" is not running`,
    );
  });
});

describe("the API server's proxy: kubectl get --raw, kubectl proxy", () => {
  const where = () => ({ kubeconfig: t.lab.kubeconfig, home });
  const ns = '/api/v1/namespaces/default';
  const servedBy = (page: string) => /Served by pod <b>default\/([^<]+)<\/b>/.exec(page)?.[1];

  it('kubectl get --raw reaches a pod, and a Service through one of its pods; errors in its words', async (ctx) => {
    const names = await waitFor('two ready pods', async () => {
      const ready = (await t.readyPods('web-')).map((p) => p.metadata.name);
      return ready.length === 2 ? ready : undefined;
    });
    const raw = (path: string) => runKubectl(ctx, where(), undefined, ['get', '--raw', path]);
    const pod = await raw(`${ns}/pods/${names[0]}/proxy/`);
    expect(pod.code).toBe(0);
    expect(servedBy(pod.stdout)).toBe(names[0]);
    const svc = await raw(`${ns}/services/web:8080/proxy/`);
    expect(names).toContain(servedBy(svc.stdout));
    const wrong = await raw(`${ns}/services/web:81/proxy/`);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(
      'Error from server (ServiceUnavailable): no service port 81 found for service "web"',
    );
  });

  it('kubectl proxy: the Service answers on localhost, as the Kubernetes Basics tutorial curls it', async (ctx) => {
    const names = (await t.readyPods('web-')).map((p) => p.metadata.name);
    const proxy = await startKubectlProxy(ctx, where());
    try {
      const res = await fetch(`http://127.0.0.1:${proxy.port}${ns}/services/web:8080/proxy/`);
      expect(res.status).toBe(200);
      expect(names).toContain(res.headers.get('x-pod-name'));
      expect(await res.text()).toContain('Welcome to nginx!');
    } finally {
      await proxy.stop();
    }
  });
});
