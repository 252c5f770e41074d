import { useEffect } from 'react';
import { fetchScenarios } from '../api/http.ts';
import { appStore } from '../store/appStore.ts';

export const BUFFER_KEY = 'l4lab.editor.buffer';

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
          if (first && buffer.trim() === '' && localStorage.getItem(BUFFER_KEY) === null) {
            loadText(first.yaml);
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
