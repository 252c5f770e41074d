// conntrack events + the rules in force -> ConnectionEvents, worded as the userspace proxier
// words the same decision. Addresses as in testRules.ts; endpoints serve on :8080.
import type { ConnectionEvent } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { ConntrackJoiner, type JoinOptions, type RulesSnapshot } from './join.ts';
import { payloadBytes } from './outcome.ts';
import { parseConntrackLine } from './parse.ts';
import { SAMPLES } from './testSamples.ts';
import {
  ctDestroy,
  ctNew,
  makeEndpoint,
  makeRules,
  makeService,
  type FlowSpec,
} from './testRules.ts';
import type { TraceVerdict } from './trace.ts';

const A = makeEndpoint('127.244.1.11', 8080, 'node-1', 'web-a');
const B = makeEndpoint('127.244.2.12', 8080, 'node-2', 'web-b');
const C = makeEndpoint('127.244.2.13', 8080, 'node-2', 'web-c');
const PODS: [string, string, string][] = [
  ['127.244.1.50', 'client-1', 'node-1'],
  ['127.244.2.50', 'client-2', 'node-2'],
  ['127.244.1.11', 'web-a', 'node-1'],
];

function joiner(opts: Partial<JoinOptions> = {}) {
  const events: ConnectionEvent[] = [];
  const j = new ConntrackJoiner({ emit: (e) => events.push(e), ...opts });
  return { j, events };
}

const web = (over = {}) => makeService('web', over);
const clusterIP = (rest: Partial<FlowSpec> = {}): FlowSpec => ({
  id: 7,
  at: 1_000_000,
  client: ['127.244.1.50', 40000],
  frontend: ['127.96.0.10', 80],
  endpoint: ['127.244.2.12', 8080],
  ...rest,
});

describe('ConntrackJoiner: a connection through a ClusterIP', () => {
  const rules = makeRules([{ svc: web(), endpoints: [C, B, A] }], PODS);

  it('opens with the endpoint the kernel chose, as "random i of n" over the sorted endpoints', () => {
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), rules);
    expect(events).toEqual([
      {
        id: `${(1_000_000).toString(36)}-c7`,
        startedAt: 1_000_000,
        endedAt: undefined,
        protocol: 'TCP',
        client: { ip: '127.244.1.50', port: 40000, pod: 'default/client-1', snatIP: undefined },
        frontend: { kind: 'ClusterIP', ip: '127.96.0.10', port: 80, node: undefined },
        service: { namespace: 'default', name: 'web', port: 'http' },
        endpoint: {
          pod: 'web-b',
          namespace: 'default',
          ip: '127.244.2.12',
          port: 8080,
          node: 'node-2',
        },
        mode: 'nftables',
        reason: 'random 2 of 3',
        bytesIn: 0,
        bytesOut: 0,
        durationMs: undefined,
        outcome: 'open',
      },
    ]);
    expect(j.openCount).toBe(1);
  });

  it('ends at its DESTROY: same id, payload bytes, the close time before TIME_WAIT', () => {
    const { j, events } = joiner({ lingerMs: { TIME_WAIT: 1000 } });
    j.conntrack(ctNew(clusterIP()), rules);
    j.conntrack(ctDestroy(clusterIP({ at: 1_003_500 })), rules);
    const [open, end] = events;
    expect(end).toMatchObject({
      id: open!.id,
      outcome: 'ok',
      startedAt: 1_000_000,
      endedAt: 1_002_500,
      durationMs: 2500,
      bytesIn: 5,
      bytesOut: 6,
      reason: 'random 2 of 3',
      endpoint: open!.endpoint,
    });
    expect(j.openCount).toBe(0);
  });

  it('ends a killed entry (its timeout still in the line) at the DESTROY itself', () => {
    const { j, events } = joiner({ lingerMs: { TIME_WAIT: 1000 } });
    j.conntrack(ctNew(clusterIP()), rules);
    j.conntrack(ctDestroy(clusterIP({ at: 1_000_300 }), { timeout: 120 }), rules);
    expect(events[1]).toMatchObject({ endedAt: 1_000_300 });
  });

  it('never ends before it started, whatever the linger', () => {
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), rules);
    j.conntrack(ctDestroy(clusterIP({ at: 1_000_050 })), rules); // kernel default TIME_WAIT: 120 s
    expect(events[1]).toMatchObject({ endedAt: 1_000_000, durationMs: 0 });
  });

  it('says so when the endpoint refused (an RST to the SYN), as the userspace proxier does', () => {
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), rules);
    const rst = ctDestroy(clusterIP(), {
      state: 'CLOSE',
      timeout: 120,
      assured: false,
      unreplied: true,
      orig: { packets: 1, bytes: 60 },
      reply: { packets: 1, bytes: 40 },
    });
    j.conntrack(rst, rules);
    expect(events[1]).toMatchObject({
      outcome: 'reset',
      reason:
        'random 2 of 3; ECONNREFUSED connecting to 127.244.2.12:8080: client connection reset',
      bytesIn: 0,
      bytesOut: 0,
    });
  });

  it('times out a SYN nobody answered', () => {
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), rules);
    const silent = ctDestroy(clusterIP(), {
      state: 'SYN_SENT',
      assured: false,
      unreplied: true,
      orig: { packets: 3, bytes: 180 },
      reply: { packets: 0, bytes: 0 },
    });
    j.conntrack(silent, rules);
    expect(events[1]).toMatchObject({
      outcome: 'timeout',
      reason: 'random 2 of 3; 127.244.2.12:8080 never answered the SYN (conntrack: UNREPLIED)',
    });
  });

  it('resets a connection whose entry was deleted while established (kube-proxy flushing it)', () => {
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), rules);
    const flushed = ctDestroy(clusterIP(), {
      state: 'ESTABLISHED',
      timeout: 431999,
      byUserspace: true,
      orig: { packets: 2, bytes: 112 },
      reply: { packets: 1, bytes: 60 },
    });
    j.conntrack(flushed, rules);
    expect(events[1]).toMatchObject({
      outcome: 'reset',
      reason: 'random 2 of 3; conntrack entry deleted while ESTABLISHED',
    });
  });

  it('still reports a DESTROY whose NEW was lost: an open and its end, saying so', () => {
    const { j, events } = joiner();
    j.conntrack(ctDestroy(clusterIP()), rules);
    expect(events.map((e) => e.outcome)).toEqual(['open', 'ok']);
    expect(events[0]!.reason).toBe('random 2 of 3; start not seen (conntrack events lost)');
    expect(events[1]).toMatchObject({ id: events[0]!.id, bytesIn: 5, durationMs: 0 });
    expect(j.stats.missedStarts).toBe(1);
  });

  it('ends the oldest open connection past maxOpen, and its late DESTROY is no new one', () => {
    const { j, events } = joiner({ maxOpen: 2 });
    for (const id of [1, 2, 3]) j.conntrack(ctNew(clusterIP({ id, at: 1_000_000 + id })), rules);
    expect(events.map((e) => e.outcome)).toEqual(['open', 'open', 'ok', 'open']);
    expect(events[2]).toMatchObject({
      id: events[0]!.id,
      endedAt: 1_000_003,
      reason: 'random 2 of 3; end not tracked (over 2 open)',
    });
    j.conntrack(ctDestroy(clusterIP({ id: 1 })), rules);
    expect(events).toHaveLength(4);
    expect(j.stats).toMatchObject({ missedEnds: 1, missedStarts: 0 });
  });

  it('ends the connections a dump no longer lists (their DESTROY was lost)', () => {
    const { j, events } = joiner();
    for (const id of [1, 2, 3]) j.conntrack(ctNew(clusterIP({ id, at: 1000 * id })), rules);
    // 1 is gone, 2 is still there, 3 opened after the dump began (the dump may have missed it).
    expect(j.endLost(new Set([2]), 2500, 9000)).toBe(1);
    expect(events[3]).toMatchObject({
      id: events[0]!.id,
      endedAt: 9000,
      bytesIn: 0,
      reason: 'random 2 of 3; end not seen (conntrack events lost)',
    });
    expect(j.openCount).toBe(2);
    j.conntrack(ctDestroy(clusterIP({ id: 1 })), rules); // late after all: already ended
    expect(events).toHaveLength(4);
  });

  it('leaves out flows that did not go through a Service frontend', () => {
    const { j, events } = joiner();
    const direct = clusterIP({ frontend: ['127.244.2.12', 8080] });
    j.conntrack(ctNew(direct), rules);
    j.conntrack(ctDestroy(direct), rules);
    // A frontend the rules in force did not translate (its Service not in them yet).
    const raw = clusterIP({ endpoint: ['127.96.0.10', 80] });
    j.conntrack(ctNew(raw), rules);
    expect(events).toEqual([]);
    expect(j.stats).toMatchObject({ ignored: 2, untranslated: 1, opened: 0 });
  });

  it('names an endpoint that left the state after the rules were written by its pod', () => {
    const { j, events } = joiner();
    const gone = makeRules([{ svc: web(), endpoints: [B, C] }], PODS, 4);
    j.conntrack(ctNew(clusterIP({ endpoint: ['127.244.1.11', 8080] })), gone);
    expect(events[0]).toMatchObject({
      endpoint: { pod: 'web-a', namespace: 'default', ip: '127.244.1.11', node: 'node-1' },
      reason:
        'random: 127.244.1.11:8080 is not one of the 2 eligible endpoints (rules generation 4)',
    });
  });

  it('says terminating endpoints still serve when none is ready', () => {
    const t = { ready: false, serving: true, terminating: true };
    const draining = makeRules([
      {
        svc: web(),
        endpoints: [
          { ...A, ...t },
          { ...B, ...t },
        ],
      },
    ]);
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), draining);
    expect(events[0]!.reason).toBe('random 2 of 2 (terminating, still serving)');
  });

  it('says when the Service asked for a mode nftables cannot serve', () => {
    const asked = makeRules([{ svc: web({ proxyMode: 'ipvs:lc' }), endpoints: [A, B] }]);
    const { j, events } = joiner({ defaultProxyMode: 'maglev' });
    j.conntrack(ctNew(clusterIP({ id: 1 })), asked);
    j.conntrack(ctNew(clusterIP({ id: 2 })), makeRules([{ svc: web(), endpoints: [A, B] }]));
    expect(events.map((e) => e.reason)).toEqual([
      'random 2 of 2 (ipvs:lc asked: nftables serves random)',
      'random 2 of 2 (maglev asked: nftables serves random)',
    ]);
    expect(events[0]!.mode).toBe('nftables');
  });

  it('marks a hairpin connection (a pod reaching itself) SNATed to its node', () => {
    const { j, events } = joiner();
    const hairpin = clusterIP({
      client: ['127.244.1.11', 41000],
      endpoint: ['127.244.1.11', 8080],
      snat: '127.18.0.2',
    });
    j.conntrack(ctNew(hairpin), rules);
    expect(events[0]).toMatchObject({
      client: { pod: 'default/web-a', snatIP: '127.18.0.2' },
      reason: 'random 1 of 3; SNAT to 127.18.0.2 (hairpin)',
    });
  });

  it('joins UDP: payload without headers, and a flow never answered times out', () => {
    const udp = makeRules([
      {
        svc: web({ protocol: 'UDP', port: 53 }),
        endpoints: [makeEndpoint('127.244.2.12', 5353, 'node-2', 'dns')],
      },
    ]);
    const f = clusterIP({
      protocol: 'UDP',
      frontend: ['127.96.0.10', 53],
      endpoint: ['127.244.2.12', 5353],
    });
    const { j, events } = joiner();
    j.conntrack(ctNew(f), udp);
    j.conntrack(ctDestroy(f, { orig: { packets: 1 }, reply: { packets: 1 } }), udp);
    expect(events[1]).toMatchObject({
      outcome: 'ok',
      bytesIn: 4,
      bytesOut: 4,
      reason: 'random 1 of 1',
    });
    j.conntrack(ctNew({ ...f, id: 8 }), udp);
    j.conntrack(
      ctDestroy(
        { ...f, id: 8 },
        { unreplied: true, orig: { packets: 1 }, reply: { packets: 0, bytes: 0 } },
      ),
      udp,
    );
    expect(events[3]).toMatchObject({
      outcome: 'timeout',
      reason: 'random 1 of 1; 127.244.2.12:5353 never answered (conntrack: UNREPLIED)',
    });
  });

  it('says a UDP flow deleted after its endpoint left was flushed as stale, in the userspace words', () => {
    const dns = makeEndpoint('127.244.2.12', 5353, 'node-2', 'dns');
    const other = makeEndpoint('127.244.1.11', 5353, 'node-1', 'dns-2');
    const svc = web({ protocol: 'UDP', port: 53 });
    const pods: [string, string, string][] = [
      ['127.244.2.12', 'dns', 'node-2'],
      ['127.244.1.11', 'dns-2', 'node-1'],
    ];
    const both = makeRules([{ svc, endpoints: [dns, other] }], pods);
    const f = clusterIP({
      protocol: 'UDP',
      frontend: ['127.96.0.10', 53],
      endpoint: ['127.244.2.12', 5353],
    });
    const deleted = { timeout: 20, byUserspace: true };
    const { j, events } = joiner();
    // The endpoint left the rules in force: kube-proxy's conntrack -D of its stale flows.
    j.conntrack(ctNew(f), both);
    j.conntrack(ctDestroy(f, deleted), makeRules([{ svc, endpoints: [other] }], pods));
    expect(events[1]).toMatchObject({
      outcome: 'reset',
      reason: 'random 2 of 2; endpoint removed: stale UDP flow flushed (conntrack entry deleted)',
    });
    // Still listed, but its pod was deleted (the kubelet's side came first): the same.
    j.conntrack(ctNew({ ...f, id: 8 }), both);
    j.conntrack(ctDestroy({ ...f, id: 8 }, deleted), makeRules([{ svc, endpoints: [dns, other] }]));
    expect(events[3]).toMatchObject({ outcome: 'reset' });
    // Deleted while its endpoint still serves (someone ran conntrack -D): only that.
    j.conntrack(ctNew({ ...f, id: 9 }), both);
    j.conntrack(ctDestroy({ ...f, id: 9 }, deleted), both);
    expect(events[5]).toMatchObject({
      outcome: 'ok',
      reason: 'random 2 of 2; conntrack entry deleted',
    });
  });

  it("an endpoint on a node's address (a pod on the host network, which no pod index holds) stays", () => {
    const edge = makeEndpoint('127.18.0.3', 5353, 'node-2', 'edge');
    const svc = web({ protocol: 'UDP', port: 53 });
    const rules = makeRules([{ svc, endpoints: [edge] }]);
    const f = clusterIP({
      protocol: 'UDP',
      frontend: ['127.96.0.10', 53],
      endpoint: ['127.18.0.3', 5353],
    });
    const { j, events } = joiner();
    j.conntrack(ctNew(f), rules);
    j.conntrack(ctDestroy(f, { timeout: 20, byUserspace: true }), rules);
    expect(events[1]).toMatchObject({
      outcome: 'ok',
      reason: 'random 1 of 1; conntrack entry deleted',
    });
  });

  it('joins the captured lines end to end', () => {
    const lab = makeRules([
      {
        svc: web(),
        endpoints: [
          makeEndpoint('127.100.0.1', 8080, 'node-1', 'pod-a'),
          makeEndpoint('127.100.0.2', 8080, 'node-2', 'pod-b'),
        ],
      },
    ]);
    const { j, events } = joiner({ lingerMs: { TIME_WAIT: 1000 } });
    for (const line of [SAMPLES.tcpNew, SAMPLES.tcpDestroyTimeWait]) {
      const p = parseConntrackLine(line);
      if (p.kind === 'event') j.conntrack(p.event, lab);
    }
    expect(
      events.map((e) => [e.outcome, e.endpoint?.pod, e.reason, e.bytesIn, e.bytesOut]),
    ).toEqual([
      ['open', 'pod-a', 'random 1 of 2', 0, 0],
      ['ok', 'pod-a', 'random 1 of 2', 5, 6],
    ]);
    expect(events[1]!.durationMs).toBe(1796460657930 - 1000 - 1796460625531);
  });
});

describe('ConntrackJoiner: ClientIP affinity, replayed from the connections seen', () => {
  const rules = makeRules(
    [{ svc: web({ affinityTimeoutSeconds: 10_800 }), endpoints: [A, B] }],
    PODS,
  );
  const from = (id: number, at: number, client = '127.244.1.50', endpoint = '127.244.2.12') =>
    ctNew(clusterIP({ id, at, client: [client, 40000 + id], endpoint: [endpoint, 8080] }));

  it('says new affinity first, then a hit with the time left, per client', () => {
    const { j, events } = joiner();
    j.conntrack(from(1, 0), rules);
    j.conntrack(from(2, 5000), rules);
    j.conntrack(from(3, 6000, '127.244.2.50'), rules);
    expect(events.map((e) => e.reason)).toEqual([
      'new affinity (ClientIP, 10,800 s): random 2 of 2',
      'affinity hit (ClientIP, 10,795 s left)',
      'new affinity (ClientIP, 10,800 s): random 2 of 2',
    ]);
  });

  it('refreshes the entry with every connection and forgets it after the timeout', () => {
    const { j, events } = joiner();
    j.conntrack(from(1, 0), rules);
    j.conntrack(from(2, 10_000_000), rules); // 10,000 s later: refreshed to 10,800 s from here
    j.conntrack(from(3, 20_000_000), rules); // 10,000 s later again: still a hit
    j.conntrack(from(4, 40_000_000), rules); // 20,000 s later: expired
    expect(events.map((e) => e.reason.split(' (')[0])).toEqual([
      'new affinity',
      'affinity hit',
      'affinity hit',
      'new affinity',
    ]);
  });

  it('says the affinity endpoint is gone when the kernel chose another within the timeout', () => {
    const { j, events } = joiner();
    j.conntrack(from(1, 0), rules);
    j.conntrack(from(2, 1000, '127.244.1.50', '127.244.1.11'), rules);
    expect(events[1]!.reason).toBe('affinity endpoint gone (ClientIP, 10,800 s): random 1 of 2');
  });
});

describe('ConntrackJoiner: traffic policies and external frontends', () => {
  const np = (over = {}) =>
    web({ type: 'NodePort', nodePort: 30080, clusterIP: '127.96.0.20', ...over });

  it('externalTrafficPolicy Local: the node entered, client IP kept', () => {
    const rules = makeRules([{ svc: np({ externalTrafficPolicy: 'Local' }), endpoints: [A, B] }]);
    const { j, events } = joiner();
    j.conntrack(
      ctNew(
        clusterIP({
          client: ['127.0.0.1', 50000],
          frontend: ['127.18.0.2', 30080],
          endpoint: ['127.244.1.11', 8080],
        }),
      ),
      rules,
    );
    expect(events[0]).toMatchObject({
      frontend: { kind: 'NodePort', ip: '127.18.0.2', port: 30080, node: 'node-1' },
      reason: 'random 1 of 1; externalTrafficPolicy Local (node-1, client IP kept)',
    });
  });

  it('externalTrafficPolicy Cluster: SNAT to the node entered', () => {
    const rules = makeRules([{ svc: np(), endpoints: [A, B] }]);
    const { j, events } = joiner();
    j.conntrack(
      ctNew(
        clusterIP({
          client: ['127.0.0.1', 50000],
          frontend: ['127.18.0.3', 30080],
          endpoint: ['127.244.1.11', 8080],
          snat: '127.18.0.3',
        }),
      ),
      rules,
    );
    expect(events[0]).toMatchObject({
      client: { ip: '127.0.0.1', snatIP: '127.18.0.3' },
      reason: 'random 1 of 2; SNAT to node-2 (127.18.0.3)',
    });
  });

  it("internalTrafficPolicy Local: the client pod's node", () => {
    const rules = makeRules(
      [{ svc: web({ internalTrafficPolicy: 'Local' }), endpoints: [A, B, C] }],
      PODS,
    );
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP({ client: ['127.244.2.50', 40000] })), rules);
    expect(events[0]!.reason).toBe('random 1 of 2; internalTrafficPolicy Local (node-2)');
  });

  it('a LoadBalancer: the node it entered, from the SNAT address, as the first hop', () => {
    const lb = web({ type: 'LoadBalancer', nodePort: 30080, loadBalancerIPs: ['127.200.0.1'] });
    const rules = makeRules([{ svc: lb, endpoints: [A, B] }]);
    const { j, events } = joiner();
    j.conntrack(
      ctNew(
        clusterIP({
          client: ['127.0.0.1', 50000],
          frontend: ['127.200.0.1', 80],
          snat: '127.18.0.3',
        }),
      ),
      rules,
    );
    expect(events[0]).toMatchObject({
      frontend: { kind: 'LoadBalancer', node: 'node-2' },
      reason: 'LB -> node-2; random 2 of 2; SNAT to node-2 (127.18.0.3)',
    });
  });

  it("a LoadBalancer with externalTrafficPolicy Local: the endpoint's node", () => {
    const lb = web({
      type: 'LoadBalancer',
      nodePort: 30080,
      loadBalancerIPs: ['127.200.0.1'],
      externalTrafficPolicy: 'Local',
    });
    const rules = makeRules([{ svc: lb, endpoints: [A, B, C] }]);
    const { j, events } = joiner();
    j.conntrack(
      ctNew(clusterIP({ client: ['127.0.0.1', 5], frontend: ['127.200.0.1', 80] })),
      rules,
    );
    expect(events[0]!.reason).toBe(
      'LB -> node-2; random 1 of 2; externalTrafficPolicy Local (node-2, client IP kept)',
    );
  });
});

describe('ConntrackJoiner: rules being written', () => {
  // The kernel runs a transaction's rules from its commit; the proxier hears that nft returned a
  // moment later, and a flow NATed in between may be read first.
  it('joins a flow only the rules being written send where it went with those rules', () => {
    const inForce = makeRules([{ svc: web(), endpoints: [] }], PODS, 1);
    const writing = makeRules([{ svc: web(), endpoints: [A, B] }], PODS, 2);
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), { ...inForce, writing });
    expect(events[0]).toMatchObject({
      outcome: 'open',
      endpoint: { pod: 'web-b' },
      reason: 'random 2 of 2',
    });
  });

  it('a Service port new in the rules being written: joined, not left out', () => {
    const other = makeService('other', { clusterIP: '127.96.0.11' });
    const inForce = makeRules([{ svc: other, endpoints: [C] }], PODS, 1);
    const writing = makeRules(
      [
        { svc: other, endpoints: [C] },
        { svc: web(), endpoints: [B] },
      ],
      PODS,
      2,
    );
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), { ...inForce, writing });
    expect(events[0]).toMatchObject({ service: { name: 'web' }, reason: 'random 1 of 1' });
  });

  it('keeps the rules in force when they explain the flow', () => {
    const inForce = makeRules([{ svc: web(), endpoints: [A, B] }], PODS, 1);
    const writing = makeRules([{ svc: web(), endpoints: [A, B, C] }], PODS, 2);
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP()), { ...inForce, writing });
    expect(events[0]!.reason).toBe('random 2 of 2');
  });
});

describe('ConntrackJoiner: refused and dropped packets (nft monitor trace)', () => {
  const verdict = (over: Partial<TraceVerdict> = {}): TraceVerdict => ({
    verdict: 'reject',
    chain: 'reject-no-endpoints',
    protocol: 'TCP',
    src: '127.244.1.50',
    sport: 40000,
    dst: '127.96.0.10',
    dport: 80,
    at: 2_000_000,
    ...over,
  });
  const run = (v: TraceVerdict, rules: RulesSnapshot) => {
    const { j, events } = joiner();
    j.verdict(v, rules);
    return { j, events };
  };

  it('a Service without endpoints: refused, ended at once, in the userspace wording', () => {
    const { events } = run(verdict(), makeRules([{ svc: web(), endpoints: [] }], PODS));
    expect(events).toEqual([
      expect.objectContaining({
        startedAt: 2_000_000,
        endedAt: 2_000_000,
        durationMs: 0,
        outcome: 'refused',
        endpoint: undefined,
        client: expect.objectContaining({ pod: 'default/client-1' }),
        reason: 'default/web:http has no endpoints',
        mode: 'nftables',
      }),
    ]);
  });

  it('internalTrafficPolicy Local and a client that is not a pod: dropped', () => {
    const rules = makeRules([{ svc: web({ internalTrafficPolicy: 'Local' }), endpoints: [B] }]);
    const { events } = run(
      verdict({ verdict: 'drop', chain: 'drop-no-endpoints', src: '127.0.0.1' }),
      rules,
    );
    expect(events[0]).toMatchObject({
      outcome: 'dropped',
      reason: 'internalTrafficPolicy Local: no local endpoints (client is not a pod): dropped',
    });
  });

  it('externalTrafficPolicy Local on a node without a local endpoint: dropped', () => {
    const svc = web({ type: 'NodePort', nodePort: 30080, externalTrafficPolicy: 'Local' });
    const rules = makeRules([{ svc, endpoints: [A] }]);
    const { events } = run(
      verdict({ verdict: 'drop', chain: 'drop-no-endpoints', dst: '127.18.0.3', dport: 30080 }),
      rules,
    );
    expect(events[0]!.reason).toBe(
      'externalTrafficPolicy Local: no local endpoints on node-2: dropped',
    );
  });

  it('a LoadBalancer client outside loadBalancerSourceRanges: dropped', () => {
    const svc = web({
      type: 'LoadBalancer',
      loadBalancerIPs: ['127.200.0.1'],
      loadBalancerSourceRanges: [{ base: 0x0a000000, mask: 0xff000000, text: '10.0.0.0/8' }],
    });
    const { events } = run(
      verdict({
        verdict: 'drop',
        chain: 'drop-source-ranges',
        dst: '127.200.0.1',
        src: '127.0.0.1',
      }),
      makeRules([{ svc, endpoints: [A] }]),
    );
    expect(events[0]).toMatchObject({
      frontend: { kind: 'LoadBalancer' },
      reason: 'client 127.0.0.1 not in loadBalancerSourceRanges (10.0.0.0/8): dropped',
    });
  });

  it('rules behind the state: says what the kernel did and what the state says now', () => {
    const { events } = run(verdict(), makeRules([{ svc: web(), endpoints: [A] }]));
    expect(events[0]).toMatchObject({
      outcome: 'refused',
      reason: 'rejected by rules older than the current state (it has ready endpoints)',
    });
  });

  it('a packet the rules being written turned away, read before nft returned: their reason', () => {
    const inForce = makeRules([{ svc: web(), endpoints: [A] }]);
    const writing = makeRules([{ svc: web(), endpoints: [] }], PODS, 2);
    const { events } = run(verdict(), { ...inForce, writing });
    expect(events[0]).toMatchObject({
      outcome: 'refused',
      reason: 'default/web:http has no endpoints',
    });
  });

  it('leaves out packets to no Service frontend', () => {
    const { j, events } = run(
      verdict({ dst: '127.96.9.9' }),
      makeRules([{ svc: web(), endpoints: [] }]),
    );
    expect(events).toEqual([]);
    expect(j.stats.ignored).toBe(1);
  });
});

describe('payloadBytes', () => {
  it('takes the IP and TCP headers off (timestamps on: 52 a packet, SYN 8 more)', () => {
    expect(
      payloadBytes({ src: '', dst: '', sport: 0, dport: 0, packets: 5, bytes: 273 }, 'TCP', true),
    ).toBe(5);
    expect(
      payloadBytes({ src: '', dst: '', sport: 0, dport: 0, packets: 5, bytes: 213 }, 'TCP', false),
    ).toBe(1);
  });

  it('takes 28 bytes a datagram off UDP, and never goes below 0', () => {
    expect(
      payloadBytes({ src: '', dst: '', sport: 0, dport: 0, packets: 2, bytes: 70 }, 'UDP', true),
    ).toBe(14);
    expect(
      payloadBytes({ src: '', dst: '', sport: 0, dport: 0, packets: 1, bytes: 40 }, 'TCP', true),
    ).toBe(0);
    expect(payloadBytes({ src: '', dst: '', sport: 0, dport: 0 }, 'TCP', true)).toBe(0);
  });
});

describe('ConntrackJoiner: NetworkPolicies (the pods network judges after kube-proxy)', () => {
  const base = makeRules([{ svc: web(), endpoints: [C, B, A] }], PODS);
  /** Policies that deny the client-1 pod's way into web-b, and say who let the others in. */
  const policies = {
    check: (f: { srcIP: string; dstIP: string }) =>
      f.dstIP === '127.244.2.12' && f.srcIP === '127.244.1.50'
        ? { allowed: false, reason: 'ingress to web-b denied: NetworkPolicy deny selects it' }
        : { allowed: true, reason: 'ingress allowed by NetworkPolicy allow' },
  };
  const rules: RulesSnapshot = { ...base, routing: { ...base.routing, policies } };

  it('a connection let in says which policy allowed it; a connection dropped never opens (never confirmed)', () => {
    const { j, events } = joiner();
    j.conntrack(ctNew(clusterIP({ id: 8, endpoint: ['127.244.1.11', 8080] })), rules);
    expect(events.map((e) => [e.outcome, e.reason])).toEqual([
      ['open', 'random 1 of 3; ingress allowed by NetworkPolicy allow'],
    ]);
  });

  it('an ingress drop, traced after the SNAT, is drawn from the address the pod would have seen', () => {
    const { j, events } = joiner();
    j.verdict(
      {
        verdict: 'drop',
        chain: 'ingress-denied',
        protocol: 'TCP',
        src: '127.244.1.50',
        sport: 40000,
        dst: '127.244.2.12',
        dport: 8080,
        at: 5,
      },
      rules,
    );
    expect(events.map((e) => [e.outcome, e.client.pod, e.endpoint?.pod, e.reason])).toEqual([
      [
        'dropped',
        'default/client-1',
        'web-b',
        'random 2 of 3; ingress to web-b denied: NetworkPolicy deny selects it: dropped',
      ],
    ]);
  });

  it('an egress drop, traced after the DNAT, is drawn on the Service whose endpoint it was sent to', () => {
    const { j, events } = joiner();
    const egress = { check: () => ({ allowed: false, reason: 'egress from client-1 denied: x' }) };
    j.verdict(
      {
        verdict: 'drop',
        chain: 'egress-denied',
        protocol: 'TCP',
        src: '127.244.1.50',
        sport: 40000,
        dst: '127.244.2.13',
        dport: 8080,
        at: 5,
      },
      { ...base, routing: { ...base.routing, policies: egress } },
    );
    expect(
      events.map((e) => [e.outcome, e.service.name, e.frontend.kind, e.endpoint?.pod, e.reason]),
    ).toEqual([
      [
        'dropped',
        'web',
        'ClusterIP',
        'web-c',
        'random 3 of 3; egress from client-1 denied: x: dropped',
      ],
    ]);
    // Straight to a pod no Service has: not drawn.
    j.verdict(
      {
        verdict: 'drop',
        chain: 'egress-denied',
        protocol: 'TCP',
        src: '127.244.1.50',
        sport: 40001,
        dst: '127.244.9.9',
        dport: 80,
        at: 6,
      },
      rules,
    );
    expect(events).toHaveLength(1);
  });
});
