// The shipped lessons checked live on a real lab (builtin runtime): GET /api/lessons lists them,
// and GET /api/lessons/:id/checks says every check fails before the solution, then, once the
// lesson's own editor files are applied and real connections reach its Service from this test,
// every check passes but the one that needs a client off this machine (the workshop's network
// namespace test covers that one).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Node, Service } from '@l4lab/protocol';
import { getPod, startTestLab, waitFor, type TestLab } from './testLab.ts';

const LESSONS = resolve(import.meta.dirname, '../../../lessons');

interface LessonBody {
  id: string;
  title: string;
  summary: string;
  steps: {
    title: string;
    text: string;
    files: { name: string; text: string }[];
    checks: { id: string; title: string }[];
  }[];
}
interface CheckRow {
  step: number;
  id: string;
  title: string;
  passed: boolean;
  detail: string;
}
interface ChecksBody {
  lesson: string;
  namespace: string;
  results: CheckRow[];
}

let t: TestLab;
let lessons: LessonBody[];

beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
  lessons = (await t.api<{ items: LessonBody[] }>('GET', '/api/lessons')).body.items;
}, 30_000);
afterAll(async () => {
  await t?.stop();
});

const lesson = (id: string) => lessons.find((l) => l.id === id)!;

async function checks(id: string, namespace = 'default', step?: number): Promise<ChecksBody> {
  const q = `namespace=${namespace}${step !== undefined ? `&step=${step}` : ''}`;
  const r = await t.api<ChecksBody>('GET', `/api/lessons/${id}/checks?${q}`);
  expect(r.status).toBe(200);
  return r.body;
}

/** The lesson's editor files, every step's, in order: what a student applies to solve it. */
async function applySolution(id: string): Promise<void> {
  for (const step of lesson(id).steps) for (const f of step.files) await t.apply(f.text);
}

async function readyPods(prefix: string, n: number): Promise<void> {
  await waitFor(`${n} Ready ${prefix} pods`, async () =>
    (await t.readyPods(prefix)).length >= n ? true : undefined,
  );
}

/**
 * Waits until kube-proxy routes to exactly the `n` pods (`prefix`) Ready in the API: pods are
 * Ready there first, and kube-proxy takes them in (and lets an evicted one go, whose server
 * stops at once, as nginx does on SIGTERM) at its next sync.
 */
async function inRotation(name: string, prefix: string, n: number): Promise<void> {
  await waitFor(`kube-proxy to route ${name} to its ${n} Ready pods`, async () => {
    const ready = (await t.readyPods(prefix)).map((p) => p.metadata.name).sort();
    const ports = [...t.lab.proxier.state().endpoints].filter(([k]) =>
      k.startsWith(`default/${name}:`),
    );
    const routed = (eps: { pod: string; ready: boolean }[]) =>
      eps
        .filter((e) => e.ready)
        .map((e) => e.pod)
        .sort()
        .join();
    return ready.length === n &&
      ports.length > 0 &&
      ports.every(([, eps]) => routed(eps) === ready.join())
      ? true
      : undefined;
  });
}

async function service(name: string): Promise<Service> {
  return (await t.api<Service>('GET', `/api/objects/services/default/${name}`)).body;
}

/** `count` real connections to ip:port (10 at a time), once the frontend answers. */
async function connect(ip: string, port: number, count: number): Promise<void> {
  const target = t.target(ip, port);
  await waitFor(
    `${ip}:${port} answers`,
    async () => (await getPod(target.host, target.port).catch(() => '')) || undefined,
  );
  for (let done = 0; done < count; done += 10)
    await Promise.all(
      Array.from({ length: Math.min(10, count - done) }, () => getPod(target.host, target.port)),
    );
}

/** Polls the checks until the ones named pass (the events reach the buffer asynchronously). */
async function passing(
  id: string,
  want: (r: CheckRow) => boolean,
  namespace = 'default',
): Promise<CheckRow[]> {
  let last: CheckRow[] = [];
  await waitFor(`lesson ${id}'s checks to pass`, async () => {
    last = (await checks(id, namespace)).results;
    return last.filter(want).every((r) => r.passed) ? true : undefined;
  }).catch(() => {
    throw new Error(
      `lesson ${id}: ${JSON.stringify(
        last.filter((r) => want(r) && !r.passed),
        null,
        1,
      )}`,
    );
  });
  return last;
}

/**
 * A lesson's files by name, each written into namespace `ns` (created here): lessons whose
 * objects must not meet the other lessons' in `default`.
 */
async function lessonFilesIn(id: string, ns: string): Promise<Map<string, string>> {
  await t.apply(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`);
  return new Map(
    lesson(id)
      .steps.flatMap((s) => s.files)
      .map((f) => [f.name, f.text.replace(/^metadata:\n/gm, `metadata:\n  namespace: ${ns}\n`)]),
  );
}

describe('GET /api/lessons', () => {
  it('lists the lessons of lessons/ with their steps, text, editor files and check titles', async () => {
    expect(lessons.map((l) => l.id)).toContain('clusterip');
    const clusterip = lesson('clusterip');
    expect(clusterip.title).toMatch(/ClusterIP/);
    expect(clusterip.steps[0]!.text).toBe(
      await readFile(join(LESSONS, '01-clusterip/1-pods.md'), 'utf8'),
    );
    expect(clusterip.steps[0]!.files).toEqual([
      {
        name: 'pod_test.yaml',
        text: await readFile(join(LESSONS, '01-clusterip/pod_test.yaml'), 'utf8'),
      },
    ]);
    expect(clusterip.steps[0]!.checks).toEqual([
      { id: 'pods-ready', title: 'Two my-nginx pods are Ready' },
    ]);
  });
});

describe('GET /api/lessons/:id/checks', () => {
  it('answers 404 for a lesson that does not exist, 400 for a bad namespace or step', async () => {
    const missing = await t.api<{ error: { code: string; message: string } }>(
      'GET',
      '/api/lessons/nope/checks?namespace=default',
    );
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'L4_E_NOT_FOUND', message: 'lesson "nope" not found' } },
    });
    for (const q of ['', 'namespace=Bad_Name', `namespace=${'a'.repeat(64)}`]) {
      const bad = await t.api<{ error: { code: string } }>(
        'GET',
        `/api/lessons/clusterip/checks?${q}`,
      );
      expect([bad.status, bad.body.error.code]).toEqual([400, 'L4_E_BAD_NAMESPACE']);
    }
    const badStep = await t.api<{ error: { code: string } }>(
      'GET',
      '/api/lessons/clusterip/checks?namespace=default&step=9',
    );
    expect([badStep.status, badStep.body.error.code]).toEqual([400, 'L4_E_BAD_STEP']);
  });

  it('every check of the seed lessons fails before their solution is applied', async () => {
    for (const id of ['clusterip', 'nodeport', 'externalname', 'loadbalancer', 'proxy-modes']) {
      const body = await checks(id);
      expect(body.lesson).toBe(id);
      expect(body.namespace).toBe('default');
      const titles = lesson(id).steps.flatMap((s) => s.checks.map((c) => c.id));
      expect(body.results.map((r) => r.id)).toEqual(titles);
      expect(body.results.filter((r) => r.passed)).toEqual([]);
      for (const r of body.results) expect(r.detail).not.toBe('');
    }
  });

  it('01-clusterip: its files applied and connections to the ClusterIP, every check passes', async () => {
    await applySolution('clusterip');
    await readyPods('my-nginx-', 2);
    const svc = await service('my-nginx');
    await connect(svc.spec.clusterIP!, 80, 40);
    const results = await passing('clusterip', () => true);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'pods-ready'],
      [2, 'service-clusterip'],
      [2, 'endpoints-ready'],
      [4, 'each-pod-connections'],
    ]);
    // A step alone, and the same lesson in another namespace (nothing there: all fail).
    expect((await checks('clusterip', 'default', 2)).results.map((r) => r.id)).toEqual([
      'service-clusterip',
      'endpoints-ready',
    ]);
    const other = (await checks('clusterip', 'student-2')).results;
    expect(other.filter((r) => r.passed)).toEqual([]);
  }, 30_000);

  it('02-nodeport: answered on a node IP and port; "from outside this machine" stays failing', async () => {
    await applySolution('nodeport');
    await readyPods('my-nginx-nodeport-', 2);
    const nodes = (await t.api<{ items: Node[] }>('GET', '/api/objects/nodes')).body.items;
    const nodeIP = nodes[0]!.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    await connect(nodeIP, 30380, 3);
    const results = await passing('nodeport', (r) => r.id !== 'nodeport-from-outside');
    expect(results.map((r) => [r.id, r.passed])).toEqual([
      ['service-nodeport', true],
      ['endpoints-ready', true],
      ['nodeport-answered', true],
      ['nodeport-from-outside', false],
    ]);
    // Every client here is this machine: the check says what it saw and what it wants.
    expect(results[3]!.detail).toBe(
      'no open or completed connections to Service my-nginx-nodeport through a NodePort from outside this machine yet',
    );
  }, 30_000);

  it('04-loadbalancer: connections to the EXTERNAL-IP reach all 3 pods, every check passes', async () => {
    await applySolution('loadbalancer');
    await readyPods('my-nginx-lb-', 3);
    const ip = await waitFor('an EXTERNAL-IP', async () => {
      return (await service('my-nginx-lb')).status?.loadBalancer?.ingress?.[0]?.ip;
    });
    await connect(ip, 80, 40);
    const results = await passing('loadbalancer', () => true);
    expect(results.map((r) => r.id)).toEqual([
      'external-ip',
      'endpoints-ready',
      'lb-answered',
      'lb-reached-all-pods',
    ]);
  }, 30_000);

  it("03-externalname: the client pod's wget through both names reaches nginx-svc", async () => {
    // Step 2's `kubectl create ns nginx-ns`: a command in its text, not one of its files.
    await t.apply('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nginx-ns\n');
    await applySolution('externalname');
    await readyPods('client-', 1);
    await waitFor('a Ready nginx pod in nginx-ns', async () =>
      (await t.readyPods('nginx-', 'nginx-ns')).length >= 1 ? true : undefined,
    );
    const client = (await t.readyPods('client-'))[0]!.metadata.name;
    for (const name of [
      'client-svc.default.svc.cluster.local',
      'nginx-svc.nginx-ns.svc.cluster.local',
    ]) {
      const r = await t.api<{ exitCode: number; stderr: string }>(
        'POST',
        `/api/pods/default/${client}/exec`,
        JSON.stringify({ command: `wget -q -O - ${name}` }),
        'application/json',
      );
      expect([name, r.status, r.body.exitCode, r.body.stderr]).toEqual([name, 200, 0, '']);
    }
    await passing('externalname', () => true);
  }, 30_000);

  it('09-headless-statefulset: web-0 then web-1 with their hostnames, endpoints, then web-2', async () => {
    const before = (await checks('headless-statefulset')).results;
    expect(before.filter((r) => r.passed)).toEqual([]);
    await applySolution('headless-statefulset');
    await readyPods('web-', 2);
    const early = await passing('headless-statefulset', (r) => r.step <= 2);
    expect(early.filter((r) => r.step === 3 && r.passed)).toEqual([]);
    // Step 3's `kubectl scale statefulset web --replicas=3`.
    const web = lesson('headless-statefulset').steps[0]!.files[1]!.text;
    await t.apply(web.replace('replicas: 2', 'replicas: 3'));
    await readyPods('web-', 3);
    const results = await passing('headless-statefulset', () => true);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'service-headless'],
      [1, 'web-0-identity'],
      [1, 'pods-ready'],
      [2, 'endpoints-ready'],
      [3, 'web-2-identity'],
      [3, 'three-ready'],
    ]);
  }, 30_000);

  it('08-proxy-modes: rr takes turns, maglev spreads, then a pod taken away', async () => {
    await applySolution('proxy-modes');
    await readyPods('backend-', 3);
    for (const name of ['backend-rr', 'backend-maglev']) {
      await inRotation(name, 'backend-', 3);
      await connect((await service(name)).spec.clusterIP!, 80, 30);
    }
    const results = await passing('proxy-modes', (r) => r.id !== 'two-endpoints');
    expect(results.map((r) => [r.id, r.passed])).toEqual([
      ['maglev-annotation', true],
      ['endpoints-ready', true],
      ['rr-even', true],
      ['maglev-spread', true],
      ['two-endpoints', false],
    ]);
    // A learner who reaches step 2 only now: `since: step` counts their connections from then,
    // so rr-even has none yet; the same check without the time counts the lab's whole life.
    const later = Date.now() + 1;
    const fresh = await t.api<ChecksBody>(
      'GET',
      `/api/lessons/proxy-modes/checks?namespace=default&step=2&since=${later}`,
    );
    expect(fresh.body.results.find((r) => r.id === 'rr-even')?.passed).toBe(false);
    expect(
      (await checks('proxy-modes', 'default', 2)).results.find((r) => r.id === 'rr-even')?.passed,
    ).toBe(true);
    // Step 4 as the student does it (`kubectl scale deployment backend --replicas=2`).
    const backend = lesson('proxy-modes').steps[0]!.files[0]!.text;
    await t.apply(backend.replace('replicas: 3', 'replicas: 2'));
    await waitFor('2 endpoints of backend-maglev', async () =>
      (await checks('proxy-modes', 'default', 4)).results[0]!.passed ? true : undefined,
    );
  }, 30_000);

  it('11-network-policy: default deny, the frontend let in, then its egress with and without DNS', async () => {
    // In a namespace of its own: a default deny in `default` would isolate the other lessons' pods.
    const ns = 'np-lesson';
    const files = await lessonFilesIn('network-policy', ns);
    const curl = async (pod: string) =>
      (
        await t.api<{ exitCode: number; stderr: string }>(
          'POST',
          `/api/pods/${ns}/${pod}/exec`,
          JSON.stringify({ command: 'curl -s -m 1 web' }),
          'application/json',
        )
      ).body.exitCode;
    await t.apply(files.get('web.yaml')!);
    await waitFor('web, frontend and intruder Ready', async () =>
      (await t.readyPods('', ns)).length >= 4 ? true : undefined,
    );
    await passing('network-policy', (r) => r.step === 1, ns);
    // Once kube-proxy has the Service's endpoints, both clients are answered.
    await waitFor('web answers both clients', async () =>
      (await curl('frontend')) === 0 && (await curl('intruder')) === 0 ? true : undefined,
    );

    await t.apply(files.get('default-deny.yaml')!);
    // Dropped on the way in: the client waits out its own timeout (curl's 28).
    expect(await curl('frontend')).toBe(28);
    await passing('network-policy', (r) => r.step <= 2, ns);

    await t.apply(files.get('allow-frontend.yaml')!);
    expect([await curl('frontend'), await curl('intruder')]).toEqual([0, 28]);
    await passing('network-policy', (r) => r.step <= 3, ns);

    await t.apply(files.get('frontend-egress.yaml')!);
    // The name `web` needs DNS first, and no egress rule allows it: curl's 6.
    expect(await curl('frontend')).toBe(6);
    await passing('network-policy', (r) => r.step <= 4, ns);

    await t.apply(files.get('frontend-egress-dns.yaml')!);
    expect(await curl('frontend')).toBe(0);
    const results = await passing('network-policy', () => true, ns);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'pods-ready'],
      [1, 'clients-ready'],
      [2, 'default-deny'],
      [2, 'denied'],
      [3, 'frontend-allowed'],
      [3, 'intruder-dropped'],
      [4, 'dns-dropped'],
      [5, 'egress-allowed'],
    ]);
    expect((await t.api('DELETE', `/api/v1/namespaces/${ns}`)).status).toBe(200);
  }, 60_000);

  it('12-canary-configmap: a canary takes its share, its ConfigMap page fixed in place, then promoted', async () => {
    const id = 'canary-configmap';
    const ns = 'canary-lesson';
    const files = await lessonFilesIn(id, ns);
    const curl = async () =>
      (
        await t.api<{ exitCode: number; stdout: string }>(
          'POST',
          `/api/pods/${ns}/client/exec`,
          JSON.stringify({ command: 'curl -s -m 1 web' }),
          'application/json',
        )
      ).body.stdout.trim();
    /** What `n` connections through the Service answered, by page. */
    const answers = async (n: number) => {
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) seen.add(await curl());
      return [...seen].sort();
    };
    const ready = (n: number) =>
      waitFor(`${n} Ready pods`, async () =>
        (await t.readyPods('', ns)).length === n ? true : undefined,
      );

    await t.apply(files.get('web-v1.yaml')!);
    await ready(4);
    await waitFor('the v1 page', async () =>
      (await curl()) === '<h1>shop v1</h1>' ? true : undefined,
    );
    await passing(id, (r) => r.step === 1, ns);

    await t.apply(files.get('web-v2.yaml')!);
    await ready(5);
    // One pod in four is the canary: 40 connections reach both (a miss is 0.75^40, about 1e-5).
    await waitFor('both pages', async () => ((await answers(40)).length === 2 ? true : undefined));
    expect(await answers(40)).toEqual(['<h1>shop v1</h1>', '<h1>shop v2 (canary)</h1>']);
    await passing(id, (r) => r.step <= 2, ns);

    const canary = (await t.readyPods('web-v2-', ns)).map((p) => p.metadata.uid);
    await t.apply(files.get('page-v2.yaml')!);
    await waitFor('the fixed page', async () =>
      (await answers(40)).includes('<h1>shop v2.1 (canary, fixed)</h1>') ? true : undefined,
    );
    expect((await t.readyPods('web-v2-', ns)).map((p) => p.metadata.uid)).toEqual(canary);
    await passing(id, (r) => r.step <= 3, ns);

    const scale = (name: string, replicas: number) =>
      t.api(
        'PATCH',
        `/apis/apps/v1/namespaces/${ns}/deployments/${name}/scale`,
        JSON.stringify({ spec: { replicas } }),
        'application/merge-patch+json',
      );
    expect((await scale('web-v2', 3)).status).toBe(200);
    expect((await scale('web-v1', 0)).status).toBe(200);
    await waitFor('only the canary answers', async () => {
      const seen = await answers(12);
      return seen.length === 1 && seen[0] === '<h1>shop v2.1 (canary, fixed)</h1>'
        ? true
        : undefined;
    });
    // Step 1's and 2's pods and endpoints are gone now: the dashboard says they passed earlier.
    const results = await passing(id, (r) => r.step === 4, ns);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'stable-ready'],
      [1, 'stable-served'],
      [2, 'four-endpoints'],
      [2, 'canary-served'],
      [2, 'stable-still-served'],
      [3, 'page-fixed'],
      [3, 'canary-answers'],
      [4, 'canary-scaled'],
      [4, 'stable-scaled-down'],
      [4, 'promoted-served'],
    ]);
    expect((await t.api('DELETE', `/api/v1/namespaces/${ns}`)).status).toBe(200);
  }, 90_000);

  it('13-topology-aware-routing: PreferClose keeps each zone home, a zone without pods uses all, Auto gives up on too few', async () => {
    const id = 'topology-aware-routing';
    const ns = 'topology-lesson';
    const files = await lessonFilesIn(id, ns);
    /** The nodes of the pods that answered `n` curls from one zone's client. */
    const nodesFrom = async (zone: string, n: number) => {
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const r = await t.api<{ exitCode: number; stdout: string }>(
          'POST',
          `/api/pods/${ns}/client-zone-${zone}/exec`,
          JSON.stringify({ command: 'curl -s -m 2 web' }),
          'application/json',
        );
        seen.add(/on node (node-\d)/.exec(r.body.stdout)?.[1] ?? `exit ${r.body.exitCode}`);
      }
      return [...seen].sort();
    };
    const webPods = async () => (await t.readyPods('web-', ns)).map((p) => p.spec.nodeName);

    await t.apply(files.get('zones.yaml')!);
    await waitFor('3 web pods and 3 clients Ready', async () =>
      (await t.readyPods('', ns)).length === 6 ? true : undefined,
    );
    expect((await webPods()).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    // Without topology, zone-a's client reaches the other zones too (a miss is (1/3)^24).
    await waitFor('zone-a reaching another zone', async () =>
      (await nodesFrom('a', 24)).length > 1 ? true : undefined,
    );
    await passing(id, (r) => r.step === 1, ns);

    await t.apply(files.get('web-prefer-close.yaml')!);
    // Once the hints are in kube-proxy's rules, each zone's client stays in its zone.
    await waitFor('zone-a kept home', async () =>
      (await nodesFrom('a', 6)).join() === 'node-1' ? true : undefined,
    );
    expect(await nodesFrom('a', 12)).toEqual(['node-1']);
    expect(await nodesFrom('b', 12)).toEqual(['node-2']);
    expect(await nodesFrom('c', 12)).toEqual(['node-3']);
    await passing(id, (r) => r.step <= 2, ns);

    await t.apply(files.get('web-two-zones.yaml')!);
    await waitFor('web only in zone-a and zone-b', async () => {
      const nodes = await webPods();
      const all = await t.readyPods('', ns);
      return nodes.length === 3 && !nodes.includes('node-3') && all.length === 6 ? true : undefined;
    });
    // zone-c has no endpoint of its own: all three, in two zones (a miss is 2 * (1/3)^24 or so).
    await waitFor('zone-c using every endpoint', async () =>
      (await nodesFrom('c', 24)).join() === 'node-1,node-2' ? true : undefined,
    );
    expect(await nodesFrom('a', 12)).toEqual(['node-1']);
    await passing(id, (r) => r.step <= 3, ns);

    await t.apply(files.get('web-auto.yaml')!);
    const scaled = await t.api(
      'PATCH',
      `/apis/apps/v1/namespaces/${ns}/deployments/web/scale`,
      JSON.stringify({ spec: { replicas: 2 } }),
      'application/merge-patch+json',
    );
    expect(scaled.status).toBe(200);
    // Two endpoints for three zones: the controller gives up, and says so on the Service.
    const warning = await waitFor('the TopologyAwareHintsDisabled event', async () => {
      const { body } = await t.api<{ items: { reason: string; message: string }[] }>(
        'GET',
        `/api/v1/namespaces/${ns}/events`,
      );
      return body.items.find(
        (e) => e.reason === 'TopologyAwareHintsDisabled' && e.message.includes('2 endpoints'),
      );
    });
    expect(warning.message).toBe(
      'Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4',
    );
    await waitFor('zone-a using both endpoints', async () =>
      (await nodesFrom('a', 24)).length === 2 ? true : undefined,
    );
    // The earlier steps' objects changed since: the dashboard says they passed earlier.
    const results = await passing(id, (r) => r.step === 4, ns);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'web-ready'],
      [1, 'clients-ready'],
      [1, 'crossed'],
      [2, 'prefer-close'],
      [2, 'hinted'],
      [2, 'kept-in-zone'],
      [3, 'out-of-zone-c'],
      [3, 'fallback'],
      [4, 'auto'],
      [4, 'two-pods'],
      [4, 'no-hints'],
    ]);
    expect((await t.api('DELETE', `/api/v1/namespaces/${ns}`)).status).toBe(200);
  }, 120_000);

  it('14-kube-proxy: asked its mode and health from a pod, a scale programmed and counted, its pod deleted and put back', async () => {
    const ns = 'kp-lesson';
    const files = await lessonFilesIn('kube-proxy', ns);
    await t.apply(files.get('web.yaml')!);
    await t.apply(files.get('client.yaml')!);
    await passing('kube-proxy', (r) => r.step === 1, ns);
    const [client] = await t.readyPods('client-', ns);
    const exec = async (command: string) =>
      (
        await t.api<{ exitCode: number; stdout: string }>(
          'POST',
          `/api/pods/${ns}/${client!.metadata.name}/exec`,
          JSON.stringify({ command }),
          'application/json',
        )
      ).body;
    // Step 2 as written, at node-1's INTERNAL-IP (this lab's test range).
    const node1 = (await t.api<Node>('GET', '/api/v1/nodes/node-1')).body;
    const ip = node1.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    expect(await exec(`wget -q -O - ${ip}:10249/proxyMode`)).toMatchObject({
      exitCode: 0,
      stdout: 'iptables',
    });
    const healthz = await exec(`wget -q -O - ${ip}:10256/healthz`);
    expect(JSON.parse(healthz.stdout)).toMatchObject({ nodeEligible: true });
    await waitFor('web answers the client', async () =>
      (await exec('wget -q -O - web')).exitCode === 0 ? true : undefined,
    );
    await passing('kube-proxy', (r) => r.step <= 2, ns);
    // Step 3: the count of programmed changes goes up with the scale.
    const programmed = async () =>
      Number(
        /^kubeproxy_network_programming_duration_seconds_count (\d+)$/m.exec(
          (await exec(`wget -q -O - ${ip}:10249/metrics`)).stdout,
        )?.[1],
      );
    const before = await programmed();
    expect(before).toBeGreaterThan(0);
    await t.apply(files.get('web.yaml')!.replace('replicas: 2', 'replicas: 3'));
    const webPorts = () =>
      [...t.lab.proxier.state().endpoints].filter(([k]) => k.startsWith(`${ns}/web:`));
    expect(webPorts()).toHaveLength(1);
    await waitFor('the scale programmed', async () =>
      (await programmed()) > before &&
      webPorts().every(([, eps]) => eps.filter((e) => e.ready).length === 3)
        ? true
        : undefined,
    );
    const web = (await t.api<Service>('GET', `/api/objects/services/${ns}/web`)).body;
    await connect(web.spec.clusterIP!, 80, 15);
    await passing('kube-proxy', (r) => r.step <= 3, ns);
    // Step 4: node-1's kube-proxy pod deleted, put back by its DaemonSet; web answers throughout.
    const onNode1 = async () =>
      (await t.readyPods('kube-proxy-', 'kube-system')).find((p) => p.spec.nodeName === 'node-1');
    const gone = (await onNode1())!.metadata.name;
    expect((await t.api('DELETE', `/api/v1/namespaces/kube-system/pods/${gone}`)).status).toBe(200);
    await connect(web.spec.clusterIP!, 80, 5);
    await waitFor('a new kube-proxy pod on node-1', async () => {
      const p = await onNode1();
      return p && p.metadata.name !== gone ? true : undefined;
    });
    // The new pod answers at the node's address.
    await waitFor("the new pod's healthz", async () =>
      (await exec(`wget -q -O - ${ip}:10256/healthz`)).exitCode === 0 ? true : undefined,
    );
    const results = await passing('kube-proxy', () => true, ns);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'web-endpoints'],
      [1, 'client-ready'],
      [2, 'client-to-web'],
      [3, 'three-endpoints'],
      [3, 'three-pods'],
      [4, 'still-routed'],
    ]);
    expect((await t.api('DELETE', `/api/v1/namespaces/${ns}`)).status).toBe(200);
  }, 60_000);

  it('10-drain-with-budget: node-2 drained through the budget while connections succeed, then uncordoned', async () => {
    await applySolution('drain-with-budget');
    await readyPods('shop-', 3);
    await passing('drain-with-budget', (r) => r.step === 1);
    const node = (unschedulable: true | null) =>
      t.api(
        'PATCH',
        '/api/v1/nodes/node-2',
        JSON.stringify({ spec: { unschedulable } }),
        'application/merge-patch+json',
      );
    // kubectl drain node-2: cordon, then an eviction per pod, which the budget allows one at a time.
    expect((await node(true)).status).toBe(200);
    const onNode = (await t.readyPods('shop-')).filter((p) => p.spec.nodeName === 'node-2');
    const evict = (name: string) =>
      t.api<{ code: number; message?: string }>(
        'POST',
        `/api/v1/namespaces/default/pods/${name}/eviction`,
        JSON.stringify({
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace: 'default' },
        }),
        'application/json',
      );
    for (const p of onNode) {
      await waitFor(`${p.metadata.name} evicted`, async () =>
        (await evict(p.metadata.name)).status === 201 ? true : undefined,
      );
    }
    await waitFor('3 Ready shop pods off node-2', async () => {
      const ready = await t.readyPods('shop-');
      return ready.length === 3 && ready.every((p) => p.spec.nodeName !== 'node-2')
        ? true
        : undefined;
    });
    // kube-proxy has forgotten the evicted pods, and routes to their replacements.
    await inRotation('shop', 'shop-', 3);
    await connect((await service('shop')).spec.clusterIP!, 80, 30);
    await passing('drain-with-budget', (r) => r.step <= 2);
    // Step 3's `kubectl patch pdb shop-pdb ... minAvailable 3`: the budget allows nothing, and an
    // eviction is refused in Kubernetes' words.
    const pdb = '/apis/policy/v1/namespaces/default/poddisruptionbudgets/shop-pdb';
    const patched = await t.api(
      'PATCH',
      pdb,
      JSON.stringify({ spec: { minAvailable: 3 } }),
      'application/merge-patch+json',
    );
    expect(patched.status).toBe(200);
    const results = await passing('drain-with-budget', () => true);
    expect(results.map((r) => [r.step, r.id])).toEqual([
      [1, 'pods-ready'],
      [1, 'endpoints-ready'],
      [2, 'node-cordoned'],
      [2, 'served-during-drain'],
      [3, 'budget-full'],
    ]);
    const victim = (await t.readyPods('shop-'))[0]!.metadata.name;
    const refused = await evict(victim);
    expect([refused.status, refused.body.message]).toEqual([
      429,
      "Cannot evict pod as it would violate the pod's disruption budget.",
    ]);
    // Step 4: the nodes back.
    expect((await node(null)).status).toBe(200);
  }, 60_000);
});
