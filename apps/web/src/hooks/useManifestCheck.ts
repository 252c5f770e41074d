import { useEffect } from 'react';
import { checkManifests } from '@l4lab/manifests';
import { appStore } from '../store/appStore.ts';
import { useAppStore } from './useAppStore.ts';

const selectBuffer = (s: { buffer: string }) => s.buffer;
const DEBOUNCE_MS = 300;

/** Checks the editor's text in the browser (same rules as the server) ~300 ms after typing stops. */
export function useManifestCheck(): void {
  const buffer = useAppStore(selectBuffer);
  useEffect(() => {
    const timer = setTimeout(() => {
      const { setClientProblems } = appStore.getState();
      try {
        const result = checkManifests(buffer);
        setClientProblems([...result.errors, ...result.warnings]);
      } catch (e) {
        setClientProblems([
          {
            message: `The manifest checker failed: ${e instanceof Error ? e.message : String(e)}`,
            path: '',
            line: 1,
            column: 1,
            document: 0,
            severity: 'warning',
            code: 'L4_E_CHECKER',
          },
        ]);
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [buffer]);
}
