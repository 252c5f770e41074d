import { type EditorTabs, editorTabsSchema } from '@l4lab/protocol';
import type { EditorTab } from '../store/editorSlice.ts';
import { appStore } from '../store/appStore.ts';

// The editor's tabs are also kept in the lab's workspace (`/api/editor-tabs`), so they come back
// in another browser, a private window, or after this browser's storage was cleared. This
// browser's own copy (localStorage, read first) wins when it has one: it is never older than
// the server's for this browser, and viewers of one lab keep their own tabs.

/** The workspace's copy is written at most this often while the user types. */
const SAVE_DELAY_MS = 500;

let loading: Promise<EditorTabs | undefined> | undefined;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let pending: EditorTabs | undefined;

/** The tabs the workspace keeps, or undefined (none saved, an older server, no answer). Asked once. */
export function loadServerTabs(): Promise<EditorTabs | undefined> {
  loading ??= fetch('/api/editor-tabs')
    .then(async (res) => {
      if (!res.ok) return undefined;
      const parsed = editorTabsSchema.safeParse(await res.json());
      return parsed.success && parsed.data.tabs.length > 0 ? parsed.data : undefined;
    })
    .catch(() => undefined);
  return loading;
}

/** A browser without tabs of its own takes the workspace's, unless the user has typed meanwhile. */
export function adoptServerTabs(): void {
  void loadServerTabs().then((saved) => {
    const s = appStore.getState();
    if (saved && s.tabs.length === 1 && s.buffer === '') s.restoreTabs(saved.tabs, saved.active);
  });
}

/** Saves the tabs in the workspace, debounced; a refusal (too large, read-only) is not an error. */
export function saveServerTabs(tabs: readonly EditorTab[], active: string): void {
  pending = { tabs: tabs.map(({ id, title, text }) => ({ id, title, text })), active };
  saveTimer ??= setTimeout(function putEditorTabs() {
    saveTimer = undefined;
    const body = JSON.stringify(pending);
    pending = undefined;
    fetch('/api/editor-tabs', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body,
    }).catch(() => {
      // Offline: this browser's copy still has them, and the next change tries again.
    });
  }, SAVE_DELAY_MS);
}
