import type { TrafficStatus } from '@l4lab/protocol';
import { useState } from 'react';
import { stopTraffic } from '../api/http.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectGenerators } from '../store/selectors.ts';

function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

function Generator({ g }: { g: TrafficStatus }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const byPod = Object.entries(g.byPod).sort(([a], [b]) => a.localeCompare(b));
  async function stop() {
    setError(undefined);
    const result = await stopTraffic(g.id).catch((e: unknown) => ({
      ok: false as const,
      message: e instanceof Error ? e.message : String(e),
    }));
    if (!result.ok) setError(result.message);
  }
  return (
    <li
      className={`generator ${g.state}`}
      data-testid="generator"
      aria-label={`generator ${g.target}`}
    >
      <div className="generator-head">
        <span className={`state ${g.state}`}>{g.state}</span>
        <span className="target" title={g.resolved}>
          {g.target}
        </span>
        <button type="button" onClick={stop} disabled={g.state !== 'running'}>
          Stop
        </button>
      </div>
      <div className="generator-stats">
        <span>
          {g.rate}/s {g.protocol}
          {g.from !== 'external' ? ` from ${g.from.replace(/^pod:/, '')}` : ''}
        </span>
        <span>sent {g.sent}</span>
        {g.connections !== undefined && g.connections !== g.sent && (
          <span>conns {g.connections}</span>
        )}
        <span className="ok">ok {g.ok}</span>
        <span className={g.errors > 0 ? 'bad' : undefined}>errors {g.errors}</span>
        <span>
          p50 {ms(g.latencyMs.p50)} · p90 {ms(g.latencyMs.p90)} · p99 {ms(g.latencyMs.p99)}
        </span>
      </div>
      {byPod.length > 0 && (
        <ul className="by-pod" aria-label="answers per pod">
          {byPod.map(([pod, n]) => (
            <li key={pod}>
              <span className="pod-name">{pod}</span> <b>{n}</b>
            </li>
          ))}
        </ul>
      )}
      {g.lastError && <p className="bad small">{g.lastError}</p>}
      {error && (
        <p className="bad small" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

export function GeneratorList() {
  const generators = useAppStore(selectGenerators);
  if (generators.length === 0) return <p className="muted">No traffic generators yet.</p>;
  return (
    <ul className="generators" aria-label="Traffic generators">
      {generators.map((g) => (
        <Generator key={g.id} g={g} />
      ))}
    </ul>
  );
}
