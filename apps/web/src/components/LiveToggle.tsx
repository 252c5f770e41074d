import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';

const selectLive = (s: AppState) => ({ live: s.live, status: s.liveStatus });

/** Live mode: edits that validate are applied ~600 ms after typing stops. */
export function LiveToggle() {
  const { live, status } = useAppStore(selectLive);
  const text =
    status.state === 'applied'
      ? `applied: ${status.summary}`
      : status.state === 'invalid'
        ? 'invalid edit: not applied, the last good state keeps running'
        : status.state === 'failed'
          ? `not applied: ${status.message}`
          : status.state === 'waiting'
            ? 'applies ~0.6 s after you stop typing'
            : '';
  return (
    <span className={`live-toggle ${status.state}`}>
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
