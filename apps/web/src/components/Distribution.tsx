import { useMemo } from 'react';
import type { EndpointCounters } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectCounters } from '../store/selectors.ts';

interface Row {
  endpoint: string;
  count: number;
}

/** Per Service (all its ports): connections per pod, and refused/dropped ones without a pod. */
function distribution(counters: EndpointCounters[]): [string, Row[], number][] {
  const byService = new Map<string, Map<string, number>>();
  for (const c of counters) {
    const service = c.service.replace(/:[^:/]*$/, '');
    const rows = byService.get(service) ?? new Map<string, number>();
    byService.set(service, rows);
    const endpoint = c.endpoint || 'no endpoint (refused/dropped)';
    const count = c.endpoint ? c.connections : c.refused + c.dropped;
    rows.set(endpoint, (rows.get(endpoint) ?? 0) + count);
  }
  return [...byService.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, rows]) => {
      const list = [...rows.entries()]
        .map(([endpoint, count]) => ({ endpoint, count }))
        .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
      return [service, list, list.reduce((n, r) => n + r.count, 0)];
    });
}

export function Distribution() {
  const counters = useAppStore(selectCounters);
  const services = useMemo(() => distribution(counters), [counters]);
  return (
    <section className="panel distribution" data-testid="distribution" aria-label="Distribution">
      <h2>Distribution</h2>
      {services.length === 0 && <p className="muted">No connections yet.</p>}
      {services.map(([service, rows, total]) => (
        <div key={service} className="dist-service" aria-label={`distribution ${service}`}>
          <h3>
            {service} <span className="muted">{total} conn</span>
          </h3>
          <ul>
            {rows.map((r) => {
              const pct = total > 0 ? (100 * r.count) / total : 0;
              return (
                <li
                  key={r.endpoint}
                  className={r.endpoint.startsWith('no endpoint') ? 'bad' : undefined}
                >
                  <span className="pod-name" title={r.endpoint}>
                    {r.endpoint.split('/').pop()}
                  </span>
                  <span className="bar" aria-hidden="true">
                    <span style={{ width: `${pct}%` }} />
                  </span>
                  <span className="num">{r.count}</span>
                  <span className="num">{pct.toFixed(1)}%</span>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}
