import { useEffect } from 'react';
import { saveServerTabs } from '../persist/serverTabs.ts';
import { THEME_KEY, writeItem, writeTabs } from '../persist/storage.ts';
import { appStore } from '../store/appStore.ts';

/**
 * Keeps the editor's tabs and the theme in localStorage so they survive a reload, and the tabs in
 * the lab's workspace too (another browser, a restart of the lab).
 */
export function usePersistedBuffer(): void {
  useEffect(
    () =>
      appStore.subscribe((s, prev) => {
        if (s.tabs !== prev.tabs || s.activeTab !== prev.activeTab) {
          writeTabs(s.tabs, s.activeTab);
          saveServerTabs(s.tabs, s.activeTab);
        }
        if (s.theme !== prev.theme) writeItem(THEME_KEY, s.theme);
      }),
    [],
  );
}
