import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.ts';
import { isThisMachine } from './evaluateConnections.ts';
import { context, eventsTo, makeEvent, makeService, makeSlice, NOW, NS } from './testBuilders.ts';
import type { Check, ConnectionsCheck } from './types.ts';

const check = (connections: ConnectionsCheck): Check => ({ id: 'c', title: 't', connections });
const web = [
  makeService('web'),
  makeSlice('web', [
    ['web-a', true],
    ['web-b', true],
    ['web-c', true],
  ]),
];

describe('which connections count', () => {
  it('a NodePort answered a connection from outside this machine', () => {
    const c = check({
      service: 'web',
      frontend: ['NodePort'],
      outcome: ['open', 'ok'],
      from: 'outside',
      min: 1,
    });
    const fromLoopback = makeEvent('web', 'web-a', (e) => (e.frontend.kind = 'NodePort'));
    const fromLaptop = makeEvent('web', 'web-a', (e) => {
      e.frontend.kind = 'NodePort';
      e.client.ip = '192.0.2.7';
    });
    const throughClusterIP = makeEvent('web', 'web-a', (e) => (e.client.ip = '192.0.2.7'));
    expect(evaluate(c, context(web, [fromLoopback, throughClusterIP]))).toEqual({
      passed: false,
      detail:
        'no open or completed connections to Service web through a NodePort from outside this machine yet',
    });
    expect(evaluate(c, context(web, [fromLoopback, fromLaptop]))).toEqual({
      passed: true,
      detail:
        '1 open or completed connection to Service web through a NodePort from outside this machine',
    });
    // The machine's own interface address is this machine too.
    expect(evaluate(c, context(web, [fromLaptop], { localAddresses: ['192.0.2.7'] })).passed).toBe(
      false,
    );
  });

  it('a connection was refused because the Service had no ready endpoints', () => {
    const c = check({ service: 'shop', outcome: ['refused'], reason: 'has no endpoints', min: 1 });
    expect(evaluate(c, context([], [makeEvent('shop', 'shop-a')]))).toEqual({
      passed: false,
      detail: 'no refused connections to Service shop whose reason says "has no endpoints" yet',
    });
    expect(evaluate(c, context([], [makeEvent('shop', undefined)]))).toEqual({
      passed: true,
      detail: '1 refused connection to Service shop whose reason says "has no endpoints"',
    });
  });

  it('counts a connection once, as its latest event (open, then closed)', () => {
    const open = makeEvent('web', 'web-a', (e) => (e.outcome = 'open'));
    const closed = { ...open, outcome: 'reset' as const };
    const c = check({ service: 'web', outcome: ['open', 'ok'], min: 1 });
    expect(evaluate(c, context(web, [open])).passed).toBe(true);
    expect(evaluate(c, context(web, [open, closed])).passed).toBe(false);
    expect(evaluate(check({ service: 'web', count: 1 }), context(web, [open, closed])).passed).toBe(
      true,
    );
  });

  it('within: only connections started in the last N seconds', () => {
    const old = makeEvent('web', 'web-a', (e) => (e.startedAt = NOW - 61_000));
    const c = check({ service: 'web', within: 60, min: 1 });
    expect(evaluate(c, context(web, [old]))).toEqual({
      passed: false,
      detail: 'no connections to Service web in the last 60 s yet',
    });
  });

  it('since: step counts from when the student reached the step', () => {
    const before = makeEvent('web', 'web-a', (e) => (e.startedAt = NOW - 5000));
    const after = makeEvent('web', 'web-b', (e) => (e.startedAt = NOW - 1000));
    const c = check({ service: 'web', since: 'step', count: 1 });
    const ctx = context(web, [before, after], { stepStartedAt: NOW - 2000 });
    expect(evaluate(c, ctx)).toEqual({
      passed: true,
      detail: '1 connection to Service web since this step began',
    });
    expect(evaluate(c, { ...ctx, stepStartedAt: undefined }).passed).toBe(false);
  });

  it("from: pod is a pod of the student's namespace; other namespaces' connections never count", () => {
    const mine = makeEvent('web', 'web-a', (e) => (e.client.pod = `${NS}/client-a`));
    const theirs = makeEvent('web', 'web-a', (e) => (e.client.pod = 'student-2/client-a'));
    const otherNs = makeEvent('web', 'web-a', (e) => (e.service.namespace = 'student-2'));
    const c = check({ service: 'web', from: 'pod', min: 1 });
    expect(evaluate(c, context(web, [theirs, otherNs])).passed).toBe(false);
    expect(evaluate(c, context(web, [mine])).detail).toBe(
      `1 connection to Service web from a pod of namespace ${NS}`,
    );
  });

  it('mode, and pod by name or prefix', () => {
    const rr = makeEvent('web', 'web-a', (e) => (e.mode = 'ipvs:rr'));
    const random = makeEvent('web', 'web-b');
    expect(evaluate(check({ mode: 'ipvs:rr', count: 1 }), context(web, [rr, random])).passed).toBe(
      true,
    );
    expect(evaluate(check({ pod: 'web-*', count: 2 }), context(web, [rr, random])).passed).toBe(
      true,
    );
    expect(evaluate(check({ pod: 'web-b', count: 1 }), context(web, [rr, random])).detail).toBe(
      '1 connection reaching pod web-b',
    );
  });

  it('max: 0 passes with no connection at all: "nothing was dropped"', () => {
    const c = check({ service: 'web', outcome: ['dropped'], max: 0 });
    expect(evaluate(c, context(web, []))).toEqual({
      passed: true,
      detail: 'no dropped connections to Service web',
    });
  });
});

describe('what must hold', () => {
  it('eachPod: every ready endpoint pod got at least N, else the pod short of it', () => {
    const c = check({ service: 'web', eachPod: 20 });
    const events = eventsTo('web', { 'web-a': 25, 'web-b': 13, 'web-c': 12 });
    expect(evaluate(c, context(web, events))).toEqual({
      passed: false,
      detail: 'pod web-b got 13 of 50 connections, want at least 20 for each pod',
    });
    const enough = eventsTo('web', { 'web-a': 20, 'web-b': 25, 'web-c': 31 });
    expect(evaluate(c, context(web, enough))).toEqual({
      passed: true,
      detail: 'each of the 3 pods got at least 20 connections (20, 25, 31)',
    });
  });

  it('eachPod: a ready endpoint that got nothing fails; a pod no longer an endpoint is ignored', () => {
    const c = check({ service: 'web', eachPod: 1 });
    const events = eventsTo('web', { 'web-a': 5, 'web-b': 5, gone: 5 });
    expect(evaluate(c, context(web, events)).detail).toBe(
      'pod web-c got 0 of 15 connections, want at least 1 for each pod',
    );
  });

  it('eachPod: a Service without ready endpoints says so', () => {
    const c = check({ service: 'web', eachPod: 1 });
    const notReady = [makeService('web'), makeSlice('web', [['web-a', false]])];
    expect(evaluate(c, context(notReady, eventsTo('web', { 'web-a': 3 })))).toEqual({
      passed: false,
      detail: 'Service web has no ready endpoints',
    });
  });

  it('pods: how many distinct pods the connections reached', () => {
    const c = check({ service: 'web', min: 1, pods: { max: 2 } });
    expect(evaluate(c, context(web, eventsTo('web', { 'web-a': 40, 'web-b': 3 })))).toEqual({
      passed: true,
      detail: '43 connections to Service web; the connections reached 2 pods',
    });
    const all = eventsTo('web', { 'web-a': 1, 'web-b': 1, 'web-c': 1 });
    expect(evaluate(c, context(web, all)).detail).toBe(
      'the connections reached 3 pods, want at most 2',
    );
  });

  it('the total is judged first', () => {
    const c = check({ service: 'web', min: 30, pods: { min: 3 } });
    const few = eventsTo('web', { 'web-a': 1, 'web-b': 1, 'web-c': 1 });
    expect(evaluate(c, context(web, few)).detail).toBe(
      '3 connections to Service web, want at least 30',
    );
  });

  it('balanced: every pod within the tolerance of an even share', () => {
    const c = check({ service: 'web', balanced: 0.2 });
    expect(
      evaluate(c, context(web, eventsTo('web', { 'web-a': 10, 'web-b': 11, 'web-c': 9 }))),
    ).toEqual({
      passed: true,
      detail: '30 connections spread evenly over 3 pods (10, 11, 9), within 20% of 10',
    });
    expect(
      evaluate(c, context(web, eventsTo('web', { 'web-a': 20, 'web-b': 5, 'web-c': 5 }))),
    ).toEqual({
      passed: false,
      detail: 'pod web-a got 20 of 30 connections, an even share is 10 ± 20%',
    });
  });

  it('onePodPerClient: true passes when each client stayed on its pod', () => {
    const c = check({ service: 'web', onePodPerClient: true });
    const a = eventsTo('web', { 'web-a': 3 });
    const b = eventsTo('web', { 'web-c': 2 }).map((e) => ({
      ...e,
      client: { ...e.client, ip: '127.30.0.2' },
    }));
    expect(evaluate(c, context(web, [...a, ...b]))).toEqual({
      passed: true,
      detail: 'each of the 2 clients stayed on one pod',
    });
  });

  it("onePodPerClient: true fails on a client that reached two pods, with each pod's count", () => {
    const c = check({ service: 'web', onePodPerClient: true });
    const events = eventsTo('web', { 'web-a': 3, 'web-b': 2 });
    expect(evaluate(c, context(web, events))).toEqual({
      passed: false,
      detail: 'client 127.30.0.1 reached 2 pods (web-a 3, web-b 2), want one pod per client',
    });
  });

  it('onePodPerClient: false wants a client that moved', () => {
    const c = check({ service: 'web', onePodPerClient: false });
    expect(evaluate(c, context(web, eventsTo('web', { 'web-a': 3 })))).toEqual({
      passed: false,
      detail: 'the only client stayed on one pod, want one that reached two or more',
    });
    expect(evaluate(c, context(web, eventsTo('web', { 'web-a': 3, 'web-b': 1 })))).toEqual({
      passed: true,
      detail: 'client 127.30.0.1 reached 2 pods (web-a 3, web-b 1)',
    });
  });

  it('no connection at all fails every assertion', () => {
    for (const c of [
      check({ service: 'web', eachPod: 1 }),
      check({ service: 'web', pods: { max: 2 } }),
      check({ service: 'web', balanced: 0.5 }),
      check({ service: 'web', onePodPerClient: true }),
    ]) {
      expect(evaluate(c, context(web, []))).toEqual({
        passed: false,
        detail: 'no connections to Service web yet',
      });
    }
  });
});

describe('isThisMachine', () => {
  it('loopback in every spelling and the listed addresses are this machine; others are not', () => {
    for (const ip of ['127.0.0.1', '127.30.0.4', '::1', '::ffff:127.0.0.1', '10.1.2.3']) {
      expect(isThisMachine(ip, ['10.1.2.3']), ip).toBe(true);
    }
    for (const ip of ['192.0.2.7', '::ffff:192.0.2.7', '10.1.2.4']) {
      expect(isThisMachine(ip, ['10.1.2.3']), ip).toBe(false);
    }
  });
});
