import type { ManifestError } from '@l4lab/protocol';
import { useMemo } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import { selectProblems } from '../store/selectors.ts';

interface Problem extends ManifestError {
  source: 'editor' | 'server';
}

/** Client-side and server problems, without duplicates, in text order. */
function merge(client: readonly ManifestError[], server: readonly ManifestError[]): Problem[] {
  const seen = new Set<string>();
  const all: Problem[] = [];
  for (const [source, list] of [
    ['server', server],
    ['editor', client],
  ] as const) {
    for (const p of list) {
      const key = `${p.line}:${p.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push({ ...p, source });
    }
  }
  return all.sort((a, b) => a.line - b.line || a.column - b.column);
}

export function ProblemsList() {
  const { client, server } = useAppStore(selectProblems);
  const problems = useMemo(() => merge(client, server), [client, server]);
  const errors = problems.filter((p) => p.severity === 'error').length;
  return (
    <section className="problems" aria-label="Problems">
      <h2>
        Problems{' '}
        <span className={errors > 0 ? 'count bad' : 'count'}>
          {errors} {errors === 1 ? 'error' : 'errors'}, {problems.length - errors} warnings
        </span>
      </h2>
      <ul data-testid="problems">
        {problems.map((p, i) => (
          <li key={`${p.source}-${i}`} data-testid="problem" className={`problem ${p.severity}`}>
            <button
              type="button"
              onClick={() => appStore.getState().revealPosition(p.line, p.column)}
              title={p.path ? `${p.path} (${p.code})` : p.code}
            >
              <span className="severity">{p.severity}</span>
              <span className="message">{p.message}</span>
              <span className="where">
                line {p.line}
                {p.source === 'server' ? ' · server' : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
