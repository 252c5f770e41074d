// Remote mode end to end on one machine: lab A (the embedded lab) serves the Kubernetes API; lab B
// runs with A's `<workspace>/kubeconfig` and shows A's cluster through that API (informers into
// B's mirror, B's WebSocket snapshot and object changes), applies with server-side apply (field
// manager l4lab, A's conflicts and validation errors on the editor's lines), deletes and scales
// through A's API. Bad kubeconfigs stop `l4lab --kubeconfig` at start with one line.
// Addresses: A on random test ranges (testRanges.ts); A and B serve on 127.0.0.1 only.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  type ApplyErrorResponse,
  type ApplyResponse,
  type ExecResponse,
  type KubeObject,
  type ServerInfo,
  type ServerMessage,
  parseServerMessage,
} from '@l4lab/protocol';
import { createLogger } from '../logger.ts';
import { runKubectl } from '../testKubectl.ts';
import { startTestLab, waitFor, type TestLab } from '../testLab.ts';
import { testLabConfig } from '../testRanges.ts';
import { startServerProcess } from '../testServerProcess.ts';
import { type RemoteLab, startRemoteLab } from './remoteLab.ts';

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; !check() && Date.now() < end;)
    await new Promise((r) => setTimeout(r, 100));
}

const ROOT = resolve(import.meta.dirname, '../../../..');
let a: TestLab;
let b: RemoteLab;
let wsB: string;
let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  a = await startTestLab({ runtime: 'builtin' });
  await a.apply(await readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8'));
  await waitFor('two ready my-nginx pods in A', async () =>
    (await a.readyPods('my-nginx-')).length === 2 ? true : undefined,
  );
  wsB = await mkdtemp(join(tmpdir(), 'l4lab-remote-'));
  home = await mkdtemp(join(tmpdir(), 'l4lab-remote-home-'));
  const config = testLabConfig(wsB, { remote: { kubeconfig: a.lab.kubeconfig } });
  b = await startRemoteLab(config, createLogger('silent'));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await b?.stop();
  await a?.stop();
  await rm(wsB, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

async function bApi<T>(method: string, path: string, body?: string, type = 'application/yaml') {
  const res = await fetch(`${b.url}${path}`, {
    method,
    ...(body !== undefined ? { body, headers: { 'Content-Type': type } } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** B's WebSocket: every message kept, `next(type)` the first one of that type not taken yet. */
function openB(): Promise<{ ws: WebSocket; next: (type: string) => Promise<ServerMessage> }> {
  const ws = new WebSocket(`${b.url.replace('http', 'ws')}/ws`);
  const seen: ServerMessage[] = [];
  const waiters: { type: string; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (data) => {
    const msg = parseServerMessage(String(data));
    if (!msg) return;
    const w = waiters.findIndex((x) => x.type === msg.type);
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(msg);
    else seen.push(msg);
  });
  const next = (type: string) =>
    new Promise<ServerMessage>((done) => {
      const i = seen.findIndex((m) => m.type === type);
      if (i >= 0) done(seen.splice(i, 1)[0]!);
      else waiters.push({ type, resolve: done });
    });
  return new Promise((done, reject) => {
    ws.once('open', () => done({ ws, next }));
    ws.once('error', reject);
  });
}

const names = (objects: KubeObject[], kind: string) =>
  objects
    .filter((o) => o.kind === kind)
    .map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`)
    .sort();

const deployment = (name: string, replicas: number) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  replicas: ${replicas}`,
    '  selector:',
    '    matchLabels:',
    `      app: ${name}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: ${name}`,
    '    spec:',
    '      containers:',
    '      - name: nginx',
    '        image: nginx',
    '',
  ].join('\n');

describe('remote mode (lab B --kubeconfig for lab A)', () => {
  it("says which cluster and context it shows, and B's snapshot is A's objects with their own metadata", async () => {
    const info = await bApi<ServerInfo>('GET', '/api/info');
    expect(info.body.cluster).toMatchObject({ context: 'l4lab', server: a.lab.url });
    const { ws, next } = await openB();
    try {
      const hello = await next('hello');
      expect(hello.type === 'hello' && hello.server.cluster?.context).toBe('l4lab');
      const snap = await next('cluster_snapshot');
      if (snap.type !== 'cluster_snapshot') throw new Error('no snapshot');
      const inA = a.lab.cluster.store.all();
      for (const kind of ['Node', 'Namespace', 'Service', 'EndpointSlice', 'Deployment', 'Pod'])
        expect(names(snap.objects, kind), kind).toEqual(names(inA, kind));
      const svcA = a.lab.cluster.store.get('Service', 'default', 'my-nginx')!;
      const svcB = snap.objects.find((o) => o.kind === 'Service' && o.metadata.name === 'my-nginx');
      expect(svcB?.metadata).toMatchObject({
        uid: svcA.metadata.uid,
        resourceVersion: svcA.metadata.resourceVersion,
        // As A's API writes it: to the second.
        creationTimestamp: svcA.metadata.creationTimestamp!.replace(/\.\d+Z$/, 'Z'),
      });
      const podsB = snap.objects.filter(
        (o) => o.kind === 'Pod' && o.metadata.name.startsWith('my-nginx-'),
      );
      expect(podsB).toHaveLength(2);
      expect(podsB.every((p) => p.metadata.uid && !('managedFields' in p.metadata))).toBe(true);
    } finally {
      ws.close();
    }
    // kubectl describe in B shows what A's components said about the pod (A's Events).
    const podName = a.lab.cluster.store.list('Pod', 'default')[0]!.metadata.name;
    const described = await bApi<{ stdout: string }>(
      'GET',
      `/api/kubectl?args=describe+pod+${podName}`,
    );
    expect(described.body.stdout).toMatch(/Events:[\s\S]*Scheduled/);
    const kubectl = await bApi<{ stdout: string }>('GET', '/api/kubectl?args=get+nodes');
    expect(kubectl.body.stdout.split('\n').filter((l) => /^node-\d+\s+Ready/.test(l))).toHaveLength(
      3,
    );
  });

  it("applies through B's apply route with server-side apply: it lands in A, manager l4lab, and B's WebSocket sees it", async (ctx) => {
    const { ws, next } = await openB();
    try {
      await next('cluster_snapshot');
      const first = await bApi<ApplyResponse>('POST', '/api/apply', deployment('from-b', 2));
      expect(first.status).toBe(200);
      expect(first.body.results).toEqual([
        { kind: 'Deployment', namespace: 'default', name: 'from-b', action: 'created' },
      ]);
      expect(a.lab.cluster.store.get('Deployment', 'default', 'from-b')?.spec.replicas).toBe(2);
      await waitFor("B's WebSocket to carry from-b's pods", async () => {
        const frame = await next('object_changes');
        return frame.type === 'object_changes' &&
          frame.changes.some(
            (c) => c.object.kind === 'Pod' && c.object.metadata.name.startsWith('from-b-'),
          )
          ? true
          : undefined;
      });
      const again = await bApi<ApplyResponse>('POST', '/api/apply', deployment('from-b', 2));
      expect(again.body.results[0]?.action).toBe('unchanged');
    } finally {
      ws.close();
    }
    const got = await runKubectl(ctx, { kubeconfig: a.lab.kubeconfig, home }, undefined, [
      'get',
      'deployment',
      'from-b',
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    expect(got.code, got.stderr).toBe(0);
    const managers = (
      JSON.parse(got.stdout) as {
        metadata: { managedFields: { manager: string; operation: string }[] };
      }
    ).metadata.managedFields.map((f) => `${f.manager}:${f.operation}`);
    expect(managers).toContain('l4lab:Apply');
  });

  it("shows A's own refusals on the editor's lines: a conflict with another manager, an invalid field", async () => {
    // Another manager takes spec.replicas (forced), as `kubectl scale` or an HPA would.
    const taken = await fetch(
      `${a.lab.url}/apis/apps/v1/namespaces/default/deployments/from-b?fieldManager=hpa&force=true`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'from-b' },
          spec: { replicas: 3 },
        }),
      },
    );
    expect(taken.status).toBe(200);
    const conflict = await bApi<ApplyErrorResponse>('POST', '/api/apply', deployment('from-b', 1));
    expect(conflict.status).toBe(409);
    expect(conflict.body.errors[0]).toMatchObject({
      message: expect.stringMatching(
        /^Apply failed with 1 conflict: conflict with "hpa".*\.spec\.replicas/,
      ),
      path: 'spec.replicas',
      line: 6,
      code: 'L4_E_REMOTE_CONFLICT',
    });

    const invalid =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 0\n';
    const refused = await bApi<ApplyErrorResponse>('POST', '/api/apply', invalid);
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({
      message: expect.stringContaining('Service "bad" is invalid'),
      path: 'spec.ports[0].port',
      line: 7,
      code: 'L4_E_REMOTE_INVALID',
    });
    expect(a.lab.cluster.store.get('Service', 'default', 'bad')).toBeUndefined();

    const unknown = await bApi<ApplyErrorResponse>(
      'POST',
      '/api/apply',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]?.message).toContain(
      'no matches for kind "Widget" in version "example.com/v1"',
    );
  });

  it("scales and deletes through A's API; says what remote mode does not do", async () => {
    // The kubectl console's `kubectl scale`: the scale subresource, through B to A.
    const scaled = await fetch(
      `${b.url}/apis/apps/v1/namespaces/default/deployments/my-nginx/scale`,
      {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { replicas: 3 } }),
      },
    );
    expect(scaled.status).toBe(200);
    expect(a.lab.cluster.store.get('Deployment', 'default', 'my-nginx')?.spec.replicas).toBe(3);
    // Another site's page in the user's browser must not drive the cluster through B.
    const crossSite = await fetch(`${b.url}/api/v1/namespaces/default/pods`, {
      headers: { Origin: 'http://attacker.example' },
    });
    expect(crossSite.status).toBe(403);

    const deleted = await bApi('DELETE', '/api/objects/deployments/default/from-b');
    expect(deleted).toEqual({
      status: 200,
      body: { deleted: { kind: 'Deployment', namespace: 'default', name: 'from-b' } },
    });
    await waitFor('from-b gone from A and from B', async () =>
      !a.lab.cluster.store.get('Deployment', 'default', 'from-b') &&
      !b.mirror.store.get('Deployment', 'default', 'from-b')
        ? true
        : undefined,
    );
    const missing = await bApi<{ error: { message: string } }>(
      'DELETE',
      '/api/objects/services/default/nope',
    );
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'L4_E_REMOTE_NOT_FOUND', message: 'services "nope" not found' } },
    });

    const traffic = await bApi<{ error: { code: string; message: string } }>(
      'POST',
      '/api/traffic',
      '{"target":"my-nginx","rate":1}',
      'application/json',
    );
    // A Service's DNS name: cluster DNS answers only inside the cluster (remoteTraffic's test
    // sends to a NodePort).
    expect(traffic.status).toBe(422);
    expect(traffic.body.error.code).toBe('L4_E_INSIDE_CLUSTER_ONLY');
    expect(traffic.body.error.message).toContain('l4lab resolves no names in remote mode');
    // No agent in A: no connection events, and the header says why.
    const connections = await bApi<{ items: unknown[] }>('GET', '/api/connections');
    expect(connections).toEqual({ status: 200, body: { items: [] } });
    expect(b.info.cluster?.connections).toBe(
      'agent not installed (l4lab-system has no l4lab-agent pods)',
    );
    // How A routes Services, as B could tell from A's API: kube-proxy's DaemonSet in kube-system,
    // in the mode its ConfigMap says (A's --proxy-mode).
    await until(() => b.info.cluster?.serviceRouting !== undefined, 10_000);
    expect(b.info.cluster?.serviceRouting).toMatchObject({ kind: 'kube-proxy', mode: 'iptables' });
  });
  it("execs in A's pods and reads their logs through A's API", async () => {
    const [pod] = await a.readyPods('my-nginx-');
    const path = `/api/pods/default/${pod!.metadata.name}`;
    const exec = await bApi<ExecResponse>(
      'POST',
      `${path}/exec`,
      JSON.stringify({ command: 'wget -q -O - my-nginx' }),
      'application/json',
    );
    expect(exec.status).toBe(200);
    expect(exec.body).toMatchObject({ exitCode: 0, trace: [] });
    expect(exec.body.stdout).toMatch(/<title>Welcome to nginx!<\/title>/);
    const failing = await bApi<ExecResponse>(
      'POST',
      `${path}/exec`,
      JSON.stringify({ command: 'wget -q -O - http://no-such-service' }),
      'application/json',
    );
    expect(failing.status).toBe(200);
    expect(failing.body.exitCode).not.toBe(0);
    const gone = await bApi<{ error: { message: string } }>(
      'POST',
      '/api/pods/default/no-such-pod/exec',
      JSON.stringify({ command: 'true' }),
      'application/json',
    );
    expect(gone).toEqual({
      status: 404,
      body: { error: { code: 'L4_E_NOT_FOUND', message: 'pods "no-such-pod" not found' } },
    });
    const logs = await bApi<{ lines: string[] }>('GET', `${path}/logs`);
    expect(logs.status).toBe(200);
    expect(Array.isArray(logs.body.lines)).toBe(true);
  });
});

describe('l4lab --kubeconfig that cannot start', () => {
  /** `l4lab --kubeconfig ...flags`: its exit code and output (it must not come up). */
  async function startFails(flags: string[]): Promise<{ code: number | null; out: string }> {
    const ws = await mkdtemp(join(tmpdir(), 'l4lab-remote-bad-'));
    try {
      const p = startServerProcess(ws, flags, children);
      p.ready.catch(() => undefined); // it is meant not to come up: `exited` says how
      const code = await p.exited;
      return { code, out: p.out().trim() };
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  }

  it('names a missing context, a missing file and a refused connection, in one line each', async () => {
    const badContext = await startFails(['--kubeconfig', a.lab.kubeconfig, '--context', 'nope']);
    expect(badContext.code).toBe(1);
    expect(badContext.out).toBe(
      'l4lab: error: context "nope" does not exist (the kubeconfig has: l4lab; --context NAME)',
    );

    const missing = await startFails(['--kubeconfig', '/nonexistent/kubeconfig']);
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(
      /^l4lab: error: stat \/nonexistent\/kubeconfig: no such file or directory/,
    );
    expect(missing.out.split('\n')).toHaveLength(1);

    // A port nothing listens on: bind one on loopback, then close it.
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
    });
    const text = (await readFile(a.lab.kubeconfig, 'utf8')).replace(
      /server: "[^"]*"/,
      `server: "http://127.0.0.1:${port}"`,
    );
    const closed = join(home, 'closed-kubeconfig');
    await writeFile(closed, text);
    const refused = await startFails(['--kubeconfig', closed]);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe(
      `l4lab: The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port? (context "l4lab")`,
    );
  });
});
