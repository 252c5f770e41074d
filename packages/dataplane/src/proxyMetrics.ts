import { createServer, type Server } from 'node:http';
import { listenExclusive, type HealthzCounts, type ProxierHealth } from './proxierHealth.ts';

/** kube-proxy's metrics port (`--metrics-bind-address`, 127.0.0.1:10249 by default). */
export const PROXY_METRICS_PORT = 10249;

function family(name: string, type: string, help: string, samples: string[]): string[] {
  return [`# HELP ${name} [ALPHA] ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

function byCode(name: string, counts: Map<number, number>): string[] {
  return [...counts].sort(([a], [b]) => a - b).map(([code, n]) => `${name}{code="${code}"} ${n}`);
}

/**
 * kube-proxy's metrics that l4lab measures, in Prometheus' text format under kube-proxy's names:
 * the network programming duration (from a change seen to the rules in force), each sync's own
 * duration, the last sync
 * and the last queued change, and the health servers' answers by code.
 */
export function kubeProxyMetricsText(health: ProxierHealth, counts: HealthzCounts): string {
  const seconds = (ms: number | undefined) => (ms === undefined ? [] : [String(ms / 1000)]);
  const gauge = (name: string, help: string, ms: number | undefined) =>
    family(
      name,
      'gauge',
      help,
      seconds(ms).map((v) => `${name} ${v}`),
    );
  const lines = [
    ...family(
      'kubeproxy_network_programming_duration_seconds',
      'histogram',
      'In Cluster Network Programming Latency in seconds',
      health.programming.samples('kubeproxy_network_programming_duration_seconds'),
    ),
    ...family(
      'kubeproxy_sync_proxy_rules_duration_seconds',
      'histogram',
      'SyncProxyRules latency in seconds',
      health.syncDuration.samples('kubeproxy_sync_proxy_rules_duration_seconds'),
    ),
    ...family(
      'kubeproxy_proxy_healthz_total',
      'counter',
      'Cumulative proxy healthz HTTP status',
      byCode('kubeproxy_proxy_healthz_total', counts.healthz),
    ),
    ...family(
      'kubeproxy_proxy_livez_total',
      'counter',
      'Cumulative proxy livez HTTP status',
      byCode('kubeproxy_proxy_livez_total', counts.livez),
    ),
    ...gauge(
      'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds',
      'The last time a sync of proxy rules was queued',
      health.lastQueued,
    ),
    ...gauge(
      'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
      'The last time proxy rules were successfully synced',
      health.lastUpdated,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * kube-proxy's metrics server: `/metrics`, `/proxyMode` (the mode, as text: what `curl
 * localhost:10249/proxyMode` says on a node), `/healthz` (`ok`); 404 for anything else.
 */
export function listenKubeProxyMetrics(
  at: { host: string; port: number },
  o: { mode: string; health: ProxierHealth; counts: HealthzCounts },
): Promise<Server> {
  const srv = createServer(function serveKubeProxyMetrics(req, res) {
    const path = (req.url ?? '/').split('?')[0];
    const text = (body: string, type = 'text/plain; charset=utf-8', status = 200) => {
      res.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' });
      res.end(body);
    };
    if (path === '/proxyMode') text(o.mode);
    else if (path === '/healthz') text('ok');
    else if (path === '/metrics')
      text(kubeProxyMetricsText(o.health, o.counts), 'text/plain; version=0.0.4; charset=utf-8');
    else text('404 page not found\n', 'text/plain; charset=utf-8', 404);
  });
  return listenExclusive(srv, at);
}
