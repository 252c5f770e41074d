import { useEffect, useMemo, useRef, useState } from 'react';
import { createGraph, type Graph } from '../graph/createGraph.ts';
import { graphActions } from '../graph/graphActions.ts';
import {
  requestRates,
  withGeneratorSample,
  type GeneratorSample,
} from '../graph/generatorRates.ts';
import { buildGraphModel } from '../graph/graphModel.ts';
import { fitsReadably } from '../graph/layout.ts';
import { MIN_SCREEN_FONT, SMALLEST_FONT } from '../graph/textSize.ts';
import { useAutoFocus } from '../hooks/useAutoFocus.ts';
import { useElementSize } from '../hooks/useElementSize.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { labNow } from '../replay/labClock.ts';
import { appStore } from '../store/appStore.ts';
import { spotlightShown } from '../store/classViewSlice.ts';
import type { AppState } from '../store/createAppStore.ts';
import { mirrorAt } from '../store/trafficSlice.ts';
import { DetailsDrawer } from './DetailsDrawer.tsx';
import { GraphLegend } from './GraphLegend.tsx';
import { ALL_SERVICES } from './graphFocus.ts';
import { GraphToolbar } from './GraphToolbar.tsx';

const selectGraphInput = (s: AppState) => ({
  cluster: s.cluster,
  history: s.history,
  mappings: s.mappings,
  mapped: s.server?.addressMode === 'mapped',
  defaultMode: s.server?.proxyMode ?? 'iptables',
  kernel: s.server?.dataplane === 'nftables',
  selection: s.selection,
  showSystem: s.showSystem,
  graphFocus: s.graphFocus,
  rewindAt: s.rewindAt,
  presenter: s.presenter,
  // The instructor's spotlight (workshop mode): one student's namespace alone.
  namespace: spotlightShown(s),
});

/** How long a "does every Service fit?" answer is kept while nothing else changes. */
const FIT_RECHECK_MS = 2000;

/** The last "does every Service fit?" answer and what it was decided from. */
interface FitDecision {
  inputs: unknown[];
  until: number;
  focus: string | undefined;
  alone: boolean;
}

/** The fit answer as the graph was last rebuilt (one graph on the page). */
const fit: { last?: FitDecision } = {};

function rememberFit(decision: FitDecision | undefined): void {
  fit.last = decision;
}

/** The generators' answers as the graph was rebuilt (one graph on the page). */
const sampled: { history: GeneratorSample[] } = { history: [] };

const selectSelection = (s: AppState) => ({ selection: s.selection, rewindAt: s.rewindAt });

/**
 * The model at the moment shown (now, rates refreshed twice a second, or the rewind cursor), and
 * the Service in focus. "auto" shows every Service when they fit at a readable size, else the
 * Service whose traffic runs (or the last applied) alone; "all" always shows every Service.
 */
function useGraphModel(size: { width: number; height: number }) {
  const input = useAppStore(selectGraphInput);
  const tick = useNow(500);
  const {
    cluster,
    history,
    mappings,
    mapped,
    defaultMode,
    kernel,
    showSystem,
    graphFocus,
    rewindAt,
    namespace,
  } = input;
  const minScreenFont = input.presenter ? MIN_SCREEN_FONT.presenter : MIN_SCREEN_FONT.normal;
  const auto = useAutoFocus(showSystem);
  return useMemo(() => {
    const { counters, counterSamples, recent, generators } = appStore.getState();
    const past = rewindAt !== undefined;
    const requests = past ? undefined : requestRates(sampled.history, tick);
    const now = past ? rewindAt : tick;
    const build = (focus: string | undefined) =>
      buildGraphModel({
        cluster: past ? (mirrorAt(history, rewindAt) ?? cluster) : cluster,
        counters: past ? undefined : counters,
        countersBefore: past ? undefined : counterSamples[0],
        recent,
        generators: past ? undefined : [...generators.values()],
        requestRates: requests,
        mappings,
        mapped,
        showSystem,
        focus,
        namespace,
        now,
        past,
        defaultMode,
        kernel,
      });
    const explicit = graphFocus === ALL_SERVICES ? undefined : graphFocus;
    const inputs = [cluster, showSystem, graphFocus, namespace, auto, size.width, size.height];
    const last = fit.last;
    // Whether every Service fits is decided on the whole model, then kept while the objects and
    // the panel stay the same (re-checked every FIT_RECHECK_MS, as clients come and go): the
    // focus alone is then the only model built per refresh.
    if (last && last.until > now && inputs.every((x, i) => x === last.inputs[i])) {
      const model = build(last.alone ? last.focus : explicit);
      return { model, focus: last.focus, alone: last.alone, minScreenFont };
    }
    const all = build(explicit);
    const focus = explicit ?? (auto && all.services.some((x) => x.id === auto) ? auto : undefined);
    const alone =
      graphFocus === undefined &&
      focus !== undefined &&
      size.width > 0 &&
      !fitsReadably(all, {
        width: size.width,
        height: size.height,
        minScale: minScreenFont / SMALLEST_FONT,
        maxScale: 4,
        focus,
      });
    rememberFit(past ? undefined : { inputs, until: now + FIT_RECHECK_MS, focus, alone });
    return { model: alone ? build(focus) : all, focus, alone, minScreenFont };
  }, [
    cluster,
    history,
    mappings,
    mapped,
    defaultMode,
    kernel,
    showSystem,
    graphFocus,
    rewindAt,
    namespace,
    tick,
    auto,
    size.width,
    size.height,
    minScreenFont,
  ]);
}

export function GraphView() {
  const hostRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(hostRef);
  const { model, focus, alone, minScreenFont } = useGraphModel(size);
  const { selection, rewindAt } = useAppStore(selectSelection);
  const graphRef = useRef<Graph | null>(null);
  const [cut, setCut] = useState<string[]>([]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const graph = createGraph(host, {
      onSelect: (key) => {
        const { select, selection: current } = appStore.getState();
        select(current === key ? undefined : key);
      },
      onCut: setCut,
    });
    graphRef.current = graph;
    graphActions.attach(graph);
    const unsubscribe = appStore.subscribe((s, prev) => {
      if (s.generators !== prev.generators)
        sampled.history = withGeneratorSample(sampled.history, labNow(), s.generators.values());
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

  useEffect(() => {
    if (appStore.getState().focusShown !== focus) appStore.getState().setFocusShown(focus);
  }, [focus]);

  // Twice a second the model is rebuilt; when nothing in it changed, D3 is left alone.
  const drawn = useRef('');
  useEffect(() => {
    const rewind =
      rewindAt === undefined ? undefined : { events: appStore.getState().recent, t: rewindAt };
    const signature = `${selection}|${rewindAt}|${minScreenFont}|${focus}|${JSON.stringify(model)}`;
    if (signature === drawn.current && !rewind) return;
    drawn.current = signature;
    graphRef.current?.update({ model, selection, rewind, minScreenFont, focus });
  }, [model, selection, rewindAt, minScreenFont, focus]);

  return (
    <section className="panel graph-panel" aria-label="Live graph">
      <GraphToolbar graph={graphRef} focus={focus} alone={alone} cut={cut} />
      <div className="graph-body">
        <div className="graph-host" ref={hostRef} data-testid="graph" />
        <DetailsDrawer />
      </div>
      <GraphLegend past={rewindAt !== undefined} />
    </section>
  );
}
