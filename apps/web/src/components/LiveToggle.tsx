import { useAppStore } from '../hooks/useAppStore.ts';
import { shownLiveStatus } from '../hooks/useLiveApply.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import type { LiveStatus } from '../store/uiSlice.ts';

const selectLive = (s: AppState) => ({
  live: s.live,
  status: s.liveStatus,
  client: s.clientProblems,
  server: s.serverProblems,
});

function statusText(status: LiveStatus): string {
  switch (status.state) {
    case 'applied':
      return `applied: ${status.summary}`;
    case 'invalid':
      return 'invalid edit: not applied, the last good state keeps running';
    case 'failed':
      return `not applied: ${status.message}`;
    case 'waiting':
      return 'applies ~0.6 s after you stop typing';
    case 'off':
      return '';
  }
}

/** Live mode: edits that validate are applied ~600 ms after typing stops. */
export function LiveToggle() {
  const { live, status, client, server } = useAppStore(selectLive);
  const shown = shownLiveStatus(status, [...client, ...server]);
  const text = statusText(shown);
  return (
    <span className={`live-toggle ${shown.state}`}>
      <label className="check" title="Apply every edit that validates, ~600 ms after typing stops">
        <input
          type="checkbox"
          checked={live}
          onChange={(e) => appStore.getState().setLive(e.target.checked)}
        />
        Live
      </label>
      {live && (
        <span className="live-status small" role="status" data-testid="live-status" title={text}>
          {text}
        </span>
      )}
    </span>
  );
}
