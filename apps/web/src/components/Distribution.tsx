import { useMemo, useState } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { distributions, type ServiceDistribution } from '../stats/distribution.ts';
import { DistributionBars } from './DistributionBars.tsx';

const selectInput = (s: AppState) => ({
  cluster: s.cluster,
  showSystem: s.showSystem,
  defaultMode: s.server?.proxyMode ?? 'iptables',
});

function Verdict({ d, by }: { d: ServiceDistribution; by: 'connections' | 'requests' }) {
  const test = by === 'connections' ? d.connTest : d.reqTest;
  if (!test) return <p className="verdict muted">Not enough endpoints or counts to test.</p>;
  const p = test.pValue;
  const balanced = p >= 0.01;
  return (
    <p className={`verdict ${balanced ? 'ok' : 'warn'}`} data-testid="verdict">
      χ² = {test.statistic.toFixed(1)} (df {test.degreesOfFreedom}), p ={' '}
      {p < 0.0001 ? p.toExponential(1) : p.toFixed(3)}:{' '}
      {balanced ? 'consistent with a uniform split' : 'not uniform'}
      {' (threshold p < 0.01)'}
      {d.notUniform && <span className="muted"> · expected: {d.notUniform}</span>}
    </p>
  );
}

function ServiceCard({ d }: { d: ServiceDistribution }) {
  const [by, setBy] = useState<'connections' | 'requests'>('connections');
  const rows = by === 'connections' ? d.connections : d.requests;
  const total = rows.reduce((n, r) => n + r.count, 0);
  const requests = d.requests.reduce((n, r) => n + r.count, 0);
  return (
    <div className="dist-service" aria-label={`distribution ${d.service}`}>
      <h3>
        <span>{d.service}</span>
        <span className="seg" role="group" aria-label="count">
          {(['connections', 'requests'] as const).map((b) => (
            <button key={b} type="button" aria-pressed={by === b} onClick={() => setBy(b)}>
              {b}
            </button>
          ))}
        </span>
      </h3>
      {by === 'requests' && d.requests.length === 0 ? (
        <p className="muted small">
          No generator of this page's lab sends requests to this Service.
        </p>
      ) : (
        <DistributionBars rows={rows} total={total} />
      )}
      {d.refused > 0 && by === 'connections' && (
        <p className="bad small">{d.refused} refused or dropped (no endpoint)</p>
      )}
      <Verdict d={d} by={by} />
      {d.keepAlive && (
        <p className="note small">
          keep-alive: {requests} requests over {d.requestConnections} connections. kube-proxy
          balances connections, so requests follow whichever pod their connection landed on.
        </p>
      )}
    </div>
  );
}

/** Per Service: how its connections (and the generators' requests) spread over its endpoints. */
export function Distribution() {
  const { cluster, showSystem, defaultMode } = useAppStore(selectInput);
  const tick = useNow(1000);
  const list = useMemo(() => {
    const { counters, generators } = appStore.getState();
    return distributions(
      cluster,
      counters.values(),
      generators.values(),
      defaultMode,
      (ns) => showSystem || ns !== 'kube-system',
    );
    // `tick` re-reads the counters once a second.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cluster, showSystem, defaultMode, tick]);
  return (
    <section className="panel distribution" data-testid="distribution" aria-label="Distribution">
      <h2>Distribution</h2>
      {list.length === 0 && <p className="muted">No connections yet.</p>}
      {list.map((d) => (
        <ServiceCard key={d.service} d={d} />
      ))}
    </section>
  );
}
