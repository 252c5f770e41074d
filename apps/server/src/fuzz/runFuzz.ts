// Runs fuzz cases one after another against a running lab (POST /api/apply and /ws) and checks each
// answer (checks.ts). Objects an accepted apply created are deleted at once, so a long run keeps
// the lab small and starts no more than a pod or two at a time.
import { CLUSTER_SCOPED, RESOURCES, parseClientMessage, type KubeKind } from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import {
  type FuzzCase,
  type HttpCase,
  type Seeds,
  type WsCase,
  WS_MAX_PAYLOAD,
  fuzzCase,
} from './cases.ts';
import {
  ApplyWrites,
  type CreatedObject,
  PrototypeGuard,
  applyAnswerProblems,
  createdObjects,
  excerpt,
} from './checks.ts';
import { FuzzSocket } from './fuzzSocket.ts';

export interface FuzzTarget {
  url: string;
  cluster: Cluster;
}

export interface FuzzOptions {
  seed: number;
  /** Cases `first` .. `first + count - 1`. */
  count: number;
  first?: number;
  seeds: Seeds;
  /** Answers slower than this fail their case (a measurement: `npm run fuzz`); unset, not judged. */
  maxAnswerMs?: number;
  /** Called every `progressEvery` cases. */
  onProgress?: (done: number, report: FuzzReport) => void;
  progressEvery?: number;
  /** Called before each case is sent (what a crash report names). */
  onCase?: (c: FuzzCase) => void;
  /** Called with each case's answer (`--verbose`). */
  onAnswer?: (c: FuzzCase, answer: string, ms: number, problems: string[]) => void;
}

export interface FuzzFailure {
  index: number;
  channel: 'http' | 'ws';
  label: string;
  problems: string[];
}

export interface FuzzReport {
  seed: number;
  cases: number;
  http: number;
  ws: number;
  /** Answers by kind: `http 422`, `ws 200`, `ws pong`, `ws closed 1009`. */
  answers: Record<string, number>;
  labels: Record<string, number>;
  /** Time spent per label (answer and clean-up), to see where a run's time goes. */
  msByLabel: Record<string, number>;
  failed: number;
  /** The first failures, with what was wrong. */
  failures: FuzzFailure[];
  slowest: { index: number; label: string; ms: number };
  created: number;
  /** The warm-up apply before the cases: the lab's first apply (its checker may be starting). */
  firstApplyMs: number;
  /** Objects without an owner in the store at the end that were not there at the start. */
  leftovers: string[];
  elapsedMs: number;
}

interface Outcome {
  answer: string;
  ms: number;
  problems: string[];
  created: CreatedObject[];
}

/** Failures kept with their details (all are counted). */
const KEEP_FAILURES = 500;
/** How long to wait for an answer that is already late, to tell "slow" from "never". */
const GIVE_UP_MS = 15_000;
const HEALTH_EVERY = 250;

function emptyReport(seed: number): FuzzReport {
  return {
    seed,
    cases: 0,
    http: 0,
    ws: 0,
    answers: {},
    labels: {},
    msByLabel: {},
    failed: 0,
    failures: [],
    slowest: { index: -1, label: '', ms: 0 },
    created: 0,
    firstApplyMs: 0,
    leftovers: [],
    elapsedMs: 0,
  };
}

/** What a run carries from case to case: the store's watcher and the WebSocket (reopened when closed). */
interface RunState {
  target: FuzzTarget;
  writes: ApplyWrites;
  prototypes: PrototypeGuard;
  socket: FuzzSocket | undefined;
}

export async function runFuzz(target: FuzzTarget, o: FuzzOptions): Promise<FuzzReport> {
  const report = emptyReport(o.seed);
  report.firstApplyMs = await warmUp(target.url);
  const started = performance.now();
  const state: RunState = {
    target,
    writes: new ApplyWrites(target.cluster),
    prototypes: new PrototypeGuard(),
    socket: undefined,
  };
  const before = new Set(appliedKeys(target.cluster));
  const first = o.first ?? 0;
  try {
    for (let i = first; i < first + o.count; i++) {
      const caseStarted = performance.now();
      const c = generate(o, i);
      const polluted = state.prototypes.changes();
      if (polluted.length > 0)
        throw new Error(
          `generating fuzz case ${i} of seed ${o.seed} changed ${polluted.join(', ')}`,
        );
      o.onCase?.(c);
      const health = (i - first + 1) % HEALTH_EVERY === 0 || i === first + o.count - 1;
      const out = await runCase(state, c, health).catch((err: unknown) => {
        throw new Error(`fuzz case ${i} of seed ${o.seed} (${c.label}): ${String(err)}`, {
          cause: err,
        });
      });
      if (o.maxAnswerMs !== undefined && out.ms > o.maxAnswerMs)
        out.problems.push(`answered in ${Math.round(out.ms)} ms (over ${o.maxAnswerMs} ms)`);
      record(report, c, out, performance.now() - caseStarted);
      o.onAnswer?.(c, out.answer, out.ms, out.problems);
      if (o.onProgress && (i - first + 1) % (o.progressEvery ?? 1000) === 0)
        o.onProgress(i - first + 1, report);
    }
    report.leftovers = appliedKeys(target.cluster).filter((k) => !before.has(k));
  } finally {
    state.socket?.close();
    state.writes.stop();
    report.elapsedMs = performance.now() - started;
  }
  return report;
}

/** Sends one case, checks its answer (and the lab's health when asked), deletes what it created. */
async function runCase(state: RunState, c: FuzzCase, health: boolean): Promise<Outcome> {
  const { target, writes } = state;
  let out: Outcome;
  if (c.channel === 'http') out = await httpCase(target.url, c, writes);
  else {
    if (!state.socket || state.socket.closed) state.socket = await FuzzSocket.open(target.url);
    out = await wsCase(state.socket, c, writes);
  }
  if (health) out.problems.push(...(await healthProblems(target.url)));
  const polluted = state.prototypes.changes();
  if (polluted.length > 0) out.problems.push(`prototype pollution: changed ${polluted.join(', ')}`);
  await deleteObjects(target.url, out.created);
  return out;
}

/**
 * One refused apply before the cases, timed apart: a lab's first apply may wait for its manifest
 * checker to start, which says nothing about the manifest (the time is reported, not judged).
 */
async function warmUp(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/api/apply`, {
    method: 'POST',
    body: 'kind: Namespace\n',
    headers: { 'Content-Type': 'application/yaml' },
    signal: AbortSignal.timeout(GIVE_UP_MS),
  });
  await res.text();
  return performance.now() - started;
}

/** `Kind/namespace/name` of every object that only an apply makes (no owner). */
function appliedKeys(cluster: Cluster): string[] {
  return cluster.store
    .all()
    .filter((o) => (o.metadata.ownerReferences ?? []).length === 0)
    .map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
}

/** Case `i`; a generator that throws names the case, so `--seed S --only i` shows it again. */
function generate(o: FuzzOptions, i: number): FuzzCase {
  try {
    return fuzzCase(o.seed, i, o.seeds);
  } catch (err) {
    throw new Error(`generating fuzz case ${i} of seed ${o.seed}: ${String(err)}`, { cause: err });
  }
}

function record(report: FuzzReport, c: FuzzCase, out: Outcome, caseMs: number): void {
  report.cases++;
  report.msByLabel[c.label] = (report.msByLabel[c.label] ?? 0) + caseMs;
  report[c.channel]++;
  report.answers[out.answer] = (report.answers[out.answer] ?? 0) + 1;
  report.labels[c.label] = (report.labels[c.label] ?? 0) + 1;
  report.created += out.created.length;
  if (out.ms > report.slowest.ms) report.slowest = { index: c.index, label: c.label, ms: out.ms };
  if (out.problems.length === 0) return;
  report.failed++;
  if (report.failures.length < KEEP_FAILURES)
    report.failures.push({
      index: c.index,
      channel: c.channel,
      label: c.label,
      problems: out.problems,
    });
}

async function httpCase(url: string, c: HttpCase, writes: ApplyWrites): Promise<Outcome> {
  writes.take();
  const started = performance.now();
  // A string body would be sent as text/plain by fetch: bytes carry exactly the header chosen.
  const body = typeof c.body === 'string' ? new TextEncoder().encode(c.body) : c.body;
  let status: number;
  let text: string;
  try {
    const res = await fetch(`${url}/api/apply`, {
      method: 'POST',
      body,
      headers: {
        ...(c.contentType ? { 'Content-Type': c.contentType } : {}),
        ...(c.contentEncoding ? { 'Content-Encoding': c.contentEncoding } : {}),
      },
      signal: AbortSignal.timeout(GIVE_UP_MS),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const ms = performance.now() - started;
    return { answer: 'http failed', ms, problems: [`request failed: ${String(err)}`], created: [] };
  }
  const ms = performance.now() - started;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const problems =
    json === undefined
      ? [`answered ${status} with a body that is not JSON: ${excerpt(text)}`]
      : applyAnswerProblems(status, json);
  const n = writes.take();
  if (status !== 200 && n > 0) problems.push(`partial apply: a refused apply wrote ${n} object(s)`);
  return {
    answer: `http ${status}`,
    ms,
    problems,
    created: status === 200 ? createdObjects(json) : [],
  };
}

/** Whether the server answers this frame with an `apply_result` (it reads it as an apply). */
function isApply(frame: string | Uint8Array): boolean {
  if (typeof frame !== 'string' || Buffer.byteLength(frame) > WS_MAX_PAYLOAD) return false;
  return parseClientMessage(frame)?.type === 'apply';
}

async function wsCase(socket: FuzzSocket, c: WsCase, writes: ApplyWrites): Promise<Outcome> {
  writes.take();
  const oversize =
    (typeof c.frame === 'string' ? Buffer.byteLength(c.frame) : c.frame.length) > WS_MAX_PAYLOAD;
  socket.send(c.frame);
  if (isApply(c.frame)) {
    const w = await socket.nextApplyResult(GIVE_UP_MS);
    const n = writes.take();
    if (!w.ok)
      return {
        answer: 'ws no answer',
        ms: w.ms,
        problems: [`apply not answered: ${w.why}`],
        created: [],
      };
    const status = Number(w.value.status);
    const problems = applyAnswerProblems(status, w.value);
    if (status !== 200 && n > 0)
      problems.push(`partial apply: a refused apply wrote ${n} object(s)`);
    return {
      answer: `ws ${status}`,
      ms: w.ms,
      problems,
      created: status === 200 ? createdObjects(w.value) : [],
    };
  }
  const w = await socket.ping(GIVE_UP_MS);
  const problems: string[] = [];
  const n = writes.take();
  if (n > 0) problems.push(`a frame that is not an apply wrote ${n} object(s)`);
  if (w.ok) {
    return { answer: 'ws pong', ms: w.ms, problems, created: [] };
  }
  const closed = socket.closed;
  // A frame over the limit closes the socket with 1009 (message too big): that is the answer.
  if (oversize && closed?.code === 1009)
    return { answer: 'ws closed 1009', ms: w.ms, problems, created: [] };
  problems.push(`no pong after the frame: ${w.why}`);
  return {
    answer: closed ? `ws closed ${closed.code}` : 'ws no answer',
    ms: w.ms,
    problems,
    created: [],
  };
}

async function healthProblems(url: string): Promise<string[]> {
  try {
    const res = await fetch(`${url}/api/healthz`, { signal: AbortSignal.timeout(GIVE_UP_MS) });
    await res.text();
    if (res.status !== 200) return [`GET /api/healthz answered ${res.status}`];
    return [];
  } catch (err) {
    return [`GET /api/healthz failed: ${String(err)}`];
  }
}

const PLURAL = new Map<string, string>(
  Object.entries(RESOURCES).map(([plural, kind]) => [kind, plural]),
);

/** Namespaced objects first, then Namespaces (which would take their objects with them). */
async function deleteObjects(url: string, objects: CreatedObject[]): Promise<void> {
  const ordered = [...objects].sort(
    (a, b) =>
      Number(CLUSTER_SCOPED.has(a.kind as KubeKind)) -
      Number(CLUSTER_SCOPED.has(b.kind as KubeKind)),
  );
  for (const obj of ordered) {
    const plural = PLURAL.get(obj.kind);
    if (!plural) continue;
    const path = [plural, ...(obj.namespace ? [obj.namespace] : []), obj.name]
      .map(encodeURIComponent)
      .join('/');
    const res = await fetch(`${url}/api/objects/${path}`, { method: 'DELETE' });
    await res.text();
  }
}
