import { useEffect } from 'react';
import { fetchScenarios, fetchTutorialFiles } from '../api/http.ts';
import { loadServerTabs } from '../persist/serverTabs.ts';
import { readTabs } from '../persist/storage.ts';
import { appStore } from '../store/appStore.ts';

/**
 * Loads the scenario list and the tutorial's files; an empty editor (first visit, nothing saved)
 * gets the default scenario.
 */
export function useScenarios(): void {
  useEffect(() => {
    let cancelled = false;
    function load(attempt: number) {
      fetchScenarios().then(
        async (list) => {
          if (cancelled || !list) return;
          appStore.getState().setScenarios(list);
          void fetchTutorialFiles().then(
            (files) => !cancelled && files && appStore.getState().setTutorialFiles(files),
            () => undefined, // the console fetches them again when `kubectl apply -f` needs one
          );
          const first = list.items.find((s) => s.id === list.default) ?? list.items[0];
          // A first visit gets the default scenario, unless the workspace kept tabs (adopted).
          const firstVisit = readTabs() === undefined && !(await loadServerTabs());
          const { loadText, buffer } = appStore.getState();
          if (!cancelled && first && firstVisit && buffer.trim() === '') {
            loadText(first.yaml, `${first.id}.yaml`);
          }
        },
        () => {
          if (!cancelled && attempt < 20) setTimeout(() => load(attempt + 1), 1000);
        },
      );
    }
    load(0);
    return () => {
      cancelled = true;
    };
  }, []);
}
