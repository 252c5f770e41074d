import { useMemo } from 'react';
import { checkManifests } from '@l4lab/manifests';
import { resourceName } from '../format/kube.ts';
import { useApply } from '../hooks/useApply.ts';
import { useAppStore } from '../hooks/useAppStore.ts';
import { appStore } from '../store/appStore.ts';
import type { AppState } from '../store/createAppStore.ts';
import { diffObjects } from '../stats/manifestDiff.ts';

const selectDiffInput = (s: AppState) => ({ buffer: s.buffer, cluster: s.cluster });

/** Per object of the active tab: created / configured (with the fields) / unchanged. */
export function DiffView() {
  const { buffer, cluster } = useAppStore(selectDiffInput);
  const apply = useApply();
  const checked = useMemo(() => checkManifests(buffer), [buffer]);
  const diffs = useMemo(
    () =>
      diffObjects(
        checked.objects.map((o) => o.object),
        cluster,
      ),
    [checked, cluster],
  );
  if (checked.errors.length > 0) {
    return (
      <p className="bad">
        The text has {checked.errors.length} error(s): Apply would change nothing.
      </p>
    );
  }
  const changes = diffs.filter((d) => d.action !== 'unchanged').length;
  return (
    <div className="diff-view" data-testid="diff">
      <ul>
        {diffs.map((d) => (
          <li key={`${d.kind}/${d.namespace}/${d.name}`} className={`diff ${d.action}`}>
            <span className="what">
              {resourceName(d.kind)}/{d.name}
              {d.namespace && d.namespace !== 'default' ? ` -n ${d.namespace}` : ''}
            </span>{' '}
            <b>{d.action}</b>
            {d.changes.length > 0 && (
              <ul className="changes">
                {d.changes.map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      <div className="toolbar">
        <span className="muted">
          {changes === 0 ? 'Nothing would change.' : `${changes} object(s) would change.`}
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="primary"
          onClick={() => {
            appStore.getState().setOverlay(undefined);
            apply();
          }}
        >
          Apply
        </button>
      </div>
    </div>
  );
}
