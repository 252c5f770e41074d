import { describe, expect, it } from 'vitest';
import { EndpointChooser, type ChooseRequest } from './endpointChooser.ts';
import { maglevTable } from './maglev.ts';
import { parseProxyMode } from './proxyMode.ts';
import type { EndpointInfo } from './types.ts';

// Test addresses: pods 127.244.1.0/24 port 80, clients 127.30.0.0/24, VIP 127.96.0.20.
function ep(n: number, node = 'node-1'): EndpointInfo {
  return {
    ip: `127.244.1.${n}`,
    port: 80,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: node,
    pod: `p${n}`,
    namespace: 'default',
  };
}

function request(
  mode: string,
  eligible: EndpointInfo[],
  over: Partial<ChooseRequest> = {},
): ChooseRequest {
  return {
    spn: 'default/web:',
    mode: parseProxyMode(mode)!,
    eligible,
    clientIP: '127.30.0.1',
    clientPort: 40000,
    frontendIP: '127.96.0.20',
    frontendPort: 80,
    protocol: 'TCP',
    affinityTimeoutSeconds: 0,
    ...over,
  };
}

describe('parseProxyMode', () => {
  it('knows kube-proxy modes, IPVS schedulers and maglev, and refuses the rest', () => {
    expect(parseProxyMode('iptables')?.name).toBe('iptables');
    expect(parseProxyMode('nftables')?.name).toBe('iptables');
    expect(parseProxyMode('ipvs')?.name).toBe('ipvs:rr');
    expect(parseProxyMode('ipvs:wlc')?.name).toBe('ipvs:wlc');
    expect(parseProxyMode('maglev')?.name).toBe('maglev');
    expect(parseProxyMode('ipvs:mh')).toBeUndefined();
    expect(parseProxyMode('random')).toBeUndefined();
  });
});

describe('EndpointChooser', () => {
  const eps = [ep(2), ep(3), ep(4)];

  it('ipvs rr: exactly balanced, in order', () => {
    const c = new EndpointChooser(Math.random, () => 0);
    const picks = Array.from({ length: 9 }, () => c.choose(request('ipvs:rr', eps))!.endpoint.pod);
    expect(picks).toEqual(['p2', 'p3', 'p4', 'p2', 'p3', 'p4', 'p2', 'p3', 'p4']);
    expect(c.choose(request('ipvs:rr', eps))!.reason).toBe('round robin 1 of 3');
  });

  it('ipvs lc: the endpoint with the fewest open connections', () => {
    const c = new EndpointChooser(Math.random, () => 0);
    c.opened('default/web:', eps[0]!);
    c.opened('default/web:', eps[1]!);
    const pick = c.choose(request('ipvs:lc', eps))!;
    expect(pick.endpoint.pod).toBe('p4');
    expect(pick.reason).toBe('least connections (0 active): 3 of 3');
    c.closed('default/web:', eps[0]!);
    expect(c.choose(request('ipvs:lc', eps))!.endpoint.pod).toBe('p2');
  });

  it('ipvs nq: an idle server first', () => {
    const c = new EndpointChooser(Math.random, () => 0);
    c.opened('default/web:', eps[0]!);
    expect(c.choose(request('ipvs:nq', eps))!.reason).toBe('never queue: idle server 2 of 3');
  });

  it('ipvs sh: one client always on the same endpoint; dh: one VIP always on the same endpoint', () => {
    const c = new EndpointChooser(Math.random, () => 0);
    const byClient = new Set(
      Array.from(
        { length: 20 },
        (_, i) => c.choose(request('ipvs:sh', eps, { clientPort: 40000 + i }))!.endpoint.pod,
      ),
    );
    expect(byClient.size).toBe(1);
    const clients = new Set(
      Array.from(
        { length: 40 },
        (_, i) =>
          c.choose(request('ipvs:sh', eps, { clientIP: `127.30.0.${i + 1}` }))!.endpoint.pod,
      ),
    );
    expect(clients.size).toBeGreaterThan(1);
    const dh = new Set(
      Array.from(
        { length: 20 },
        (_, i) =>
          c.choose(request('ipvs:dh', eps, { clientIP: `127.30.0.${i + 1}` }))!.endpoint.pod,
      ),
    );
    expect(dh.size).toBe(1);
  });

  it('says when the pick is a terminating endpoint still serving', () => {
    const c = new EndpointChooser(
      () => 0,
      () => 0,
    );
    const term = { ...ep(9), ready: false, serving: true, terminating: true };
    expect(c.choose(request('iptables', [term]))!.reason).toBe(
      'random 1 of 1 (terminating, still serving)',
    );
  });

  it('iptables: maps the random draw onto the list', () => {
    const c = new EndpointChooser(
      () => 0.5,
      () => 0,
    );
    expect(c.choose(request('iptables', eps))!.reason).toBe('random 2 of 3');
  });

  it('maglev: the same 5-tuple always lands on the same endpoint; removing one endpoint moves only its flows', () => {
    const c = new EndpointChooser(Math.random, () => 0);
    const four = [ep(2), ep(3), ep(4), ep(5)];
    const tuples = Array.from({ length: 400 }, (_, i) => ({
      clientIP: `127.30.${i % 200}.${(i % 7) + 1}`,
      clientPort: 30000 + i,
    }));
    const before = tuples.map((t) => c.choose(request('maglev', four, t))!.endpoint.pod);
    expect(tuples.map((t) => c.choose(request('maglev', four, t))!.endpoint.pod)).toEqual(before);
    const three = four.filter((e) => e.pod !== 'p5');
    const after = tuples.map((t) => c.choose(request('maglev', three, t))!.endpoint.pod);
    const moved = before.filter((p, i) => p !== 'p5' && after[i] !== p).length;
    // Maglev's promise: flows of surviving backends mostly stay (a few % may move).
    expect(moved / before.filter((p) => p !== 'p5').length).toBeLessThan(0.1);
  });

  it('maglev tables give every backend about the same share of slots', () => {
    const t = maglevTable(['127.244.1.2:80', '127.244.1.3:80', '127.244.1.4:80']);
    const counts = [0, 0, 0];
    for (const i of t) counts[i]!++;
    for (const n of counts) expect(Math.abs(n - t.length / 3) / (t.length / 3)).toBeLessThan(0.02);
  });

  it('ClientIP affinity: sticks per client, says how long is left, and expires', () => {
    let now = 1_000_000;
    const c = new EndpointChooser(Math.random, () => now);
    const first = c.choose(request('iptables', eps, { affinityTimeoutSeconds: 10800 }))!;
    expect(first.reason).toMatch(/^new affinity \(ClientIP, 10,800 s\): random \d of 3$/);
    now += 188_000;
    const hit = c.choose(request('iptables', eps, { affinityTimeoutSeconds: 10800 }))!;
    expect(hit.endpoint).toBe(first.endpoint);
    expect(hit.reason).toBe('affinity hit (ClientIP, 10,612 s left)');
    now += 10_801_000;
    expect(c.choose(request('iptables', eps, { affinityTimeoutSeconds: 10800 }))!.reason).toMatch(
      /^new affinity/,
    );
  });

  it('ClientIP affinity: a gone endpoint is replaced', () => {
    const c = new EndpointChooser(
      () => 0,
      () => 0,
    );
    c.choose(request('iptables', eps, { affinityTimeoutSeconds: 60 }));
    const next = c.choose(request('iptables', eps.slice(1), { affinityTimeoutSeconds: 60 }))!;
    expect(next.reason).toMatch(/^affinity endpoint gone/);
    expect(next.endpoint.pod).toBe('p3');
  });
});
