import {
  type ApplyResult,
  LESSON_PROGRESS_PREFIX,
  MAX_WORKSPACE_FILE_BYTES,
  WORKSPACE_FILE_KIND,
  WORKSPACE_FILE_VERSION,
  type EditorTabs,
} from '@l4lab/protocol';
import type { SharingNotice } from '../store/sharingSlice.ts';

// The browser's side of a workspace file: the server exports the objects and the workspace's
// editor tabs; the dashboard puts in the tabs as this browser shows them and the lesson progress
// it keeps in localStorage (every key starting with `l4lab.lesson`), and on import gives them back.

/** The part of localStorage this module uses (a fake in tests). */
export type StorageLike = Pick<Storage, 'length' | 'key' | 'getItem' | 'setItem'>;

export type Notice = Omit<SharingNotice, 'seq'>;

/** A file read and checked enough to send; the server checks the rest. */
export interface ReadFile {
  /** The file as read, sent to the server unchanged. */
  body: Record<string, unknown>;
  objects: readonly unknown[];
  editorTabs: EditorTabs | undefined;
  lessonProgress: Record<string, string>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every lesson progress entry of this browser. */
export function lessonProgressOf(storage: StorageLike): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key === null || !key.startsWith(LESSON_PROGRESS_PREFIX)) continue;
    const value = storage.getItem(key);
    if (value !== null) out[key] = value;
  }
  return out;
}

/**
 * Writes a file's lesson progress back; only keys of lesson progress (a file must not set the
 * page's other settings). Entries the file does not have are kept. Returns the keys written.
 */
export function restoreLessonProgress(
  storage: StorageLike,
  progress: Record<string, string>,
): string[] {
  const written: string[] = [];
  for (const [key, value] of Object.entries(progress)) {
    if (!key.startsWith(LESSON_PROGRESS_PREFIX) || typeof value !== 'string') continue;
    try {
      storage.setItem(key, value);
      written.push(key);
    } catch {
      // Storage full or disabled: this entry is not restored (the count says so).
    }
  }
  return written;
}

/** The server's file name (`Content-Disposition`), else one for today. */
export function filenameOf(contentDisposition: string | null, now: Date): string {
  const m = /filename="([^"]+)"/.exec(contentDisposition ?? '');
  return m?.[1] ?? `l4lab-workspace-${now.toISOString().slice(0, 10)}.json`;
}

/** The server's export with this browser's tabs and lesson progress, as the file's text. */
export function completeExport(
  server: unknown,
  tabs: EditorTabs,
  progress: Record<string, string>,
): { ok: true; text: string; objects: number } | { ok: false; reason: string } {
  if (!isRecord(server) || server.kind !== WORKSPACE_FILE_KIND || !Array.isArray(server.objects)) {
    return { ok: false, reason: 'The server answered something that is not a workspace file.' };
  }
  // The tabs as this browser shows them: its own copy wins over the workspace's, as at load.
  const file = { ...server, editorTabs: tabs, lessonProgress: progress };
  return { ok: true, text: `${JSON.stringify(file, null, 2)}\n`, objects: server.objects.length };
}

const MIB = MAX_WORKSPACE_FILE_BYTES / 1024 / 1024;

/** Checks a chosen file before it is sent: its size, JSON, kind and version. */
export function readWorkspaceFile(
  text: string,
): { ok: true; file: ReadFile } | { ok: false; reason: string } {
  if (new Blob([text]).size > MAX_WORKSPACE_FILE_BYTES) {
    return {
      ok: false,
      reason: `The file is over ${MIB} MiB: a workspace file is at most ${MIB} MiB.`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      reason: 'The file is not JSON: choose a file that "Export workspace" saved.',
    };
  }
  if (!isRecord(body) || body.kind !== WORKSPACE_FILE_KIND) {
    return {
      ok: false,
      reason: 'The file is not an l4lab workspace: choose a file that "Export workspace" saved.',
    };
  }
  if (body.version !== WORKSPACE_FILE_VERSION) {
    return {
      ok: false,
      reason: `The file is a workspace of version ${JSON.stringify(body.version)}; this lab reads version ${WORKSPACE_FILE_VERSION}.`,
    };
  }
  const progress = isRecord(body.lessonProgress) ? body.lessonProgress : {};
  const tabs =
    isRecord(body.editorTabs) && Array.isArray(body.editorTabs.tabs)
      ? (body.editorTabs as unknown as EditorTabs)
      : undefined;
  return {
    ok: true,
    file: {
      body,
      objects: Array.isArray(body.objects) ? body.objects : [],
      editorTabs: tabs,
      lessonProgress: Object.fromEntries(
        Object.entries(progress).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ),
    },
  };
}

/** `2 created, 1 configured, 3 unchanged` (kubectl's words, counted). */
export function actionCounts(results: readonly ApplyResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.action, (counts.get(r.action) ?? 0) + 1);
  const parts = ['created', 'configured', 'unchanged']
    .filter((a) => counts.has(a))
    .map((a) => `${counts.get(a)} ${a}`);
  return parts.length > 0 ? parts.join(', ') : 'no objects';
}

/** `Service shop/web` for an error's document, from the file's objects. */
function objectName(objects: readonly unknown[], document: number): string | undefined {
  const o = objects[document];
  if (!isRecord(o) || !isRecord(o.metadata)) return undefined;
  const { namespace, name } = o.metadata;
  const where = typeof namespace === 'string' ? `${namespace}/` : '';
  return `${String(o.kind)} ${where}${String(name)}`;
}

const SHOWN_ERRORS = 6;

/** The notice for the server's answer to an import. */
export function importNotice(
  status: number,
  body: unknown,
  file: ReadFile,
  restoredProgress: number,
): Notice {
  const b = isRecord(body) ? body : {};
  if (status === 200 && Array.isArray(b.results)) {
    const tabs =
      typeof b.editorTabs === 'number' ? b.editorTabs : (file.editorTabs?.tabs.length ?? 0);
    return {
      tone: 'ok',
      title: 'Workspace imported',
      lines: [
        `objects: ${actionCounts(b.results as ApplyResult[])}`,
        `editor tabs: ${tabs}`,
        `lesson progress entries: ${restoredProgress}`,
      ],
    };
  }
  const errors = Array.isArray(b.errors) ? b.errors.filter(isRecord) : [];
  const lines = errors.slice(0, SHOWN_ERRORS).map((e) => {
    const name = typeof e.document === 'number' ? objectName(file.objects, e.document) : undefined;
    const message = typeof e.message === 'string' ? e.message : 'refused';
    return name && status !== 413 && e.code !== 'L4_E_BAD_WORKSPACE'
      ? `${name}: ${message}`
      : message;
  });
  if (errors.length > SHOWN_ERRORS) lines.push(`and ${errors.length - SHOWN_ERRORS} more`);
  if (lines.length === 0) {
    const error =
      isRecord(b.error) && typeof b.error.message === 'string' ? b.error.message : `HTTP ${status}`;
    lines.push(error);
  }
  return { tone: 'error', title: 'Workspace not imported: nothing was changed', lines };
}
