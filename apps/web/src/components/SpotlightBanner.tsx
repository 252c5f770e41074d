import { useState } from 'react';
import { setSpotlight } from '../api/workshopApi.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { spotlightShown } from '../store/classViewSlice.ts';
import '../styles/classView.css';

const selectBanner = (s: AppState) => ({
  spotlight: spotlightShown(s),
  instructor: s.user?.role === 'instructor',
});

/**
 * Above the graph while it shows the spotlit student's namespace alone. The instructor ends the
 * spotlight (for the projector too); the projector itself can go back to the Class view.
 */
export function SpotlightBanner() {
  const { spotlight, instructor } = useAppStore(selectBanner);
  const [error, setError] = useState<string | undefined>(undefined);
  if (spotlight === undefined) return null;
  const end = () => {
    setError(undefined);
    setSpotlight(null).then(
      (r) => {
        if (!r.ok) return setError(r.message);
        appStore.getState().spotlightOn(undefined);
        appStore.getState().setGraphPanelMode('class');
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <span className="spotlight-banner" role="status">
      Spotlight: <b>{spotlight}</b>
      {instructor ? (
        <button type="button" onClick={end} title="End the spotlight on every screen">
          End spotlight
        </button>
      ) : (
        <button type="button" onClick={() => appStore.getState().leaveSpotlight()}>
          Back to Class
        </button>
      )}
      {error && (
        <span className="bad" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
