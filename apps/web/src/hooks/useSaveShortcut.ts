import { useEffect } from 'react';

/** Ctrl+S / Cmd+S runs `action` (and keeps the browser's "Save page" dialog away). */
export function useSaveShortcut(action: () => void): void {
  useEffect(() => {
    function onKeyDown(e: KeyboardEvent) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        e.stopPropagation();
        action();
      }
    }
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [action]);
}
