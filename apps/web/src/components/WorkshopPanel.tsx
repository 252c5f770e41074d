import type { WorkshopStatus } from '@l4lab/protocol';
import { setSpotlight } from '../api/workshopApi.ts';
import { useWorkshopStatus } from '../hooks/useWorkshopStatus.ts';
import { appStore } from '../store/appStore.ts';
import { CopyButton } from './CopyButton.tsx';
import { QrCode } from './QrCode.tsx';
import { WorkshopRoster } from './WorkshopRoster.tsx';
import { maskToken, otherJoinUrls, withoutScheme } from './workshopUrls.ts';
import '../styles/workshop.css';

const POLL_MS = 2000;

/** How students reach the lab: the QR code, the URL in large type, the other addresses. */
function JoinInfo({ status }: { status: WorkshopStatus }) {
  const { joinUrl, viewerUrl } = status;
  const others = otherJoinUrls(joinUrl, status.joinUrls);
  return (
    <section className="workshop-join" aria-label="How to join">
      {joinUrl ? (
        <>
          <QrCode text={joinUrl} size={340} label={`QR code of ${joinUrl}`} />
          <p className="join-url" data-testid="join-url">
            {withoutScheme(joinUrl)}
          </p>
          <CopyButton text={joinUrl} label="Copy join URL" />
        </>
      ) : (
        <p className="muted">The lab did not say its join URL.</p>
      )}
      {others.length > 0 && (
        <div className="join-others">
          <h3>Also reachable at</h3>
          <ul>
            {others.map((u) => (
              <li key={u} className="mono">
                {withoutScheme(u)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {viewerUrl && (
        <div className="viewer-url">
          <h3>Projector (viewer, watches only)</h3>
          <code title="The token is hidden: Copy copies the whole URL">{maskToken(viewerUrl)}</code>
          <CopyButton text={viewerUrl} label="Copy viewer URL" />
        </div>
      )}
    </section>
  );
}

function Counts({ status, refresh }: { status: WorkshopStatus; refresh(): void }) {
  const { connected, quota, spotlight } = status;
  const n = (count: number, one: string, many = `${one}s`) =>
    `${count} ${count === 1 ? one : many}`;
  return (
    <div className="workshop-facts">
      <p data-testid="workshop-connected">
        Connected now: <b>{n(connected.instructor, 'instructor')}</b> ·{' '}
        <b>{n(connected.student, 'student')}</b> · <b>{n(connected.viewer, 'viewer')}</b>
      </p>
      <p>
        Quota per student: <b>{quota.pods}</b> pods · <b>{quota.services}</b> Services ·{' '}
        <b>{quota.trafficRate}</b> conn/s of traffic
        {quota.generators !== undefined && (
          <>
            {' '}
            from at most <b>{quota.generators}</b> generators at once
          </>
        )}
      </p>
      <p>
        Spotlight: {spotlight ? <b className="mono">{spotlight}</b> : <span>none</span>}
        {spotlight && (
          <button
            type="button"
            className="inline-button"
            onClick={() => void setSpotlight(null).finally(refresh)}
          >
            Clear
          </button>
        )}
      </p>
    </div>
  );
}

/** The instructor's workshop overlay: join QR and URLs, who is connected, the roster. */
export function WorkshopPanel() {
  const { status, error, refresh } = useWorkshopStatus(POLL_MS);
  const close = () => appStore.getState().setOverlay(undefined);
  return (
    <div className="overlay" role="presentation" onClick={close}>
      <div
        className="dialog workshop-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Workshop"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>Workshop</h2>
          <button type="button" className="close" aria-label="Close" onClick={close}>
            ×
          </button>
        </header>
        {error && (
          <p className="bad" role="alert">
            {error}
          </p>
        )}
        {status ? (
          <div className="workshop-grid">
            <JoinInfo status={status} />
            <div className="workshop-people">
              <Counts status={status} refresh={refresh} />
              <WorkshopRoster status={status} refresh={refresh} />
            </div>
          </div>
        ) : (
          !error && <p className="muted">Asking the lab for the workshop…</p>
        )}
      </div>
    </div>
  );
}
