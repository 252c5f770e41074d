import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '@l4lab/cluster';
import {
  ProxierHealth,
  timedSync,
  goTime,
  listenProxierHealth,
  nodeEligible,
  proxierHealthResponse,
  type ProxierSync,
} from './proxierHealth.ts';

const T0 = Date.parse('2026-12-07T03:40:00.000Z');

describe('kube-proxy proxier health (proxier_health.go)', () => {
  it("times every sync's run, one that failed too (kube-proxy's SyncProxyRulesLatency)", async () => {
    const h = new ProxierHealth(new FakeClock(T0));
    let begun = -1;
    await timedSync(h, async (started) => {
      begun = started;
    });
    expect(begun).toBeGreaterThan(0);
    await expect(
      timedSync(h, () => Promise.reject(new Error('nft: transaction refused'))),
    ).rejects.toThrow('nft: transaction refused');
    await timedSync(undefined, async () => {}); // no health to tell: runs all the same
    expect(h.syncDuration.samples('d').at(-1)).toBe('d_count 2');
  });

  it('is healthy at start and while a queued change is younger than the timeout', () => {
    const clock = new FakeClock(T0);
    const h = new ProxierHealth(clock, 60_000);
    expect(h.state()).toEqual({ healthy: true, lastUpdated: undefined, currentTime: T0 });
    h.queuedUpdate();
    clock.advance(59_999);
    expect(h.state().healthy).toBe(true);
    clock.advance(1);
    expect(h.state().healthy).toBe(false);
    h.updated();
    expect(h.state()).toEqual({
      healthy: true,
      lastUpdated: T0 + 60_000,
      currentTime: T0 + 60_000,
    });
  });

  it('counts the timeout from the oldest change not yet in force', () => {
    const clock = new FakeClock(T0);
    const h = new ProxierHealth(clock, 60_000);
    h.queuedUpdate();
    clock.advance(40_000);
    h.queuedUpdate(); // a later change does not restart the wait
    clock.advance(20_000);
    expect(h.state().healthy).toBe(false);
  });

  it('says /healthz 503 with the last sync time when unhealthy, /livez ignores the node', () => {
    const s = { healthy: false, lastUpdated: T0, currentTime: T0 + 61_500 };
    const healthz = proxierHealthResponse('/healthz', s, true, T0 - 1000);
    expect(healthz.status).toBe(503);
    expect(JSON.parse(healthz.body)).toEqual({
      lastUpdated: '2026-12-07 03:40:00 +0000 UTC m=+1.000000000',
      currentTime: '2026-12-07 03:41:01.5 +0000 UTC m=+62.500000000',
      nodeEligible: true,
    });
    // A node being deleted: healthz says so (load balancers stop sending), livez does not.
    const ok = { healthy: true, lastUpdated: T0, currentTime: T0 + 5 };
    expect(proxierHealthResponse('/healthz', ok, false, T0).status).toBe(503);
    const livez = proxierHealthResponse('/livez', ok, false, T0);
    expect(livez.status).toBe(200);
    // Healthy: lastUpdated is the current time, as kube-proxy keeps it for older clients.
    expect(JSON.parse(livez.body)).toEqual({
      lastUpdated: '2026-12-07 03:40:00.005 +0000 UTC m=+0.005000000',
      currentTime: '2026-12-07 03:40:00.005 +0000 UTC m=+0.005000000',
    });
  });

  it("prints times as Go's %q of a time.Time, the zero time before any sync", () => {
    expect(goTime(undefined, T0)).toBe('0001-01-01 00:00:00 +0000 UTC');
    expect(goTime(T0 + 120, T0)).toBe('2026-12-07 03:40:00.12 +0000 UTC m=+0.120000000');
  });

  it('calls a node not eligible when it is being deleted or the autoscaler marked it', () => {
    expect(nodeEligible(undefined)).toBe(true);
    expect(nodeEligible({ metadata: {} })).toBe(true);
    expect(nodeEligible({ metadata: { deletionTimestamp: '2026-12-07T03:40:00Z' } })).toBe(false);
    const marked = { metadata: {}, spec: { taints: [{ key: 'ToBeDeletedByClusterAutoscaler' }] } };
    expect(nodeEligible(marked)).toBe(false);
  });

  it('tells its listeners of the syncs that changed the rules, and keeps them to read later', () => {
    const clock = new FakeClock(T0);
    const h = new ProxierHealth(clock);
    const heard: ProxierSync[] = [];
    const off = h.onSync((s) => heard.push(s));
    h.updated(); // a sync with no change: health only
    clock.advance(10);
    h.updated({ elapsedMs: 3, syncMs: 1, servicePorts: 2, endpoints: 5 });
    off();
    h.updated({ elapsedMs: 4, syncMs: 1, servicePorts: 2, endpoints: 4 });
    expect(heard).toEqual([
      { at: T0 + 10, elapsedMs: 3, syncMs: 1, servicePorts: 2, endpoints: 5 },
    ]);
    expect(h.syncsSince(T0 + 10).map((s) => s.endpoints)).toEqual([5, 4]);
    expect(h.syncsSince(T0 + 11)).toEqual([]);
  });

  it('serves /healthz and /livez over HTTP, 404 for anything else', async () => {
    const clock = new FakeClock(Date.now());
    const h = new ProxierHealth(clock);
    let eligible = true;
    const srv = await listenProxierHealth(
      { host: '127.0.0.1', port: 0 },
      h,
      () => eligible,
      clock.now(),
    );
    try {
      const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const ok = await fetch(`${base}/healthz`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('application/json');
      expect(((await ok.json()) as { nodeEligible: boolean }).nodeEligible).toBe(true);
      eligible = false;
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      expect((await fetch(`${base}/livez?verbose`)).status).toBe(200);
      const other = await fetch(`${base}/metrics`);
      expect(other.status).toBe(404);
      expect(await other.text()).toBe('404 page not found\n');
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
