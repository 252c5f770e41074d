// Workshop mode end to end on one lab: joining, each role's reach through both APIs (the real
// kubectl with a student's downloaded kubeconfig, and the dashboard's calls), quotas, the
// WebSocket narrowed to a student's namespace, the roster, and a restart that keeps students.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  JoinResponse,
  ServerMessage,
  WorkshopProgress,
  WorkshopStatus,
} from '@l4lab/protocol';
import { startTestLab, waitFor, type TestLab } from '../testLab.ts';
import { runKubectl, startPortForward } from '../testKubectl.ts';
import { startLab } from '../lab.ts';
import { createLogger } from '../logger.ts';

let t: TestLab;
let home: string;
let code: string;

beforeAll(async () => {
  t = await startTestLab({ workshop: true });
  home = await mkdtemp(join(tmpdir(), 'l4lab-workshop-home-'));
  code = new URL(t.lab.workshop!.joinUrls[0]!).searchParams.get('code')!;
}, 60_000);

afterAll(async () => {
  await t?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

async function call<T>(
  token: string | undefined,
  method: string,
  path: string,
  body?: string,
  type = 'application/json',
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${t.lab.url}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': type } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // kubeconfig text
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

const join_ = (name?: string, c = code, rejoin?: string) =>
  call<JoinResponse & { error?: { code: string; message: string } }>(
    undefined,
    'POST',
    '/api/workshop/join',
    JSON.stringify({
      code: c,
      ...(name !== undefined ? { name } : {}),
      ...(rejoin !== undefined ? { rejoin } : {}),
    }),
  );

const POD = (name: string, ns?: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}  labels: { app: ${name} }
spec:
  containers:
  - name: web
    image: nginx
    ports: [{ containerPort: 80 }]
`;

describe('workshop mode', () => {
  let alice: JoinResponse;
  let bob: JoinResponse;

  it('refuses every call without a token, even on loopback, but joining', async () => {
    expect((await call(undefined, 'GET', '/api/objects/pods')).status).toBe(401);
    expect((await call(undefined, 'GET', '/api/v1/pods')).status).toBe(401);
    expect((await call(t.lab.token, 'GET', '/api/whoami')).body).toEqual({
      user: { name: 'instructor', role: 'instructor' },
      workshop: true,
    });
  });

  it('joins students with a name of their own or the next student-<n>', async () => {
    expect((await join_('alice', 'not-the-code')).status).toBe(403);
    const bad = await join_('Alice');
    expect(bad.status).toBe(422);
    expect(bad.body.error?.message).toContain('a lowercase RFC 1123 label must consist of');
    expect((await join_('kube-system')).status).toBe(422);
    const a = await join_('alice');
    expect(a.status).toBe(201);
    alice = a.body;
    expect(alice).toMatchObject({ name: 'alice', namespace: 'alice' });
    expect(alice.token.length).toBeGreaterThan(20);
    expect((await join_('alice')).status).toBe(409);
    const b = await join_();
    expect(b.body.name).toBe('student-1');
    bob = b.body;
    expect((await call(alice.token, 'GET', '/api/whoami')).body).toMatchObject({
      user: { name: 'alice', role: 'student', namespace: 'alice' },
    });
  });

  it('joins a student again from another device with their rejoin code, and no one else', async () => {
    expect(alice.rejoinCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const taken = await join_('alice');
    expect([taken.status, taken.body.error?.message]).toEqual([
      409,
      'namespaces "alice" already exists: choose another name, or, if you are alice on another device, type the rejoin code you were shown when you joined',
    ]);
    const wrong = await join_('alice', code, 'AAAA-AAAA');
    expect([wrong.status, wrong.body.error?.code]).toEqual([403, 'L4_E_REJOIN_CODE']);
    expect((await join_('nobody', code, alice.rejoinCode)).status).toBe(404);
    expect((await join_('alice', 'not-the-code', alice.rejoinCode)).status).toBe(403);
    // Typed as read off the screen: any case, with or without the dash.
    const typed = alice.rejoinCode!.replace('-', ' ').toLowerCase();
    const phone = await join_('alice', code, typed);
    expect([phone.status, phone.body.name, phone.body.rejoined]).toEqual([200, 'alice', true]);
    expect(phone.body.rejoinCode).toBeUndefined();
    expect(phone.body.token).not.toBe(alice.token);
    for (const token of [alice.token, phone.body.token])
      expect((await call(token, 'GET', '/api/whoami')).body).toMatchObject({
        user: { name: 'alice', namespace: 'alice' },
      });
    // A new code from a device of hers; the one before stops working.
    const fresh = await call<{ rejoinCode: string }>(
      phone.body.token,
      'POST',
      '/api/workshop/rejoin-code',
    );
    expect(fresh.body.rejoinCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect((await join_('alice', code, alice.rejoinCode)).status).toBe(403);
    expect((await call(t.lab.token, 'POST', '/api/workshop/rejoin-code')).status).toBe(403);
    alice = { ...alice, rejoinCode: fresh.body.rejoinCode };
  });

  it('gives each student a kubeconfig whose context is their namespace, and the real kubectl works in it and nowhere else', async (ctx) => {
    const kc = await call<string>(alice.token, 'GET', '/api/workshop/kubeconfig');
    expect(kc.status).toBe(200);
    expect(kc.headers.get('content-disposition')).toContain('l4lab-alice.kubeconfig');
    expect(kc.body).toContain('namespace: alice');
    expect(kc.body).toContain(alice.token);
    const file = join(home, 'alice.kubeconfig');
    await writeFile(file, kc.body);
    const k = (args: string[], input?: string) =>
      runKubectl(ctx, { kubeconfig: file, home }, input, args);
    const applied = await k(['apply', '-f', '-'], POD('web'));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('pod/web created');
    expect((await k(['get', 'pods', '-o', 'name'])).stdout).toContain('pod/web');
    const elsewhere = await k(['get', 'pods', '-n', 'default']);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain(
      'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const all = await k(['get', 'pods', '-A']);
    expect(all.stderr).toContain(
      'cannot list resource "pods" in API group "" at the cluster scope',
    );
    const ns = await k(['create', 'namespace', 'mine']);
    expect(ns.stderr).toContain(
      'namespaces is forbidden: User "alice" cannot create resource "namespaces"',
    );
    const other = await k(['apply', '-f', '-'], POD('web', 'student-1'));
    expect(other.stderr).toContain('is forbidden: User "alice"');
    expect((await k(['get', 'nodes'])).code).toBe(0);
    // kubectl auth can-i: the authorizer's answer for alice, as RBAC's (no: exit code 1).
    const can = async (...args: string[]) => {
      const r = await k(['auth', 'can-i', ...args]);
      // (kubectl warns that a cluster-scoped resource ignores the context's namespace.)
      const errors = r.stderr.replace(/^Warning: .*\n/gm, '').trim();
      return `${r.stdout.trim()} ${r.code}${errors ? ` ${errors}` : ''}`;
    };
    expect(await can('create', 'pods')).toBe('yes 0');
    expect(await can('create', 'pods', '-n', 'default')).toBe('no 1');
    expect(await can('list', 'nodes')).toBe('yes 0');
    expect(await can('delete', 'nodes/node-1')).toBe('no 1');
    // Non-resource URLs: discovery's, as system:discovery allows them, and nothing else.
    expect(await can('get', '/apis/apps/v1')).toBe('yes 0');
    expect(await can('get', '/metrics')).toBe('no 1');
    // --list: the same decisions, as the rules a cluster would hold for a student.
    const list = await k(['auth', 'can-i', '--list']);
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    expect(list.stdout).toMatch(/^nodes\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(list.stdout).toMatch(/^namespaces\s+\[\]\s+\[alice\]\s+\[get list watch\]$/m);
    const elsewhereList = await k(['auth', 'can-i', '--list', '-n', 'default']);
    expect(elsewhereList.stdout).not.toMatch(/^\*\.\*/m);
    const whoami = await k(['auth', 'whoami']);
    expect(whoami.stderr).toBe('');
    expect(whoami.stdout).toMatch(/^Username\s+alice$/m);
    expect(whoami.stdout).toMatch(/^Groups\s+\[l4lab:student system:authenticated\]$/m);
    // The ExternalName lesson creates a namespace: each student has theirs, alice-nginx-ns.
    type Lessons = {
      items: { id: string; steps: { text: string; files: { name: string; text: string }[] }[] }[];
    };
    const lessons = await call<Lessons>(alice.token, 'GET', '/api/lessons');
    const externalName = lessons.body.items.find((l) => l.id === 'externalname')!;
    expect(externalName.steps[1]!.text).toContain('kubectl create ns alice-nginx-ns');
    const created = await k(['create', 'namespace', 'alice-nginx-ns']);
    expect(created.stderr).toBe('');
    const server = externalName.steps[1]!.files.map((f) => f.text).join('\n---\n');
    expect(server).toContain('namespace: alice-nginx-ns');
    const inLessonNs = await k(['apply', '-f', '-'], server);
    expect(inLessonNs.stderr).toBe('');
    expect((await k(['get', 'services', '-n', 'alice-nginx-ns', '-o', 'name'])).stdout).toContain(
      'service/nginx-svc',
    );
    const exec = await k(['exec', 'web', '--', 'true'], undefined);
    expect(exec.stderr).not.toContain('Forbidden');
    // kubectl port-forward: alice's laptop's port to her pod, the lab dialing it.
    await waitFor('pod web running', async () =>
      (await k(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running'
        ? true
        : undefined,
    );
    const pf = await startPortForward(ctx, { kubeconfig: file, home }, {}, 'pod/web', 80);
    try {
      const res = await fetch(`http://127.0.0.1:${pf.port}/`, { headers: { connection: 'close' } });
      expect(res.headers.get('x-pod-name')).toBe('web');
      await res.text();
    } finally {
      await pf.stop();
    }
  }, 90_000);

  it("narrows a student's dashboard calls to their namespace", async () => {
    const applied = await call<{ results: { namespace: string }[] }>(
      bob.token,
      'POST',
      '/api/apply',
      POD('bobs'),
      'application/yaml',
    );
    expect(applied.status).toBe(200);
    expect(applied.body.results[0]!.namespace).toBe('student-1');
    const refused = await call<{ errors: { message: string; line: number; code: string }[] }>(
      bob.token,
      'POST',
      '/api/apply',
      POD('x', 'alice'),
      'application/yaml',
    );
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ code: 'L4_E_FORBIDDEN', line: 1 });
    expect(refused.body.errors[0]!.message).toBe(
      'pods "x" is forbidden: User "student-1" cannot patch resource "pods" in API group "" in the namespace "alice"',
    );
    const pods = await call<{ items: { metadata: { namespace: string } }[] }>(
      bob.token,
      'GET',
      '/api/objects/pods',
    );
    expect(pods.body.items.map((p) => p.metadata.namespace)).toEqual(['student-1']);
    expect((await call(bob.token, 'GET', '/api/objects/pods?namespace=alice')).status).toBe(403);
    const frontends = await call<{ items: { service: string }[] }>(
      bob.token,
      'GET',
      '/api/frontends',
    );
    expect(frontends.body.items.every((f) => f.service.startsWith('student-1/'))).toBe(true);
    expect((await call(bob.token, 'DELETE', '/api/objects/pods/alice/web')).status).toBe(403);
    expect((await call(bob.token, 'POST', '/api/nodes/node-1/stop')).status).toBe(403);
    const traffic = await call<{ error: { message: string } }>(
      bob.token,
      'POST',
      '/api/traffic',
      JSON.stringify({ target: 'web.alice.svc.cluster.local:80', rate: 5, count: 5 }),
    );
    expect(traffic.status).toBe(403);
    expect((await call(bob.token, 'GET', '/api/workshop')).status).toBe(403);
  });

  it('holds each student to their quota, in ResourceQuota words', async () => {
    const many = `apiVersion: apps/v1
kind: Deployment
metadata: { name: many }
spec:
  replicas: 11
  selector: { matchLabels: { app: many } }
  template:
    metadata: { labels: { app: many } }
    spec: { containers: [{ name: web, image: nginx }] }
`;
    const r = await call<{ errors: { message: string }[] }>(
      bob.token,
      'POST',
      '/api/apply',
      many,
      'application/yaml',
    );
    expect(r.status).toBe(403);
    expect(r.body.errors[0]!.message).toBe(
      'deployments.apps "many" is forbidden: exceeded quota: student-quota, requested: pods=11, used: pods=1, limited: pods=10',
    );
  });

  it("gives each student node ports of their own, and moves a lesson's fixed port into them", async () => {
    type Lessons = {
      items: { id: string; steps: { files: { name: string; text: string }[] }[] }[];
    };
    const lessons = await call<Lessons>(alice.token, 'GET', '/api/lessons');
    const file = lessons.body.items
      .find((l) => l.id === 'nodeport')!
      .steps[0]!.files.find((f) => f.name === 'service_nodeport.yaml')!;
    expect(file.text).toContain('nodePort: 32000');
    expect(file.text).not.toContain('30380');
    const applied = await call<{ results: unknown[] }>(
      alice.token,
      'POST',
      '/api/apply',
      file.text,
      'application/yaml',
    );
    expect(applied.status).toBe(200);
    const svc = `apiVersion: v1
kind: Service
metadata: { name: np }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ port: 80, nodePort: 30380 }]
`;
    const outside = await call<{ errors: { message: string }[] }>(
      bob.token,
      'POST',
      '/api/apply',
      svc,
      'application/yaml',
    );
    expect(outside.status).toBe(422);
    expect(outside.body.errors[0]!.message).toContain(
      'spec.ports[0].nodePort: Invalid value: 30380: provided port is not in the valid range. The range of valid ports is 32012-32023',
    );
    const auto = await call<unknown>(
      bob.token,
      'POST',
      '/api/apply',
      svc.replace(', nodePort: 30380', ''),
      'application/yaml',
    );
    expect(auto.status).toBe(200);
    const got = await call<{ items: { spec: { ports: { nodePort: number }[] } }[] }>(
      bob.token,
      'GET',
      '/api/objects/services',
    );
    const port = got.body.items[0]!.spec.ports[0]!.nodePort;
    expect(port).toBeGreaterThanOrEqual(32012);
    expect(port).toBeLessThanOrEqual(32023);
    await call(bob.token, 'DELETE', '/api/objects/services/student-1/np');
    const checks = await call<{ results: { id: string; passed: boolean }[] }>(
      alice.token,
      'GET',
      '/api/lessons/nodeport/checks',
    );
    expect(checks.body.results.find((r) => r.id === 'service-nodeport')?.passed).toBe(true);
  });

  it('holds each student to 2 traffic generators and 200 connections/s', async () => {
    const gen = (rate: number) =>
      call<{ id?: string; error?: { message: string } }>(
        alice.token,
        'POST',
        '/api/traffic',
        JSON.stringify({
          target: 'my-nginx-nodeport.alice.svc.cluster.local:80',
          rate,
          count: 1000,
        }),
      );
    const tooFast = await gen(300);
    expect(tooFast.status).toBe(403);
    expect(tooFast.body.error?.message).toContain('limited: rate=200/s');
    const started = [await gen(5), await gen(5)];
    expect(started.map((r) => r.status)).toEqual([201, 201]);
    const third = await gen(5);
    expect(third.status).toBe(403);
    expect(third.body.error?.message).toContain('used: generators=2, limited: generators=2');
    for (const r of started) await call(alice.token, 'DELETE', `/api/traffic/${r.body.id}`);
  });

  it('lets the projector watch everything and write nothing', async () => {
    const viewer = t.lab.workshop!.viewerToken;
    const pods = await call<{ items: unknown[] }>(viewer, 'GET', '/api/objects/pods');
    expect(pods.status).toBe(200);
    expect(pods.body.items.length).toBeGreaterThanOrEqual(2);
    expect((await call(viewer, 'POST', '/api/apply', POD('v'), 'application/yaml')).status).toBe(
      403,
    );
    const k8s = await call<{ message: string }>(
      viewer,
      'DELETE',
      '/api/v1/namespaces/alice/pods/web',
    );
    expect(k8s.status).toBe(403);
    expect(k8s.body.message).toBe(
      'pods "web" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "alice"',
    );
  });

  it("sends a student's browser only their namespace", async () => {
    const snapshot = await new Promise<Extract<ServerMessage, { type: 'cluster_snapshot' }>>(
      (resolve, reject) => {
        const ws = new WebSocket(`${t.lab.url.replace('http', 'ws')}/ws`, {
          headers: { Authorization: `Bearer ${bob.token}` },
        });
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as ServerMessage;
          if (msg.type === 'cluster_snapshot') {
            ws.close();
            resolve(msg);
          }
        });
        ws.on('error', reject);
      },
    );
    const namespaces = new Set(
      snapshot.objects
        .filter((o) => o.kind !== 'Node')
        .map((o) => o.metadata.namespace ?? o.metadata.name),
    );
    expect([...namespaces]).toEqual(['student-1']);
    expect(snapshot.objects.some((o) => o.kind === 'Node')).toBe(true);
  });

  it("shows the instructor the roster and the class's progress, and removes a student", async () => {
    const status = await call<WorkshopStatus>(t.lab.token, 'GET', '/api/workshop');
    expect(status.body.students.map((s) => [s.name, s.pods])).toEqual([
      ['alice', 1],
      ['student-1', 1],
    ]);
    expect(status.body.joinUrl).toContain(`/join?code=${code}`);
    const progress = await call<WorkshopProgress>(
      t.lab.token,
      'GET',
      '/api/workshop/progress?lesson=clusterip',
    );
    expect(progress.status).toBe(200);
    expect(progress.body.students.map((s) => s.name)).toEqual(['alice', 'student-1']);
    expect(progress.body.checks.length).toBeGreaterThan(0);
    expect((await call(bob.token, 'POST', '/api/workshop/students/alice/reset')).status).toBe(403);
    expect((await call(t.lab.token, 'DELETE', '/api/workshop/students/student-1')).status).toBe(
      200,
    );
    expect((await call(bob.token, 'GET', '/api/whoami')).status).toBe(401);
  });

  it('keeps its students across a restart: their kubeconfigs still work', async () => {
    const config = t.config;
    await t.lab.stop();
    const again = await startLab({ ...config, port: 0 }, createLogger('silent'));
    try {
      const res = await fetch(`${again.url}/api/whoami`, {
        headers: { Authorization: `Bearer ${alice.token}` },
      });
      expect(res.status).toBe(200);
      // Her rejoin code too.
      const rejoined = await fetch(`${again.url}/api/workshop/join`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code, name: 'alice', rejoin: alice.rejoinCode }),
      });
      expect(rejoined.status).toBe(200);
      expect(again.token).toBe(t.lab.token);
      expect(again.workshop!.joinUrls[0]).toContain(`code=${code}`);
    } finally {
      await again.stop();
    }
  }, 60_000);
});
