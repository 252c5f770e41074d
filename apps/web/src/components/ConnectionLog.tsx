import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionEvent } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { LogFilters, matches, type Filters } from './LogFilters.tsx';
import { LogRow } from './LogRow.tsx';
import { useLogMetrics } from '../hooks/useLogMetrics.ts';
import { rowHeight, rowTops, visibleRows, type LogMetrics } from './logLayout.ts';
import { RewindBar } from './RewindBar.tsx';

const selectLog = (s: AppState) => ({ paused: s.logPaused, rewindAt: s.rewindAt });

/** Heights of rows as drawn (px by event id), valid for the metrics they were drawn with. */
interface Measured {
  metrics: LogMetrics;
  heights: ReadonlyMap<string, number>;
}

/** One row per connection (its latest event), newest first, up to the cursor when rewound. */
function rowsOf(events: readonly ConnectionEvent[], f: Filters, until: number | undefined) {
  const byId = new Map<string, ConnectionEvent>();
  for (const e of events) {
    if (until !== undefined && e.startedAt > until) continue;
    if (matches(e, f)) byId.set(e.id, e);
  }
  return [...byId.values()].reverse();
}

/**
 * Recent connections: filters, pause, rewind; only the rows in view are rendered. While another
 * dock tab is shown (`active` false) the list is not refreshed: at 2,000 connections/s its rows
 * cost the page a tenth of its time for nothing on screen.
 */
export function ConnectionLog({ active = true }: { active?: boolean }) {
  const { paused, rewindAt } = useAppStore(selectLog);
  const [filters, setFilters] = useState<Filters>({
    service: '',
    pod: '',
    outcome: '',
    client: '',
  });
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  const { metrics, service, reason, probe } = useLogMetrics();
  // Re-read the store twice a second (never per event); paused or rewound, the list stays put.
  const [events, setEvents] = useState(() => appStore.getState().recent);
  useEffect(() => {
    if (!active || paused || rewindAt !== undefined) return;
    const refresh = () => setEvents(appStore.getState().recent);
    const first = setTimeout(refresh, 0); // shown again: the latest at once
    const id = setInterval(refresh, 500);
    return () => {
      clearTimeout(first);
      clearInterval(id);
    };
  }, [active, paused, rewindAt]);
  const rows = useMemo(() => rowsOf(events, filters, rewindAt), [events, filters, rewindAt]);
  // Rows drawn are measured; the others' heights are computed (logLayout.ts).
  const [measured, setMeasured] = useState<Measured>({ metrics, heights: new Map() });
  const heights = measured.metrics === metrics ? measured.heights : undefined;
  const tops = useMemo(
    () => rowTops(rows.map((e) => heights?.get(e.id) ?? rowHeight(e, metrics))),
    [rows, metrics, heights],
  );
  const [first, end] = visibleRows(tops, scrollTop, height);
  const body = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const drawn = body.current?.querySelectorAll<HTMLElement>('[data-row-id]') ?? [];
    // Hidden (another dock tab), rows measure 0: nothing to learn then.
    const changed = [...drawn].filter(
      (el) => el.offsetHeight > 0 && heights?.get(el.dataset.rowId!) !== el.offsetHeight,
    );
    if (changed.length === 0) return;
    const live = new Set(rows.map((e) => e.id));
    const next = new Map([...(heights ?? [])].filter(([id]) => live.has(id)));
    for (const el of changed) next.set(el.dataset.rowId!, el.offsetHeight);
    setMeasured({ metrics, heights: next });
  }, [rows, metrics, heights, first, end]);
  return (
    <div className="connection-log" data-testid="connection-log">
      <div className="log-bar">
        <LogFilters value={filters} onChange={setFilters} />
        <button
          type="button"
          aria-pressed={paused}
          onClick={() => appStore.getState().setLogPaused(!paused)}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
        <span className="muted small" data-testid="log-count">
          {rows.length} connections
        </span>
      </div>
      <RewindBar />
      <div
        className="log-rows"
        role="table"
        aria-label="connections"
        ref={(el) => {
          if (el && Math.abs(el.clientHeight - height) > 20) setHeight(el.clientHeight);
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="log-head" role="row">
          <span role="columnheader">time</span>
          <span role="columnheader">client</span>
          <span role="columnheader">frontend</span>
          <span role="columnheader" ref={service}>
            service → pod
          </span>
          <span role="columnheader">outcome</span>
          <span role="columnheader" ref={reason}>
            mode · reason
          </span>
        </div>
        <span className="log-probe" aria-hidden="true" ref={probe}>
          0000000000
        </span>
        <div ref={body} style={{ height: tops.at(-1), position: 'relative' }}>
          {rows.slice(first, end).map((e, i) => (
            <LogRow key={e.id} event={e} top={tops[first + i]!} />
          ))}
        </div>
        {rows.length === 0 && (
          <p className="muted">No connections{rewindAt ? ' before the cursor' : ' yet'}.</p>
        )}
      </div>
    </div>
  );
}
