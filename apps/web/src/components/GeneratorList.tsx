import type { TrafficStatus } from '@l4lab/protocol';
import { useState } from 'react';
import { stopTraffic } from '../api/http.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { selectGenerators } from '../store/selectors.ts';
import { generatorName, parseTarget, selectTargets } from './trafficTargets.ts';

function ms(n: number): string {
  return n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`;
}

/**
 * `DELETE /api/traffic/{id}`: stops a running generator; forgets one that no longer runs (its card
 * goes with the server's next `traffic_status`).
 */
async function deleteGenerator(g: TrafficStatus): Promise<string | undefined> {
  const result = await stopTraffic(g.id).catch((e: unknown) => ({
    ok: false as const,
    message: e instanceof Error ? e.message : String(e),
  }));
  return result.ok ? undefined : result.message;
}

function Generator({ g, name }: { g: TrafficStatus; name: string }) {
  const [error, setError] = useState<string | undefined>(undefined);
  // One call at a time: a second DELETE would forget the generator the first one just stopped.
  const [busy, setBusy] = useState(false);
  const byPod = Object.entries(g.byPod).sort(([a], [b]) => a.localeCompare(b));
  const running = g.state === 'running';
  async function onClick() {
    setBusy(true);
    setError(undefined);
    const failed = await deleteGenerator(g);
    setError(failed);
    // a removed card stays disabled until the server's list drops it
    if (failed !== undefined || running) setBusy(false);
  }
  // The exact target and what it resolved to, where the name does not already say it.
  const address = [...new Set([g.target, g.resolved])].filter((a) => !name.includes(a));
  return (
    <li className={`generator ${g.state}`} data-testid="generator" aria-label={`generator ${name}`}>
      <div className="generator-head">
        <span className={`state ${g.state}`}>{g.state}</span>
        <span className="generator-what">
          {rateText(g.rate)}/s {g.protocol}
          {g.from !== 'external' ? ` from ${g.from.replace(/^pod:/, '')}` : ''}
        </span>
        <button
          type="button"
          onClick={onClick}
          disabled={busy}
          aria-label={running ? undefined : `Remove ${name}`}
          title={running ? undefined : 'Remove this generator and its results'}
        >
          {running ? 'Stop' : 'Remove'}
        </button>
      </div>
      <div className="generator-name">{name}</div>
      {address.length > 0 && <div className="generator-address">{address.join(' → ')}</div>}
      <div className="generator-stats">
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

/** Stopped and finished generators: one row that opens their cards, and a button to clear them. */
function EndedGenerators({ ended, names }: { ended: TrafficStatus[]; names: string[] }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  async function clear() {
    setBusy(true);
    const errors = await Promise.all(ended.map(deleteGenerator));
    setError(errors.find((e) => e !== undefined));
    setBusy(false);
  }
  return (
    <div className="generators-ended">
      <div className="generators-ended-head">
        <button
          type="button"
          className="generators-ended-toggle"
          aria-expanded={open}
          title="Stopped or finished generators, with their results"
          onClick={() => setOpen(!open)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {ended.length} ended
        </button>
        <button type="button" onClick={clear} disabled={busy} title="Remove every ended generator">
          Clear
        </button>
      </div>
      {open && (
        <ul className="generators" aria-label="Ended traffic generators">
          {ended.map((g, i) => (
            <Generator key={g.id} g={g} name={names[i] ?? g.target} />
          ))}
        </ul>
      )}
      {error && (
        <p className="bad small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** `466.7`, not `466.6666666666667` (a rate split over generators). */
function rateText(rate: number): string {
  return Number.isInteger(rate) ? String(rate) : rate.toFixed(1);
}

export function GeneratorList() {
  const generators = useAppStore(selectGenerators);
  const targets = useAppStore(selectTargets).map(parseTarget);
  if (generators.length === 0) return <p className="muted">No traffic generators yet.</p>;
  const running = generators.filter((g) => g.state === 'running');
  const ended = generators.filter((g) => g.state !== 'running');
  return (
    <>
      {running.length > 0 && (
        <ul className="generators" aria-label="Traffic generators">
          {running.map((g) => (
            <Generator key={g.id} g={g} name={generatorName(g, targets)} />
          ))}
        </ul>
      )}
      {ended.length > 0 && (
        <EndedGenerators ended={ended} names={ended.map((g) => generatorName(g, targets))} />
      )}
    </>
  );
}
