import { useEffect } from 'react';
import { readItem, TOUR_KEY } from '../persist/storage.ts';
import { appStore } from '../store/appStore.ts';
import { graphActions } from '../graph/graphActions.ts';

export const SHORTCUTS: readonly (readonly [string, string])[] = [
  ['Ctrl/Cmd + S', 'Apply the active tab'],
  ['?', 'This list'],
  ['P', 'Presenter mode (large type, no editor)'],
  ['T', 'Light / dark theme'],
  ['L', 'Live mode on / off'],
  ['K', 'Show / hide kube-system'],
  ['F', 'Fit the graph in view'],
  ['+ / -', 'Zoom the graph'],
  ['Esc', 'Close the details drawer or a dialog; back to live after a rewind'],
];

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return (
    t.isContentEditable ||
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) ||
    Boolean(t.closest('.monaco-editor, .xterm'))
  );
}

/** Global single-key shortcuts (never while typing in the editor, a field or the terminal). */
export function useShortcuts(): void {
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    // ?tour=1 shows the tour whatever happened before (demos, tests); ?tour=0 never.
    const skipTour =
      params.get('tour') !== '1' &&
      (params.get('tour') === '0' || navigator.webdriver || readItem(TOUR_KEY) === '1');
    if (!skipTour) appStore.getState().setOverlay('tour');
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
      const s = appStore.getState();
      const actions: Record<string, () => void> = {
        '?': () => s.setOverlay(s.overlay === 'shortcuts' ? undefined : 'shortcuts'),
        p: () => s.setPresenter(!s.presenter),
        t: () => s.setTheme(s.theme === 'dark' ? 'light' : 'dark'),
        l: () => s.setLive(!s.live),
        k: () => s.setShowSystem(!s.showSystem),
        f: () => graphActions.fit(),
        '+': () => graphActions.zoomBy(1.25),
        '=': () => graphActions.zoomBy(1.25),
        '-': () => graphActions.zoomBy(1 / 1.25),
        Escape: () => {
          if (s.overlay && s.overlay !== 'tour') s.setOverlay(undefined);
          else if (s.rewindAt !== undefined && !s.selection) s.setRewind(undefined);
        },
      };
      const action = actions[e.key.length === 1 ? e.key.toLowerCase() : e.key];
      if (action) {
        e.preventDefault();
        action();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
