import { useMemo, useState } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { resetCounts, setCountMode, useCountWindow } from '../hooks/useCountWindow.ts';
import { useNow } from '../hooks/useNow.ts';
import { appStore } from '../store/appStore.ts';
import { spotlightShown } from '../store/classViewSlice.ts';
import type { AppState } from '../store/createAppStore.ts';
import { snapshotOf, WINDOW_MS, windowStart, type WindowMode } from '../stats/countWindow.ts';
import { distributions, type ServiceDistribution } from '../stats/distribution.ts';
import { DistributionBars } from './DistributionBars.tsx';
import { DistributionVerdict } from './DistributionVerdict.tsx';
import { seconds } from '../format/duration.ts';
import { isSystem } from '../graph/graphModel.ts';

const selectInput = (s: AppState) => ({
  cluster: s.cluster,
  showSystem: s.showSystem,
  defaultMode: s.server?.proxyMode ?? 'iptables',
  // The workshop's spotlight: the spotlit student's Services only.
  spotlight: spotlightShown(s),
});

type Unit = 'connections' | 'requests';

function ServiceCard({ d, now }: { d: ServiceDistribution; now: number }) {
  const [unit, setUnit] = useState<Unit>('connections');
  const split = unit === 'requests' ? d.requests : d.connections;
  const requests = d.requests?.total ?? 0;
  return (
    <div className="dist-service" role="group" aria-label={`distribution ${d.service}`}>
      <h3 className="dist-head">
        <span className="dist-name">{d.service}</span>
        <span className="seg" role="group" aria-label="count">
          {(['connections', 'requests'] as const).map((u) => (
            <button key={u} type="button" aria-pressed={unit === u} onClick={() => setUnit(u)}>
              {u}
            </button>
          ))}
        </span>
      </h3>
      {split ? (
        <>
          <DistributionBars rows={split.rows} total={split.total} />
          {d.refused > 0 && unit === 'connections' && (
            <p className="dist-refused">{d.refused} refused or dropped (no endpoint)</p>
          )}
          {d.blocked > 0 && unit === 'connections' && (
            <p className="dist-refused">{d.blocked} sent to a pod and dropped by a NetworkPolicy</p>
          )}
          <DistributionVerdict split={split} unit={unit} now={now} expected={d.notUniform} />
        </>
      ) : (
        <p className="dist-note">
          No traffic generator of this page sends requests to this Service.
        </p>
      )}
      {d.keepAlive && (
        <p className="dist-keepalive">
          keep-alive: {requests} requests over{' '}
          {d.requestConnections > 0
            ? `${d.requestConnections} connections`
            : 'connections opened earlier'}
          . kube-proxy balances connections; requests follow the pod their connection landed on.
        </p>
      )}
    </div>
  );
}

function WindowControls({
  mode,
  span,
}: {
  mode: WindowMode;
  /** How long the counts cover (ms). */
  span: number;
}) {
  const note =
    mode === 'reset'
      ? `${seconds(span)} since reset`
      : span < WINDOW_MS - 1000
        ? `${seconds(span)} so far (the page opened then)`
        : '';
  return (
    <div className="dist-window" data-mode={mode}>
      <span className="seg" role="group" aria-label="window">
        <button
          type="button"
          aria-pressed={mode === 'window'}
          onClick={() => setCountMode('window')}
        >
          last {WINDOW_MS / 1000} s
        </button>
        <button type="button" aria-pressed={mode === 'reset'} onClick={() => setCountMode('reset')}>
          since reset
        </button>
      </span>
      <button type="button" className="dist-reset" onClick={resetCounts}>
        Reset
      </button>
      <span className="dist-span" data-testid="dist-span">
        {note}
      </span>
    </div>
  );
}

const selectFocus = (s: AppState) => s.focusShown;

/** Per Service that exists now: how its connections (and requests) spread over its pods. */
export function Distribution() {
  const { cluster, showSystem, defaultMode, spotlight } = useAppStore(selectInput);
  const focus = useAppStore(selectFocus);
  const tick = useNow(1000);
  const { countWindow, mode } = useCountWindow();
  const { list, span } = useMemo(() => {
    const now = snapshotOf(appStore.getState(), tick);
    const start = windowStart(countWindow, mode, tick) ?? now;
    const list = distributions({
      cluster,
      now,
      start,
      readySince: (service) => countWindow.readySets.get(service)?.since,
      defaultMode,
      visible: (ns, name) =>
        (spotlight === undefined || ns === spotlight) && (showSystem || !isSystem(ns, name)),
    });
    return { list, span: Math.min(tick - start.t, mode === 'window' ? WINDOW_MS : Infinity) };
  }, [cluster, showSystem, defaultMode, tick, countWindow, mode, spotlight]);
  return (
    <section className="panel distribution" data-testid="distribution" aria-label="Distribution">
      <h2>Distribution</h2>
      <WindowControls mode={mode} span={span} />
      {list.length === 0 && (
        <p className="dist-note">
          No connections {mode === 'window' ? `in the last ${WINDOW_MS / 1000} s` : 'since reset'}.
        </p>
      )}
      {/* The Service in focus on the graph first: on a projector, it may be the only one seen. */}
      {[...list.filter((d) => d.service === focus), ...list.filter((d) => d.service !== focus)].map(
        (d) => (
          <ServiceCard key={d.service} d={d} now={tick} />
        ),
      )}
    </section>
  );
}
