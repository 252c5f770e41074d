import { useEffect, useState } from 'react';
import { fetchWorkshopStatus } from '../api/workshopApi.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { isViewer, isWorkshopInstructor } from '../store/workshopSlice.ts';
import { QrCode } from './QrCode.tsx';
import { withoutScheme } from './workshopUrls.ts';
import '../styles/workshop.css';

const RETRY_MS = 5000;

/** The projector, or the instructor presenting in a workshop: the room needs the join URL. */
const selectShown = (s: AppState) => ({
  shown: isViewer(s) || (isWorkshopInstructor(s) && s.presenter),
});

/** The join URL, asked once (it does not change while the lab runs). */
function useJoinUrl(enabled: boolean): string | undefined {
  const [url, setUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!enabled || url) return;
    let cancelled = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const ask = () =>
      fetchWorkshopStatus().then(
        (r) => {
          if (cancelled) return;
          if (r.ok && r.value.joinUrl) setUrl(r.value.joinUrl);
          else if (!r.ok) retry = setTimeout(ask, RETRY_MS);
        },
        () => !cancelled && (retry = setTimeout(ask, RETRY_MS)),
      );
    void ask();
    return () => {
      cancelled = true;
      clearTimeout(retry);
    };
  }, [enabled, url]);
  return url;
}

/** A corner card over the projection: "join here", the QR code and the URL; dismissable. */
export function JoinCard() {
  const { shown } = useAppStore(selectShown);
  const [dismissed, setDismissed] = useState(false);
  const url = useJoinUrl(shown && !dismissed);
  if (!shown || dismissed || !url) return null;
  return (
    <aside className="join-corner" aria-label="Join the workshop">
      <header>
        <h2>Join the workshop</h2>
        <button
          type="button"
          className="close"
          aria-label="Hide the join card"
          onClick={() => setDismissed(true)}
        >
          ×
        </button>
      </header>
      <QrCode text={url} size={260} label={`QR code of ${url}`} />
      <p className="join-corner-url">{withoutScheme(url)}</p>
    </aside>
  );
}
