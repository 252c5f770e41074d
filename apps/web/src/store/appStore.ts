import { createAppStore } from './createAppStore.ts';

/** The page's one store. Components read it through `useAppStore` with module-level selectors. */
export const appStore = createAppStore();
