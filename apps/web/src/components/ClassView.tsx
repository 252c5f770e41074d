import { useCallback, useMemo, useRef, useState, type CSSProperties } from 'react';
import { setSpotlight } from '../api/workshopApi.ts';
import { laneShapes, withTraffic } from '../classView/classLanes.ts';
import { classLayout, LANE_GAP, ROW_GAP, rowWidthEm } from '../classView/classLayout.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useElementSize } from '../hooks/useElementSize.ts';
import { useNow } from '../hooks/useNow.ts';
import { labNow } from '../replay/labClock.ts';
import { appStore } from '../store/appStore.ts';
import { CLASS_WINDOW_MS } from '../store/classViewSlice.ts';
import type { AppState } from '../store/createAppStore.ts';
import { ClassGraphToggle } from './ClassGraphToggle.tsx';
import { ClassLane } from './ClassLane.tsx';
import '../styles/classView.css';

/** Four updates a second: live enough for a room, cheap with thirty lanes. */
const REFRESH_MS = 250;
/** Sparkline bars over the window (5 s each). */
const BUCKETS = 12;
/** The view's text size: a laptop, and a projector read from the back row. */
const FONT = { normal: 15, presenter: 18 } as const;
/** On a projector, room to spare goes to larger text (for the back row), up to this. */
const MAX_PRESENTER_FONT = 26;

const selectShapes = (s: AppState) => ({
  cluster: s.cluster,
  students: s.classStudents,
  presenter: s.presenter,
  instructor: s.user?.role === 'instructor',
  spotlight: s.spotlight,
});

/** The lanes' objects when they change; their counts and rates four times a second. */
function useLanes() {
  const { cluster, students, ...rest } = useAppStore(selectShapes);
  const shapes = useMemo(() => laneShapes(cluster, students), [cluster, students]);
  const tick = useNow(REFRESH_MS);
  const traffic = useMemo(() => {
    const { counters, classCounters, recent } = appStore.getState();
    return withTraffic(shapes, {
      counters,
      history: classCounters,
      recent,
      // A replay's time during a replay (tick only paces the refresh).
      now: labNow(),
      windowMs: CLASS_WINDOW_MS,
      buckets: BUCKETS,
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- tick paces the refresh
  }, [shapes, tick]);
  return { ...traffic, ...rest };
}

function windowText(seconds: number) {
  return seconds >= CLASS_WINDOW_MS / 1000 - 1
    ? 'connections in the last 60 s'
    : `connections in the last ${Math.round(seconds)} s (the page opened then)`;
}

/** In compact rows a Service's name is drawn in its type's colour: which colour is which. */
function TypeLegend({ lanes }: { lanes: readonly { services: readonly { type: string }[] }[] }) {
  const types = [...new Set(lanes.flatMap((l) => l.services.map((s) => s.type)))].sort();
  return (
    <span className="class-legend" aria-label="Service types">
      {types.map((t) => (
        <span key={t} className={`type-badge type-${t}`}>
          {t}
        </span>
      ))}
    </span>
  );
}

/** The whole class at once: one lane per student namespace, live counts, latest reasons. */
export function ClassView() {
  const { lanes, windowSeconds, presenter, instructor, spotlight } = useLanes();
  const bodyRef = useRef<HTMLDivElement>(null);
  const size = useElementSize(bodyRef);
  const [error, setError] = useState<string | undefined>(undefined);
  const font = presenter ? FONT.presenter : FONT.normal;
  const layout = classLayout({
    lanes: lanes.length,
    services: Math.max(0, ...lanes.map((l) => l.services.length)),
    pods: Math.max(0, ...lanes.flatMap((l) => l.services.map((s) => s.pods.length))),
    width: size.width,
    height: size.height,
    font,
    maxFont: presenter ? MAX_PRESENTER_FONT : font,
    rowEm: rowWidthEm(lanes, instructor),
  });
  const summary = `${lanes.length} ${lanes.length === 1 ? 'student' : 'students'} · ${windowText(windowSeconds)}`;
  const peak = Math.max(1, ...lanes.flatMap((l) => l.rates.map((r) => r ?? 0)));
  const onSpotlight = useCallback((namespace: string) => {
    setError(undefined);
    setSpotlight(namespace).then(
      (r) => (r.ok ? appStore.getState().spotlightOn(namespace) : setError(r.message)),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  const grid =
    layout.density === 'rows'
      ? {
          gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${layout.perColumn}, auto)`,
          gridAutoFlow: 'column' as const,
        }
      : { gridTemplateColumns: `repeat(${layout.columns}, minmax(0, 1fr))` };
  const lanesStyle = { ...grid, fontSize: `${layout.font}px` };
  return (
    <section
      className="panel graph-panel class-view"
      aria-label="Class view"
      style={
        {
          '--cv-font': `${font}px`,
          '--cv-gap': `${LANE_GAP}px`,
          '--cv-row-gap': `${ROW_GAP}px`,
        } as CSSProperties
      }
    >
      <div className="graph-toolbar">
        <ClassGraphToggle />
        <span className="class-summary" title={summary}>
          {summary}
        </span>
        <span className="spacer" />
        {layout.density === 'rows' && <TypeLegend lanes={lanes} />}
        {error && (
          <span className="bad" role="alert">
            {error}
          </span>
        )}
        {layout.scroll && <span className="warn">scroll for more</span>}
      </div>
      <div className="class-body" ref={bodyRef}>
        {lanes.length === 0 ? (
          <p className="class-empty">
            No student namespace yet: students appear here as they join (or as namespaces are
            created).
          </p>
        ) : (
          <div className={`class-lanes ${layout.density}`} style={lanesStyle}>
            {lanes.map((lane) => (
              <ClassLane
                key={lane.namespace}
                lane={lane}
                density={layout.density}
                peak={peak}
                onSpotlight={instructor ? onSpotlight : undefined}
                spotlit={lane.namespace === spotlight}
              />
            ))}
          </div>
        )}
      </div>
    </section>
  );
}
