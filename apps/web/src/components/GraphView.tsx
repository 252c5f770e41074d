import { useEffect, useMemo, useRef } from 'react';
import { createGraph, type Graph } from '../graph/createGraph.ts';
import { graphActions } from '../graph/graphActions.ts';
import { buildGraphModel } from '../graph/graphModel.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { mirrorAt } from '../store/trafficSlice.ts';
import { DetailsDrawer } from './DetailsDrawer.tsx';
import { GraphLegend } from './GraphLegend.tsx';
import { GraphToolbar } from './GraphToolbar.tsx';

const selectGraphInput = (s: AppState) => ({
  cluster: s.cluster,
  history: s.history,
  mappings: s.mappings,
  mapped: s.server?.addressMode === 'mapped',
  defaultMode: s.server?.proxyMode ?? 'iptables',
  selection: s.selection,
  showSystem: s.showSystem,
  graphFocus: s.graphFocus,
  rewindAt: s.rewindAt,
});

/** The model at the moment shown: now (rates refreshed twice a second) or the rewind cursor. */
function useGraphModel() {
  const input = useAppStore(selectGraphInput);
  const tick = useNow(500);
  const { cluster, history, mappings, mapped, defaultMode, showSystem, graphFocus, rewindAt } =
    input;
  const model = useMemo(() => {
    const { counters, counterSamples, recent } = appStore.getState();
    const past = rewindAt !== undefined;
    const now = past ? rewindAt : tick;
    return buildGraphModel({
      cluster: past ? (mirrorAt(history, rewindAt) ?? cluster) : cluster,
      counters: past ? undefined : counters,
      countersBefore: past ? undefined : counterSamples[0],
      recent,
      mappings,
      mapped,
      showSystem,
      focus: graphFocus,
      now,
      past,
      defaultMode,
    });
  }, [cluster, history, mappings, mapped, defaultMode, showSystem, graphFocus, rewindAt, tick]);
  return { model, selection: input.selection, rewindAt };
}

export function GraphView() {
  const { model, selection, rewindAt } = useGraphModel();
  const hostRef = useRef<HTMLDivElement>(null);
  const graphRef = useRef<Graph | null>(null);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const graph = createGraph(host, {
      onSelect: (key) => {
        const { select, selection: current } = appStore.getState();
        select(current === key ? undefined : key);
      },
    });
    graphRef.current = graph;
    graphActions.attach(graph);
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.lastBatch !== prev.lastBatch && s.rewindAt === undefined) {
        graph.animate(s.lastBatch.events);
      }
    });
    return () => {
      unsubscribe();
      graph.destroy();
      graphRef.current = null;
      graphActions.attach(null);
    };
  }, []);

  // Twice a second the model is rebuilt; when nothing in it changed, D3 is left alone.
  const drawn = useRef('');
  useEffect(() => {
    const rewind =
      rewindAt === undefined ? undefined : { events: appStore.getState().recent, t: rewindAt };
    const signature = `${selection}|${rewindAt}|${JSON.stringify(model)}`;
    if (signature === drawn.current && !rewind) return;
    drawn.current = signature;
    graphRef.current?.update({ model, selection, rewind });
  }, [model, selection, rewindAt]);

  return (
    <section className="panel graph-panel" aria-label="Live graph">
      <GraphToolbar graph={graphRef} />
      <div className="graph-body">
        <div className="graph-host" ref={hostRef} data-testid="graph" />
        <DetailsDrawer />
      </div>
      <GraphLegend past={rewindAt !== undefined} />
    </section>
  );
}
