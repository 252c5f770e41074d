import { useEffect } from 'react';
import { appStore } from '../store/appStore.ts';
import { BUFFER_KEY } from './useScenarios.ts';

/** Keeps the editor's text in localStorage so it survives a reload. */
export function usePersistedBuffer(): void {
  useEffect(
    () =>
      appStore.subscribe((s, prev) => {
        if (s.buffer === prev.buffer) return;
        try {
          localStorage.setItem(BUFFER_KEY, s.buffer);
        } catch {
          // Storage full or disabled: the buffer just does not survive a reload.
        }
      }),
    [],
  );
}
