import { useEffect, useMemo, useRef } from 'react';
import { createGraph, type Graph } from '../graph/createGraph.ts';
import { buildGraphModel } from '../graph/graphModel.ts';
import { OUTCOME_COLOURS } from '../graph/particles.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectGraphInput = (s: AppState) => ({
  cluster: s.cluster,
  counters: s.counters,
  recent: s.recent,
  mappings: s.mappings,
  mapped: s.server?.addressMode === 'mapped',
  selection: s.selection,
});

const LEGEND = [
  ['open', 'open'],
  ['ok', 'ok'],
  ['refused', 'refused'],
  ['dropped', 'dropped'],
  ['reset', 'reset'],
] as const;

export function GraphView() {
  const { selection, ...input } = useAppStore(selectGraphInput);
  const now = useNow(2000);
  const { cluster, counters, recent, mappings, mapped } = input;
  const model = useMemo(
    () => buildGraphModel({ cluster, counters, recent, mappings, mapped, now }),
    [cluster, counters, recent, mappings, mapped, now],
  );
  const hostRef = useRef<HTMLDivElement>(null);
  const graphRef = useRef<Graph | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const graph = createGraph(host, { onSelect: (key) => appStore.getState().select(key) });
    graphRef.current = graph;
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.lastBatch !== prev.lastBatch) graph.animate(s.lastBatch.events);
    });
    return () => {
      unsubscribe();
      graph.destroy();
      graphRef.current = null;
    };
  }, []);

  useEffect(() => {
    graphRef.current?.update({ model, selection });
  }, [model, selection]);

  return (
    <section className="panel graph-panel" aria-label="Live graph">
      <div className="graph-host" ref={hostRef} />
      <ul className="legend" aria-label="Connection outcomes">
        {LEGEND.map(([outcome, label]) => (
          <li key={outcome}>
            <span className="legend-dot" style={{ background: OUTCOME_COLOURS[outcome] }} />
            {label}
          </li>
        ))}
        <li className="legend-hint">scroll to zoom · drag to pan</li>
      </ul>
    </section>
  );
}
