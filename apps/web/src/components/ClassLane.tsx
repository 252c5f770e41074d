import { memo } from 'react';
import type { ClassLane as Lane, LanePod, LaneService } from '../classView/classLanes.ts';
import type { ClassDensity } from '../classView/classLayout.ts';
import { keepEnd } from '../graph/textSize.ts';
import { RateSparkline } from './RateSparkline.tsx';

export interface ClassLaneProps {
  lane: Lane;
  /** The class's highest rate: every sparkline on one scale, so the busy students stand out. */
  peak: number;
  density: ClassDensity;
  /** The instructor may spotlight a student. */
  onSpotlight: ((namespace: string) => void) | undefined;
  spotlit: boolean;
}

function podTitle(p: LanePod) {
  return `${p.id}: ${p.ready ? 'ready' : 'not ready'} · ${p.connections} connections in the window`;
}

function Failures({
  refused,
  dropped,
  short,
}: {
  refused: number;
  dropped: number;
  short: boolean;
}) {
  if (refused + dropped === 0) return null;
  const text = short
    ? `✕${refused + dropped}`
    : [refused > 0 && `${refused} refused`, dropped > 0 && `${dropped} dropped`]
        .filter(Boolean)
        .join(' · ');
  return (
    <span className="lane-bad" title={`${refused} refused · ${dropped} dropped in the window`}>
      {text}
    </span>
  );
}

function PodChips({ svc, names }: { svc: LaneService; names: boolean }) {
  return (
    <span className="pod-chips">
      {svc.pods.map((p) => (
        <span
          key={p.id}
          className={`pod-chip ${p.ready ? 'ready' : 'unready'}`}
          title={podTitle(p)}
          aria-label={podTitle(p)}
        >
          {names && <span className="pod-name">{keepEnd(p.label, 11)}</span>}
          <b>{p.connections}</b>
        </span>
      ))}
      {svc.pods.length === 0 && svc.type !== 'ExternalName' && (
        <span className="muted">no endpoints</span>
      )}
    </span>
  );
}

function ServiceCard({ svc }: { svc: LaneService }) {
  const ports = svc.nodePorts.map((p) => `:${p}`).join(' ');
  return (
    <li className="lane-service" aria-label={`Service ${svc.id}`}>
      <div className="svc-line">
        <span className={`type-badge type-${svc.type}`}>{svc.type}</span>
        <b className="svc-name">{svc.name}</b>
        <code className="svc-address" title={svc.address}>
          {svc.address}
        </code>
        {/* The NodePort stays in view when the ClusterIP gives way. */}
        {ports && <code className="svc-nodeports">{ports}</code>}
        <span className="svc-count" title="connections in the window">
          {svc.connections}
        </span>
        <Failures refused={svc.refused} dropped={svc.dropped} short={false} />
      </div>
      <PodChips svc={svc} names />
    </li>
  );
}

function SpotlightButton({
  lane,
  onSpotlight,
  short,
}: Pick<ClassLaneProps, 'lane' | 'onSpotlight'> & { short: boolean }) {
  if (!onSpotlight) return null;
  return (
    <button
      type="button"
      className="lane-spotlight"
      aria-label={`Spotlight ${lane.namespace}`}
      title={`Show ${lane.namespace} alone on the projector`}
      onClick={() => onSpotlight(lane.namespace)}
    >
      {short ? '◎' : 'Spotlight'}
    </button>
  );
}

function reasonText(lane: Lane) {
  return lane.latest ? `${lane.latest.service}: ${lane.latest.reason}` : 'no connections yet';
}

/** One student: a card with every detail, or a compact row when the class is large. */
export const ClassLane = memo(function ClassLane(props: ClassLaneProps) {
  const { lane, density, spotlit } = props;
  const bad = lane.latest?.outcome === 'refused' || lane.latest?.outcome === 'dropped';
  const cls = `class-lane ${density}${spotlit ? ' spotlit' : ''}`;
  const spark = (
    <RateSparkline
      rates={lane.rates}
      peak={props.peak}
      label={`${lane.namespace}: connections per second, last minute`}
    />
  );
  if (density === 'rows') {
    return (
      <article
        className={cls}
        aria-label={`Lane ${lane.namespace}`}
        data-namespace={lane.namespace}
      >
        <h3 title={lane.namespace}>{lane.student}</h3>
        <span className="lane-count" title="connections in the window">
          {lane.connections}
        </span>
        <Failures refused={lane.refused} dropped={lane.dropped} short />
        {lane.services.map((svc) => (
          <span key={svc.id} className="svc-inline" aria-label={`Service ${svc.id}`}>
            {/* The Service's name in its type's colour (the toolbar's legend names the types). */}
            <span
              className={`type-badge type-${svc.type} svc-name`}
              title={`${svc.type} ${svc.address} · ${svc.connections} connections`}
            >
              {svc.name}
            </span>
            <PodChips svc={svc} names={false} />
          </span>
        ))}
        {lane.services.length === 0 && <span className="muted">no Services yet</span>}
        <span className={`lane-reason${bad ? ' bad' : ''}`} title={reasonText(lane)}>
          {lane.latest?.reason ?? ''}
        </span>
        {spark}
        <SpotlightButton lane={lane} onSpotlight={props.onSpotlight} short />
      </article>
    );
  }
  return (
    <article className={cls} aria-label={`Lane ${lane.namespace}`} data-namespace={lane.namespace}>
      <header>
        <h3>{lane.student}</h3>
        {lane.student !== lane.namespace && <span className="muted">{lane.namespace}</span>}
        <span className="lane-count" title="connections in the window">
          {lane.connections} <span className="unit">conn</span>
        </span>
        <Failures refused={lane.refused} dropped={lane.dropped} short={false} />
        <span className="spacer" />
        {spark}
        <SpotlightButton lane={lane} onSpotlight={props.onSpotlight} short={false} />
      </header>
      {lane.services.length === 0 ? (
        <p className="muted lane-empty">no Services yet</p>
      ) : (
        <ul className="lane-services">
          {lane.services.map((svc) => (
            <ServiceCard key={svc.id} svc={svc} />
          ))}
        </ul>
      )}
      <p className={`lane-reason${bad ? ' bad' : ''}`} title={reasonText(lane)}>
        {reasonText(lane)}
      </p>
    </article>
  );
}, sameLane);

/** Lanes are rebuilt four times a second: a lane whose numbers did not change is not re-rendered. */
function sameLane(a: ClassLaneProps, b: ClassLaneProps): boolean {
  return (
    a.density === b.density &&
    a.peak === b.peak &&
    a.spotlit === b.spotlit &&
    a.onSpotlight === b.onSpotlight &&
    JSON.stringify(a.lane) === JSON.stringify(b.lane)
  );
}
