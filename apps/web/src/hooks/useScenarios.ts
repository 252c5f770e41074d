import { useEffect } from 'react';
import { fetchScenarios } from '../api/http.ts';
import { readTabs } from '../persist/storage.ts';
import { appStore } from '../store/appStore.ts';

/** Loads the scenario list; an empty editor (first visit) gets the default scenario. */
export function useScenarios(): void {
  useEffect(() => {
    let cancelled = false;
    function load(attempt: number) {
      fetchScenarios().then(
        (list) => {
          if (cancelled || !list) return;
          const { setScenarios, loadText, buffer } = appStore.getState();
          setScenarios(list);
          const first = list.items.find((s) => s.id === list.default) ?? list.items[0];
          if (first && buffer.trim() === '' && readTabs() === undefined) {
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
