import { useMemo, useState, type RefObject } from 'react';
import type { Graph } from '../graph/createGraph.ts';
import { exportPng, exportSvg } from '../graph/exportGraph.ts';
import { isSystem } from '../graph/graphModel.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useNow } from '../hooks/useNow.ts';
import { appStore } from '../store/appStore.ts';
import { spotlightShown } from '../store/classViewSlice.ts';
import type { AppState } from '../store/createAppStore.ts';
import { ClassGraphToggle } from './ClassGraphToggle.tsx';
import { ALL_SERVICES } from './graphFocus.ts';
import { SpotlightBanner } from './SpotlightBanner.tsx';

const selectToolbar = (s: AppState) => ({
  showSystem: s.showSystem,
  rewindAt: s.rewindAt,
  focus: s.graphFocus,
  services: s.cluster.services,
  namespace: spotlightShown(s),
});

function background(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#121826';
}

/** Above the graph: rewind banner, Service focus, kube-system toggle, zoom, fit, export. */
export function GraphToolbar({
  graph,
  focus: auto,
  alone,
  cut,
}: {
  graph: RefObject<Graph | null>;
  /** The Service in focus (chosen, or found from traffic and applies). */
  focus: string | undefined;
  /** Whether "auto" shows it alone (every Service does not fit at a readable size). */
  alone: boolean;
  /** Which edges of the panel cut the graph (it does not fit at the readable minimum). */
  cut: string[];
}) {
  const { showSystem, rewindAt, focus, services, namespace } = useAppStore(selectToolbar);
  // The Services the graph can show alone (`ns/name`); a focus on one that is gone shows all.
  const ids = useMemo(
    () =>
      [...services.values()]
        .filter((s) => showSystem || !isSystem(s.metadata.namespace ?? 'default', s.metadata.name))
        .filter((s) => namespace === undefined || (s.metadata.namespace ?? 'default') === namespace)
        .map((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`)
        .sort(),
    [services, showSystem, namespace],
  );
  const focused = focus === ALL_SERVICES || (focus && ids.includes(focus)) ? focus : '';
  const [error, setError] = useState<string | undefined>(undefined);
  const now = useNow(500);
  const png = () => {
    const g = graph.current;
    if (!g) return;
    setError(undefined);
    exportPng(g.svg(), g.canvas(), background()).catch((e: unknown) =>
      setError(`PNG export failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <div className="graph-toolbar">
      <h2>Live graph</h2>
      <ClassGraphToggle />
      <SpotlightBanner />
      {rewindAt !== undefined && (
        <span className="rewound" role="status">
          rewound to {new Date(rewindAt).toLocaleTimeString()} (
          {((rewindAt - now) / 1000).toFixed(1)} s)
          <button type="button" onClick={() => appStore.getState().setRewind(undefined)}>
            Back to live
          </button>
        </span>
      )}
      <span className="spacer" />
      {error && (
        <span className="bad small" role="alert">
          {error}
        </span>
      )}
      {(ids.length > 0 || focused) && (
        <select
          aria-label="Show Service"
          title="auto: every Service while they fit at a readable size, else the one with traffic (or applied last) alone"
          value={focused}
          onChange={(e) => {
            appStore.getState().setGraphFocus(e.target.value || undefined);
            graph.current?.fit();
          }}
        >
          <option value="">{auto && alone ? `auto: ${auto} alone` : 'auto: all Services'}</option>
          <option value={ALL_SERVICES}>all Services</option>
          {ids.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={showSystem}
          onChange={(e) => appStore.getState().setShowSystem(e.target.checked)}
        />
        kube-system
      </label>
      <button
        type="button"
        title="Zoom out (-)"
        aria-label="Zoom out"
        onClick={() => graph.current?.zoomBy(1 / 1.25)}
      >
        −
      </button>
      <button
        type="button"
        title="Zoom in (+)"
        aria-label="Zoom in"
        onClick={() => graph.current?.zoomBy(1.25)}
      >
        +
      </button>
      <button type="button" title="Fit the graph (F)" onClick={() => graph.current?.fit()}>
        Fit
      </button>
      <button type="button" title="Export the graph as PNG" onClick={png}>
        PNG
      </button>
      <button
        type="button"
        title="Export the graph as SVG"
        onClick={() => {
          const g = graph.current;
          if (g) exportSvg(g.svg(), background());
        }}
      >
        SVG
      </button>
      {cut.length > 0 && (
        <span
          className="graph-cut"
          role="status"
          title="At a size the room can read, the graph is larger than this panel: drag it, or show one Service"
        >
          more {cut.join(' and ')} · drag
        </span>
      )}
    </div>
  );
}
