import { useCallback } from 'react';
import { applyManifests } from '../api/http.ts';
import { applyOverSocket } from '../api/liveApply.ts';
import { resourceName } from '../format/kube.ts';
import { appStore } from '../store/appStore.ts';

/** `deployment.apps/my-nginx created` lines, like kubectl apply prints. */
export function applyLines(results: { kind: string; name: string; action: string }[]): string[] {
  return results.map((r) => `${resourceName(r.kind)}/${r.name} ${r.action}`);
}

/**
 * Applies `text` and records the outcome in the store: through `POST /api/apply`, or (live mode)
 * over the WebSocket when it is open.
 */
export async function applyText(text: string, via: 'http' | 'socket' = 'http'): Promise<boolean> {
  const { setApply, setServerProblems } = appStore.getState();
  setApply({ state: 'applying' });
  try {
    const live = via === 'socket' ? applyOverSocket(text) : undefined;
    const outcome = await (live ?? applyManifests(text));
    if (outcome.ok) {
      setServerProblems(outcome.warnings);
      setApply({ state: 'applied', lines: applyLines(outcome.results), at: Date.now() });
      return true;
    }
    setServerProblems(outcome.errors);
    setApply({ state: 'failed', message: outcome.message, at: Date.now() });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    setApply({ state: 'failed', message: `Cannot reach the server: ${message}`, at: Date.now() });
  }
  return false;
}

/** Applies the active tab (Apply button, Ctrl/Cmd+S). */
export function useApply(): () => void {
  return useCallback(() => {
    const { buffer, apply } = appStore.getState();
    if (apply.state !== 'applying') void applyText(buffer);
  }, []);
}
