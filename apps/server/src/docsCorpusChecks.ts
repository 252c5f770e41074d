// What a corpus case expects after its file is applied, declared as data, and the checks that
// assert it against the lab (docsCorpus.integration.test.ts holds the table).
import { expect } from 'vitest';
import type { ApplyResponse } from '@l4lab/protocol';
import {
  applyText,
  dnsQuery,
  endpointsUsed,
  eventually,
  execIn,
  expectRefusal,
  getObject,
  httpGet,
  intoNamespace,
  isReady,
  kubectlLine,
  nodeIPs,
  podLog,
  readCorpusFile,
  readyPods,
  redisPing,
  type CorpusContext,
  type KubeObj,
} from './docsCorpusHarness.ts';

type OrFn<T> = T | ((c: CorpusContext) => T);

/** A Service in front of pods, answering real connections from exactly those pods. */
export interface ServiceAnswers {
  service: string;
  port: number;
  /** Which frontend: the ClusterIP (default), every node's nodePort, or the LB ingress IP. */
  via?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Label selector of the pods that must answer, and how many there are. */
  pods: string;
  count: number;
  /** What every answer's body says. */
  body?: RegExp;
  /** `http` (X-Pod-Name names the pod) or `redis` (PING; kube-proxy's events name the pod). */
  protocol?: 'http' | 'redis';
}

export interface Expectation {
  /** The API server's refusal: nothing of the file is applied. */
  refused?: { status: number; message: OrFn<string | RegExp> };
  /** kubectl's lines for the apply, in order (`deployment.apps/x created`). */
  applied?: string[];
  /** Objects (read through the Kubernetes API) that must come to match. */
  objects?: { kind: string; name: string; ns?: string; match: OrFn<object>; within?: number }[];
  /** Objects that must not exist (after `within` ms, default at once). */
  absent?: { kind: string; name: string; ns?: string; within?: number }[];
  /** `count` Ready pods of a label selector, each matching `match`. */
  pods?: { selector: string; count: number; match?: OrFn<object>; within?: number };
  /** A pod the scheduler leaves Pending, with its PodScheduled condition. */
  pending?: { pod: string; reason: string; message: string };
  /** A pod nobody schedules: after `forMs`, no node and no PodScheduled condition. */
  unscheduled?: { pod: string; forMs: number };
  phase?: { pod: string; phase: string; within?: number };
  /** The container restarted (`atLeast` times) within `within` ms of the apply. */
  restarts?: { pod: string; atLeast: number; within: number; lastState?: object };
  /** The pod turns Ready no sooner than `notBeforeMs` after the apply, and by `within`. */
  readyAfter?: { pod: string; notBeforeMs: number; within: number };
  logs?: { pod: string; match: OrFn<RegExp>; within?: number };
  /** A command run in a pod (by name, or the first Ready pod of a label selector `k=v`). */
  exec?: { pod: string; command: string; stdout: OrFn<RegExp>; exitCode?: number };
  /** Cluster DNS answers (`{ns}` in the name is the case's namespace). */
  dns?: { name: string; type: 'A' | 'CNAME'; answer: (c: CorpusContext) => Promise<string[]> };
  answers?: ServiceAnswers[];
  /** A Service without ready endpoints: each port's connections are refused at once. */
  refuses?: { service: string; ports: number[] };
  /** Anything a table row cannot say (a deletion, a traffic policy). */
  check?: (c: CorpusContext) => Promise<void>;
}

export interface Step {
  file: string;
  expect: Expectation;
  /** Apply into `<case namespace>-<suffix>` instead (the same file in a second namespace). */
  namespaceSuffix?: string;
  /** The file names its namespaces itself: applied as it is. */
  fixedNamespace?: boolean;
}

const val = <T>(v: OrFn<T>, c: CorpusContext): T =>
  typeof v === 'function' ? (v as (c: CorpusContext) => T)(c) : v;

/** Applies one step's file (in the case's namespace) and asserts its expectation. */
export async function runStep(base: CorpusContext, step: Step): Promise<void> {
  const c = step.namespaceSuffix ? { ...base, ns: `${base.ns}-${step.namespaceSuffix}` } : base;
  const text = await readCorpusFile(step.file);
  if (!step.fixedNamespace) await ensureNamespace(c);
  const appliedAt = Date.now();
  const answer = await applyText(c.t, step.fixedNamespace ? text : intoNamespace(text, c.ns));
  const e = step.expect;
  if (e.refused) {
    expectRefusal(answer, e.refused.status, val(e.refused.message, c));
    return checkObjects(c, e);
  }
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const lines = (answer.body as ApplyResponse).results.map(kubectlLine);
  if (e.applied) expect(lines).toEqual(e.applied);
  await checkObjects(c, e);
  await checkPods(c, e, appliedAt);
  await checkOutputs(c, e);
  for (const a of e.answers ?? []) await checkAnswers(c, a);
  if (e.refuses) await checkRefuses(c, e.refuses.service, e.refuses.ports);
  if (e.check) await e.check(c);
}

async function ensureNamespace(c: CorpusContext): Promise<void> {
  if (c.ns === 'default') return;
  const r = await applyText(c.t, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${c.ns}\n`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function checkObjects(c: CorpusContext, e: Expectation): Promise<void> {
  for (const o of e.objects ?? []) {
    await eventually(o.within ?? 10_000, async () => {
      const got = await getObject(c, o.kind, o.name, o.ns ?? c.ns);
      expect(got, `${o.kind} ${o.name}`).toMatchObject(val(o.match, c));
    });
  }
  for (const o of e.absent ?? []) {
    await eventually(o.within ?? 0, async () => {
      expect(await getObject(c, o.kind, o.name, o.ns ?? c.ns), `${o.kind} ${o.name}`).toBe(
        undefined,
      );
    });
  }
}

async function podNamed(c: CorpusContext, name: string): Promise<KubeObj> {
  const p = await getObject(c, 'Pod', name);
  expect(p, `pod ${name}`).toBeDefined();
  return p!;
}

async function checkPods(c: CorpusContext, e: Expectation, appliedAt: number): Promise<void> {
  if (e.pods) {
    const want = e.pods;
    await eventually(want.within ?? 15_000, async () => {
      const ready = await readyPods(c, want.selector);
      expect(ready.map((p) => p.metadata.name)).toHaveLength(want.count);
      if (want.match) for (const p of ready) expect(p).toMatchObject(val(want.match, c));
    });
  }
  if (e.pending) await checkPending(c, e.pending);
  if (e.unscheduled) {
    await new Promise((r) => setTimeout(r, e.unscheduled!.forMs));
    const p = await podNamed(c, e.unscheduled.pod);
    expect(p.spec?.nodeName).toBeUndefined();
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.conditions?.find((x) => x.type === 'PodScheduled')).toBeUndefined();
  }
  if (e.phase) {
    const want = e.phase;
    await eventually(want.within ?? 15_000, async () =>
      expect((await podNamed(c, want.pod)).status?.phase).toBe(want.phase),
    );
  }
  if (e.restarts) await checkRestarts(c, e.restarts, appliedAt);
  if (e.readyAfter) await checkReadyAfter(c, e.readyAfter, appliedAt);
}

async function checkPending(c: CorpusContext, want: NonNullable<Expectation['pending']>) {
  await eventually(10_000, async () => {
    const p = await podNamed(c, want.pod);
    expect(p.status?.conditions ?? []).toContainEqual(
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: want.reason,
        message: want.message,
      }),
    );
    expect(p.spec?.nodeName).toBeUndefined();
    expect(p.status?.phase).toBe('Pending');
  });
}

async function checkRestarts(
  c: CorpusContext,
  want: NonNullable<Expectation['restarts']>,
  appliedAt: number,
) {
  await eventually(want.within - (Date.now() - appliedAt), async () => {
    const p = await podNamed(c, want.pod);
    const cs = (p.status?.containerStatuses ?? []) as {
      restartCount: number;
      lastState?: object;
    }[];
    expect(cs[0]?.restartCount ?? 0).toBeGreaterThanOrEqual(want.atLeast);
    if (want.lastState) expect(cs[0]?.lastState).toMatchObject(want.lastState);
  });
}

async function checkReadyAfter(
  c: CorpusContext,
  want: NonNullable<Expectation['readyAfter']>,
  appliedAt: number,
) {
  // Not Ready before the probe's first run; Ready after it.
  for (;;) {
    const p = await podNamed(c, want.pod);
    const elapsed = Date.now() - appliedAt;
    if (isReady(p)) {
      expect(elapsed, 'Ready before the first readiness probe').toBeGreaterThanOrEqual(
        want.notBeforeMs,
      );
      return;
    }
    expect(elapsed, 'never Ready').toBeLessThan(want.within);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function checkOutputs(c: CorpusContext, e: Expectation): Promise<void> {
  if (e.logs) {
    const want = e.logs;
    await eventually(want.within ?? 10_000, async () =>
      expect(await podLog(c, want.pod)).toMatch(val(want.match, c)),
    );
  }
  if (e.exec) {
    const want = e.exec;
    await eventually(10_000, async () => {
      const pod = want.pod.includes('=')
        ? (await readyPods(c, want.pod))[0]?.metadata.name
        : want.pod;
      expect(pod, `a ready pod ${want.pod}`).toBeDefined();
      const r = await execIn(c, pod!, want.command);
      expect(r.stdout, r.stderr).toMatch(val(want.stdout, c));
      expect(r.exitCode).toBe(want.exitCode ?? 0);
    });
  }
  if (e.dns) {
    const want = e.dns;
    const name = want.name.replaceAll('{ns}', c.ns);
    await eventually(10_000, async () =>
      expect((await dnsQuery(c, name, want.type)).sort()).toEqual((await want.answer(c)).sort()),
    );
  }
}

/** Where a Service's port is reached from outside: `[ip, port]` per frontend. */
async function frontends(c: CorpusContext, a: ServiceAnswers): Promise<[string, number][]> {
  return eventually(10_000, async () => {
    const svc = await getObject(c, 'Service', a.service);
    const ports = (svc?.spec?.ports ?? []) as { port: number; nodePort?: number }[];
    const sp = ports.find((p) => p.port === a.port);
    expect(sp, `port ${a.port} of Service ${a.service}`).toBeDefined();
    if (a.via === 'NodePort') {
      expect(sp!.nodePort).toBeDefined();
      return [...(await nodeIPs(c)).values()].map((ip): [string, number] => [ip, sp!.nodePort!]);
    }
    if (a.via === 'LoadBalancer') {
      const lb = svc!.status?.loadBalancer as { ingress?: { ip: string }[] } | undefined;
      expect(lb?.ingress?.[0]?.ip, `Service ${a.service} has no LB ingress`).toBeDefined();
      return [[lb!.ingress![0]!.ip, a.port]];
    }
    return [[svc!.spec!.clusterIP as string, a.port]];
  });
}

/**
 * Real connections to each frontend until every selected pod has answered, each answer from one
 * of them (kube-proxy programs new endpoints at its next sync, so rounds repeat until then).
 */
async function checkAnswers(c: CorpusContext, a: ServiceAnswers): Promise<void> {
  const want = await eventually(15_000, async () => {
    const names = (await readyPods(c, a.pods)).map((p) => p.metadata.name).sort();
    expect(names, `ready pods ${a.pods}`).toHaveLength(a.count);
    return names;
  });
  for (const [ip, port] of await frontends(c, a)) {
    const target = c.t.target(ip, port);
    const seen = new Set<string>();
    await eventually(15_000, async () => {
      for (let i = 0; i < 12 * a.count; i++) {
        if (a.protocol === 'redis') {
          expect(await redisPing(target.host, target.port)).toBe('+PONG\r\n');
        } else {
          const got = await httpGet(target.host, target.port);
          expect(want, `${ip}:${port} answered by ${got.pod}`).toContain(got.pod);
          if (a.body) expect(got.body).toMatch(a.body);
          seen.add(got.pod);
        }
      }
      if (a.protocol === 'redis') for (const p of await endpointsUsed(c, a.service)) seen.add(p);
      expect([...seen].sort(), `pods that answered on ${ip}:${port}`).toEqual(want);
    });
  }
}

async function checkRefuses(c: CorpusContext, service: string, ports: number[]): Promise<void> {
  const svc = await getObject(c, 'Service', service);
  for (const port of ports) {
    const target = c.t.target(svc!.spec!.clusterIP as string, port);
    await eventually(10_000, async () => {
      const code = await httpGet(target.host, target.port).then(
        () => 'answered',
        (err: NodeJS.ErrnoException) => err.code,
      );
      expect(code, `${service}:${port}`).toBe('ECONNRESET');
    });
  }
}
