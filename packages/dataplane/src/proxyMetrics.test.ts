import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '@l4lab/cluster';
import { Histogram, ProxierHealth, type HealthzCounts } from './proxierHealth.ts';
import { kubeProxyMetricsText, listenKubeProxyMetrics } from './proxyMetrics.ts';

const T0 = Date.parse('2026-12-07T03:40:00.000Z');

describe("kube-proxy's metrics (10249)", () => {
  it('keeps a Prometheus histogram: cumulative buckets, +Inf, sum and count', () => {
    const h = new Histogram([1, 0.25, 0.5]);
    for (const v of [0.1, 0.3, 0.3, 2]) h.observe(v);
    expect(h.samples('x')).toEqual([
      'x_bucket{le="0.25"} 1',
      'x_bucket{le="0.5"} 3',
      'x_bucket{le="1"} 3',
      'x_bucket{le="+Inf"} 4',
      'x_sum 2.7',
      'x_count 4',
    ]);
  });

  it("says the syncs, the last queued change and the health servers' answers under kube-proxy's names", () => {
    const clock = new FakeClock(T0);
    const health = new ProxierHealth(clock);
    const counts: HealthzCounts = {
      healthz: new Map([
        [503, 1],
        [200, 4],
      ]),
      livez: new Map(),
    };
    const before = kubeProxyMetricsText(health, counts);
    // Never synced: the gauges have no sample (as a gauge never set is not exported).
    expect(before).not.toMatch(/^kubeproxy_sync_proxy_rules_last_timestamp_seconds /m);
    health.queuedUpdate();
    clock.advance(30);
    health.updated({ elapsedMs: 30, syncMs: 3, servicePorts: 1, endpoints: 3 });
    // Every sync's own run, a change or not: 3 ms, then 0.5 ms, then 20 s (over the last bucket).
    for (const ms of [3, 0.5, 20_000]) health.ran(ms);
    const text = kubeProxyMetricsText(health, counts);
    expect(text).toContain(
      '# HELP kubeproxy_sync_proxy_rules_duration_seconds [ALPHA] SyncProxyRules latency in seconds\n' +
        '# TYPE kubeproxy_sync_proxy_rules_duration_seconds histogram\n' +
        'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="0.001"} 1\n' +
        'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="0.002"} 1\n' +
        'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="0.004"} 2\n',
    );
    expect(text).toContain(
      'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="16.384"} 2\n' +
        'kubeproxy_sync_proxy_rules_duration_seconds_bucket{le="+Inf"} 3\n' +
        'kubeproxy_sync_proxy_rules_duration_seconds_sum 20.0035\n' +
        'kubeproxy_sync_proxy_rules_duration_seconds_count 3\n',
    );
    expect(text).toContain('# TYPE kubeproxy_network_programming_duration_seconds histogram\n');
    expect(text).toContain('kubeproxy_network_programming_duration_seconds_bucket{le="0.25"} 1\n');
    expect(text).toContain('kubeproxy_network_programming_duration_seconds_sum 0.03\n');
    expect(text).toContain(
      'kubeproxy_proxy_healthz_total{code="200"} 4\nkubeproxy_proxy_healthz_total{code="503"} 1\n',
    );
    expect(text).toContain(
      `kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds ${T0 / 1000}\n`,
    );
    expect(text).toContain(
      `kubeproxy_sync_proxy_rules_last_timestamp_seconds ${(T0 + 30) / 1000}\n`,
    );
  });

  it('serves /proxyMode as text, /metrics, /healthz ok, and 404 for anything else', async () => {
    const health = new ProxierHealth(new FakeClock(T0));
    const srv = await listenKubeProxyMetrics(
      { host: '127.0.0.1', port: 0 },
      { mode: 'ipvs', health, counts: { healthz: new Map(), livez: new Map() } },
    );
    try {
      const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
      const mode = await fetch(`${base}/proxyMode`);
      expect([mode.status, await mode.text()]).toEqual([200, 'ipvs']);
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await metrics.text()).toContain('# HELP kubeproxy_proxy_livez_total');
      expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
      expect((await fetch(`${base}/configz`)).status).toBe(404);
    } finally {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
