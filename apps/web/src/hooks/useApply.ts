import { useCallback } from 'react';
import { applyManifests } from '../api/http.ts';
import { resourceName } from '../format/kube.ts';
import { appStore } from '../store/appStore.ts';

/** Sends the editor's text to `POST /api/apply` and records the outcome in the store. */
export function useApply(): () => void {
  return useCallback(() => {
    const { buffer, apply, setApply, setServerProblems } = appStore.getState();
    if (apply.state === 'applying') return;
    setApply({ state: 'applying' });
    applyManifests(buffer).then(
      (outcome) => {
        if (outcome.ok) {
          setServerProblems(outcome.warnings);
          const lines = outcome.results.map((r) => `${resourceName(r.kind)}/${r.name} ${r.action}`);
          setApply({ state: 'applied', lines, at: Date.now() });
        } else {
          setServerProblems(outcome.errors);
          setApply({ state: 'failed', message: outcome.message, at: Date.now() });
        }
      },
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        setApply({
          state: 'failed',
          message: `Cannot reach the server: ${message}`,
          at: Date.now(),
        });
      },
    );
  }, []);
}
