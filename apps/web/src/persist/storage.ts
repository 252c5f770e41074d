import type { EditorTab } from '../store/editorSlice.ts';

// What survives a reload: the editor's tabs, the theme, and whether the tour was seen.

export const TABS_KEY = 'l4lab.editor.tabs';
/** The single buffer of earlier versions (read once, migrated into a tab). */
export const BUFFER_KEY = 'l4lab.editor.buffer';
export const THEME_KEY = 'l4lab.theme';
export const TOUR_KEY = 'l4lab.tour.seen';

export function readItem(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeItem(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: this setting just does not survive a reload.
  }
}

function isTab(v: unknown): v is EditorTab {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return typeof t.id === 'string' && typeof t.title === 'string' && typeof t.text === 'string';
}

/** The stored tabs, or undefined on a first visit. */
export function readTabs(): { tabs: EditorTab[]; active: string } | undefined {
  const raw = readItem(TABS_KEY);
  if (raw !== null) {
    try {
      const v = JSON.parse(raw) as { tabs?: unknown; active?: unknown };
      const tabs = Array.isArray(v.tabs) ? v.tabs.filter(isTab) : [];
      if (tabs.length > 0) {
        return { tabs, active: typeof v.active === 'string' ? v.active : tabs[0]!.id };
      }
    } catch {
      // A damaged entry: start like a first visit.
    }
  }
  const old = readItem(BUFFER_KEY);
  if (old === null) return undefined;
  return { tabs: [{ id: 'tab-1', title: 'manifests.yaml', text: old }], active: 'tab-1' };
}

export function writeTabs(tabs: readonly EditorTab[], active: string): void {
  writeItem(TABS_KEY, JSON.stringify({ tabs, active }));
}
