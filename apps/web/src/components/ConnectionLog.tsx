import { useEffect, useMemo, useState } from 'react';
import type { ConnectionEvent } from '@l4lab/protocol';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { LogFilters, matches, type Filters } from './LogFilters.tsx';
import { LogRow, ROW_H } from './LogRow.tsx';
import { RewindBar } from './RewindBar.tsx';

const selectLog = (s: AppState) => ({ paused: s.logPaused, rewindAt: s.rewindAt });

/** One row per connection (its latest event), newest first, up to the cursor when rewound. */
function rowsOf(events: readonly ConnectionEvent[], f: Filters, until: number | undefined) {
  const byId = new Map<string, ConnectionEvent>();
  for (const e of events) {
    if (until !== undefined && e.startedAt > until) continue;
    if (matches(e, f)) byId.set(e.id, e);
  }
  return [...byId.values()].reverse();
}

/** Recent connections: filters, pause, rewind; only the rows in view are rendered. */
export function ConnectionLog() {
  const { paused, rewindAt } = useAppStore(selectLog);
  const [filters, setFilters] = useState<Filters>({
    service: '',
    pod: '',
    outcome: '',
    client: '',
  });
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(300);
  // Re-read the store twice a second (never per event); paused or rewound, the list stays put.
  const [events, setEvents] = useState(() => appStore.getState().recent);
  useEffect(() => {
    if (paused || rewindAt !== undefined) return;
    const id = setInterval(() => setEvents(appStore.getState().recent), 500);
    return () => clearInterval(id);
  }, [paused, rewindAt]);
  const rows = useMemo(() => rowsOf(events, filters, rewindAt), [events, filters, rewindAt]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - 5);
  const last = Math.min(rows.length, first + Math.ceil(height / ROW_H) + 10);
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
      <div className="log-head" role="row">
        <span>time</span>
        <span>client</span>
        <span>frontend</span>
        <span>service → pod</span>
        <span>outcome</span>
        <span>mode · reason</span>
      </div>
      <div
        className="log-rows"
        role="table"
        aria-label="connections"
        ref={(el) => {
          if (el && Math.abs(el.clientHeight - height) > 20) setHeight(el.clientHeight);
        }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: rows.length * ROW_H, position: 'relative' }}>
          {rows.slice(first, last).map((e, i) => (
            <LogRow key={e.id} event={e} top={(first + i) * ROW_H} />
          ))}
        </div>
        {rows.length === 0 && (
          <p className="muted">No connections{rewindAt ? ' before the cursor' : ' yet'}.</p>
        )}
      </div>
    </div>
  );
}
