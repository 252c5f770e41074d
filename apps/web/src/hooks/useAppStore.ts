import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { AppState } from '../store/createAppStore.ts';
import { appStore } from '../store/appStore.ts';

/** Reads the page's store through a module-level selector, compared shallowly. */
export function useAppStore<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, useShallow(selector));
}
