// Checks over connection events: which connections (Service, pod, outcome, frontend, client, mode,
// reason, time), then what must hold of them (how many, each pod, distinct pods, an even spread,
// one pod per client).
import type { ConnectionEvent, ConnectionOutcome, FrontendKind } from '@l4lab/protocol';
import { countResult, hasBounds, inBounds } from './bounds.ts';
import type { EvaluationContext } from './evaluationContext.ts';
import { serviceEndpoints } from './evaluateObjects.ts';
import type { CheckResult, ConnectionsCheck } from './types.ts';

/** The connections a check selects: each connection once (its latest event), filters applied. */
export function selectConnections(c: ConnectionsCheck, ctx: EvaluationContext): ConnectionEvent[] {
  const latest = new Map<string, ConnectionEvent>();
  for (const e of ctx.events) latest.set(e.id, e);
  const ns = c.namespace ?? ctx.namespace;
  const since = Math.max(
    c.within === undefined ? -Infinity : ctx.now - c.within * 1000,
    c.since === 'step' && ctx.stepStartedAt !== undefined ? ctx.stepStartedAt : -Infinity,
  );
  return [...latest.values()].filter(
    (e) =>
      e.service.namespace === ns &&
      (c.service === undefined || e.service.name === c.service) &&
      (c.pod === undefined || podMatches(e, c.pod)) &&
      (c.outcome === undefined || c.outcome.includes(e.outcome)) &&
      (c.frontend === undefined || c.frontend.includes(e.frontend.kind)) &&
      (c.mode === undefined || e.mode === c.mode) &&
      (c.reason === undefined || e.reason.includes(c.reason)) &&
      clientMatches(e, c.from ?? 'any', ctx) &&
      e.startedAt >= since,
  );
}

function podMatches(e: ConnectionEvent, pod: string): boolean {
  const name = e.endpoint?.pod;
  if (name === undefined) return false;
  return pod.endsWith('*') ? name.startsWith(pod.slice(0, -1)) : name === pod;
}

function clientMatches(
  e: ConnectionEvent,
  from: NonNullable<ConnectionsCheck['from']>,
  ctx: EvaluationContext,
): boolean {
  if (from === 'pod') return e.client.pod?.startsWith(`${ctx.namespace}/`) ?? false;
  if (from === 'outside') return !e.client.pod && !isThisMachine(e.client.ip, ctx.localAddresses);
  return true;
}

/** Loopback (every lab address is one), unspecified, or one of this machine's own addresses. */
export function isThisMachine(ip: string, localAddresses: readonly string[] = []): boolean {
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return (
    v4.startsWith('127.') ||
    v4 === '0.0.0.0' ||
    ip === '::1' ||
    ip === '::' ||
    localAddresses.includes(ip) ||
    localAddresses.includes(v4)
  );
}

const OUTCOME_WORDS: Record<ConnectionOutcome, string> = {
  open: 'open',
  ok: 'completed',
  refused: 'refused',
  dropped: 'dropped',
  reset: 'reset',
  timeout: 'timed-out',
};

function article(kind: FrontendKind): string {
  return kind === 'ExternalIP' ? `an ${kind}` : `a ${kind}`;
}

/** "completed connections to Service my-nginx through a NodePort from outside this machine". */
export function describeConnections(
  c: ConnectionsCheck,
  ctx: EvaluationContext,
  count?: number,
): string {
  const outcome = c.outcome ? `${c.outcome.map((o) => OUTCOME_WORDS[o]).join(' or ')} ` : '';
  const ns = c.namespace && c.namespace !== ctx.namespace ? ` in namespace ${c.namespace}` : '';
  const parts = [
    `${count === undefined ? '' : `${count} `}${outcome}${count === 1 ? 'connection' : 'connections'}`,
    c.service ? `to Service ${c.service}${ns}` : ns.trim(),
    c.pod ? `reaching pod ${c.pod}` : '',
    c.frontend ? `through ${c.frontend.map(article).join(' or ')}` : '',
    c.from === 'outside' ? 'from outside this machine' : '',
    c.from === 'pod' ? `from a pod of namespace ${ctx.namespace}` : '',
    c.mode ? `routed by ${c.mode}` : '',
    c.reason ? `whose reason says "${c.reason}"` : '',
    c.within !== undefined ? `in the last ${c.within} s` : '',
    c.since === 'step' ? 'since this step began' : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export function evaluateConnections(c: ConnectionsCheck, ctx: EvaluationContext): CheckResult {
  const selected = selectConnections(c, ctx);
  const what = describeConnections(c, ctx);
  const onlyCounted =
    c.eachPod === undefined &&
    c.pods === undefined &&
    c.balanced === undefined &&
    c.onePodPerClient === undefined;
  if (selected.length === 0) {
    // "no connection was dropped" is a count of zero; anything else needs connections to judge.
    const passed = onlyCounted && inBounds(0, c);
    return { passed, detail: passed ? `no ${what}` : `no ${what} yet` };
  }
  const results: CheckResult[] = [];
  if (hasBounds(c)) {
    results.push(countResult(selected.length, c, describeConnections(c, ctx, selected.length)));
  }
  const perPod = countByPod(selected);
  const endpoints = () =>
    serviceEndpoints(ctx, c.service ?? '', c.namespace ?? ctx.namespace).readyPods;
  if (c.eachPod !== undefined) results.push(eachPod(perPod, endpoints(), c, selected.length));
  if (c.pods !== undefined) {
    const fact = `the connections reached ${perPod.size} ${perPod.size === 1 ? 'pod' : 'pods'}`;
    results.push(countResult(perPod.size, c.pods, fact));
  }
  if (c.balanced !== undefined) results.push(balanced(perPod, endpoints(), c));
  if (c.onePodPerClient !== undefined) results.push(onePodPerClient(selected, c.onePodPerClient));
  const failed = results.find((r) => !r.passed);
  return failed ?? { passed: true, detail: results.map((r) => r.detail).join('; ') };
}

/** Connections per endpoint pod (those that reached one). */
function countByPod(events: readonly ConnectionEvent[]): Map<string, number> {
  const perPod = new Map<string, number>();
  for (const e of events) {
    if (e.endpoint) perPod.set(e.endpoint.pod, (perPod.get(e.endpoint.pod) ?? 0) + 1);
  }
  return perPod;
}

function noEndpoints(c: ConnectionsCheck): CheckResult {
  return { passed: false, detail: `Service ${c.service} has no ready endpoints` };
}

function eachPod(
  perPod: ReadonlyMap<string, number>,
  pods: ReadonlySet<string>,
  c: ConnectionsCheck,
  total: number,
): CheckResult {
  if (pods.size === 0) return noEndpoints(c);
  const least = c.eachPod!;
  const counts = [...pods].map((pod) => ({ pod, n: perPod.get(pod) ?? 0 }));
  const short = counts.find(({ n }) => n < least);
  if (short) {
    return {
      passed: false,
      detail: `pod ${short.pod} got ${short.n} of ${total} connections, want at least ${least} for each pod`,
    };
  }
  const list = counts.map(({ n }) => n).join(', ');
  return {
    passed: true,
    detail: `each of the ${pods.size} pods got at least ${least} connections (${list})`,
  };
}

function balanced(
  perPod: ReadonlyMap<string, number>,
  pods: ReadonlySet<string>,
  c: ConnectionsCheck,
): CheckResult {
  if (pods.size === 0) return noEndpoints(c);
  const tolerance = c.balanced!;
  const counts = [...pods].map((pod) => ({ pod, n: perPod.get(pod) ?? 0 }));
  const total = counts.reduce((sum, { n }) => sum + n, 0);
  const share = total / counts.length;
  const percent = `${Math.round(tolerance * 100)}%`;
  // The pod farthest from an even share speaks for the spread.
  const worst = counts.reduce((a, b) => (Math.abs(b.n - share) > Math.abs(a.n - share) ? b : a));
  if (total === 0 || Math.abs(worst.n - share) > tolerance * share) {
    return {
      passed: false,
      detail: `pod ${worst.pod} got ${worst.n} of ${total} connections, an even share is ${round(share)} ± ${percent}`,
    };
  }
  const list = counts.map(({ n }) => n).join(', ');
  return {
    passed: true,
    detail: `${total} connections spread evenly over ${counts.length} pods (${list}), within ${percent} of ${round(share)}`,
  };
}

function round(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** true: every client IP's connections reached one pod (ClientIP affinity); false: some client's did not. */
function onePodPerClient(events: readonly ConnectionEvent[], wanted: boolean): CheckResult {
  const byClient = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (!e.endpoint) continue;
    const pods = byClient.get(e.client.ip) ?? new Map<string, number>();
    pods.set(e.endpoint.pod, (pods.get(e.endpoint.pod) ?? 0) + 1);
    byClient.set(e.client.ip, pods);
  }
  if (byClient.size === 0) return { passed: false, detail: 'no connection reached a pod yet' };
  const spread = [...byClient].find(([, pods]) => pods.size > 1);
  if (!spread) {
    const fact =
      byClient.size === 1
        ? 'the only client stayed on one pod'
        : `each of the ${byClient.size} clients stayed on one pod`;
    return wanted
      ? { passed: true, detail: fact }
      : { passed: false, detail: `${fact}, want one that reached two or more` };
  }
  const [ip, pods] = spread;
  const list = [...pods].map(([pod, n]) => `${pod} ${n}`).join(', ');
  const fact = `client ${ip} reached ${pods.size} pods (${list})`;
  return { passed: !wanted, detail: wanted ? `${fact}, want one pod per client` : fact };
}
