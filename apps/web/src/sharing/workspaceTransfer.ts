import { appStore } from '../store/appStore.ts';
import {
  type StorageLike,
  completeExport,
  filenameOf,
  importNotice,
  lessonProgressOf,
  readWorkspaceFile,
  restoreLessonProgress,
} from './workspaceFile.ts';

// "Export workspace" and "Import workspace": the calls, the download, and the page's state.

function pageStorage(): StorageLike | undefined {
  try {
    return localStorage;
  } catch {
    return undefined; // storage disabled: no lesson progress to carry
  }
}

const notify = (...a: Parameters<ReturnType<typeof appStore.getState>['showSharingNotice']>) =>
  appStore.getState().showSharingNotice(...a);

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; keep it a moment for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** GET /api/workspace/export, completed with this browser's tabs and lesson progress, saved. */
export async function exportWorkspace(): Promise<void> {
  let res: Response;
  try {
    res = await fetch('/api/workspace/export');
  } catch (e) {
    return notify({
      tone: 'error',
      title: 'Workspace not exported',
      lines: [`Cannot reach the server: ${String(e)}`],
    });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const message = refusal(body) ?? `HTTP ${res.status}`;
    return notify({ tone: 'error', title: 'Workspace not exported', lines: [message] });
  }
  const s = appStore.getState();
  const tabs = {
    tabs: s.tabs.map(({ id, title, text }) => ({ id, title, text })),
    active: s.activeTab,
  };
  const storage = pageStorage();
  const progress = storage ? lessonProgressOf(storage) : {};
  const file = completeExport(body, tabs, progress);
  if (!file.ok)
    return notify({ tone: 'error', title: 'Workspace not exported', lines: [file.reason] });
  const filename = filenameOf(res.headers.get('content-disposition'), new Date());
  download(filename, file.text);
  notify({
    tone: 'ok',
    title: `Workspace exported: ${filename}`,
    lines: [
      `objects: ${file.objects}`,
      `editor tabs: ${tabs.tabs.length}`,
      `lesson progress entries: ${Object.keys(progress).length}`,
    ],
  });
}

function refusal(body: unknown): string | undefined {
  const b = body as { errors?: { message?: unknown }[]; error?: { message?: unknown } } | undefined;
  const m = b?.errors?.[0]?.message ?? b?.error?.message;
  return typeof m === 'string' ? m : undefined;
}

/** Reads a chosen file, POSTs it, and on success takes its tabs and lesson progress. */
export async function importWorkspace(chosen: File): Promise<void> {
  const fail = (lines: string[]) =>
    notify({ tone: 'error', title: 'Workspace not imported: nothing was changed', lines });
  const read = readWorkspaceFile(await chosen.text());
  if (!read.ok) return fail([read.reason]);
  notify({ tone: 'info', title: `Importing ${chosen.name}…`, lines: [] });
  let res: Response;
  try {
    res = await fetch('/api/workspace/import', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(read.file.body),
    });
  } catch (e) {
    return fail([`Cannot reach the server: ${String(e)}`]);
  }
  const body: unknown = await res.json().catch(() => undefined);
  let restored = 0;
  if (res.ok) {
    const tabs = read.file.editorTabs;
    if (tabs && tabs.tabs.length > 0) appStore.getState().restoreTabs(tabs.tabs, tabs.active);
    const storage = pageStorage();
    const keys = storage ? restoreLessonProgress(storage, read.file.lessonProgress) : [];
    restored = keys.length;
    announceProgress(keys);
  }
  notify(importNotice(res.status, body, read.file, restored));
}

/**
 * Tells whoever keeps lesson progress in memory that its entries changed, with the event the
 * browser itself sends other pages of this origin when localStorage changes.
 */
function announceProgress(keys: readonly string[]): void {
  for (const key of keys) {
    try {
      window.dispatchEvent(
        new StorageEvent('storage', { key, newValue: localStorage.getItem(key) }),
      );
    } catch {
      // No StorageEvent here: the entries are restored all the same, read at the next load.
    }
  }
}
