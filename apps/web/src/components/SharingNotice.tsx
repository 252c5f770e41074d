import { useEffect } from 'react';
import { useAppStore } from '../hooks/useAppStore.ts';
import { useScenarioLink } from '../hooks/useScenarioLink.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import '../styles/sharing.css';

const selectNotice = (s: AppState) => ({ notice: s.sharingNotice });

/** Good news fades after this long; an error stays until it is closed. */
const FADE_MS = 15_000;

/**
 * What a scenario link or a workspace import/export has to say, over the bottom of the page; it
 * also opens the scenario a link carries.
 */
export function SharingNotice() {
  useScenarioLink();
  const { notice } = useAppStore(selectNotice);
  const seq = notice?.seq;
  const fades = notice !== undefined && notice.tone !== 'error';
  useEffect(() => {
    if (!fades) return;
    const timer = setTimeout(() => {
      if (appStore.getState().sharingNotice?.seq === seq)
        appStore.getState().dismissSharingNotice();
    }, FADE_MS);
    return () => clearTimeout(timer);
  }, [seq, fades]);
  if (!notice) return null;
  return (
    <div
      className={`sharing-notice ${notice.tone}`}
      role={notice.tone === 'error' ? 'alert' : 'status'}
      data-testid="sharing-notice"
    >
      <div className="sharing-notice-text">
        <strong>{notice.title}</strong>
        {notice.lines.map((line, i) => (
          <div key={i}>{line}</div>
        ))}
      </div>
      <button
        type="button"
        className="close"
        aria-label="Close the message"
        onClick={() => appStore.getState().dismissSharingNotice()}
      >
        ×
      </button>
    </div>
  );
}
