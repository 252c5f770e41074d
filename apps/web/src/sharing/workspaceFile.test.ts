import { describe, expect, it } from 'vitest';
import {
  type StorageLike,
  actionCounts,
  completeExport,
  filenameOf,
  importNotice,
  lessonProgressOf,
  readWorkspaceFile,
  restoreLessonProgress,
} from './workspaceFile.ts';

/** localStorage's behaviour over a Map (insertion order for key(i)). */
function fakeStorage(
  entries: Record<string, string> = {},
  full = false,
): StorageLike & {
  map: Map<string, string>;
} {
  const map = new Map(Object.entries(entries));
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => {
      if (full) throw new DOMException('quota', 'QuotaExceededError');
      map.set(k, v);
    },
  };
}

const TABS = { tabs: [{ id: 'tab-1', title: 'a.yaml', text: 'kind: Pod\n' }], active: 'tab-1' };
const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } };
const SERVER_FILE = {
  kind: 'L4labWorkspace',
  version: 1,
  exportedAt: '2025-03-04T05:06:07.000Z',
  objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, SERVICE],
  editorTabs: { tabs: [], active: '' },
};

describe('lesson progress', () => {
  it('takes every key of the lesson prefix, whatever follows it, and nothing else', () => {
    const storage = fakeStorage({
      'l4lab.lesson.01-clusterip': '{"step":2}',
      'l4lab.lessons': '["01"]',
      'l4lab.lessonProgress.v2': 'x',
      'l4lab.theme': 'light',
      'l4lab.editor.tabs': '{}',
      other: '1',
    });
    expect(lessonProgressOf(storage)).toEqual({
      'l4lab.lesson.01-clusterip': '{"step":2}',
      'l4lab.lessons': '["01"]',
      'l4lab.lessonProgress.v2': 'x',
    });
  });

  it('restores only lesson keys, keeps the others, and counts what was written', () => {
    const storage = fakeStorage({ 'l4lab.lesson.a': 'old', 'l4lab.lesson.b': 'kept' });
    const written = restoreLessonProgress(storage, {
      'l4lab.lesson.a': 'new',
      'l4lab.lesson.c': 'added',
      'l4lab.theme': 'light',
    });
    expect(written).toEqual(['l4lab.lesson.a', 'l4lab.lesson.c']);
    expect(Object.fromEntries(storage.map)).toEqual({
      'l4lab.lesson.a': 'new',
      'l4lab.lesson.b': 'kept',
      'l4lab.lesson.c': 'added',
    });
  });

  it('survives a full storage (nothing counted as restored)', () => {
    expect(restoreLessonProgress(fakeStorage({}, true), { 'l4lab.lesson.a': '1' })).toEqual([]);
  });
});

describe('export', () => {
  it("adds this browser's tabs and lesson progress to the server's file", () => {
    const r = completeExport(SERVER_FILE, TABS, { 'l4lab.lesson.a': '1' });
    if (!r.ok) throw new Error(r.reason);
    expect(r.objects).toBe(2);
    expect(JSON.parse(r.text)).toEqual({
      ...SERVER_FILE,
      editorTabs: TABS,
      lessonProgress: { 'l4lab.lesson.a': '1' },
    });
  });

  it('refuses an answer that is not a workspace file', () => {
    expect(completeExport({ error: { message: 'x' } }, TABS, {}).ok).toBe(false);
    expect(completeExport('<html>', TABS, {}).ok).toBe(false);
  });

  it("names the file as the server does, else by today's date", () => {
    expect(filenameOf('attachment; filename="l4lab-workspace-2025-03-04.json"', new Date())).toBe(
      'l4lab-workspace-2025-03-04.json',
    );
    expect(filenameOf(null, new Date('2025-06-07T08:00:00Z'))).toBe(
      'l4lab-workspace-2025-06-07.json',
    );
  });
});

describe('readWorkspaceFile', () => {
  it('reads the file, its tabs and its lesson progress (string values only)', () => {
    const r = readWorkspaceFile(
      JSON.stringify({
        ...SERVER_FILE,
        editorTabs: TABS,
        lessonProgress: { 'l4lab.lesson.a': '1', 'l4lab.lesson.b': 2 },
      }),
    );
    if (!r.ok) throw new Error(r.reason);
    expect(r.file.objects).toHaveLength(2);
    expect(r.file.editorTabs).toEqual(TABS);
    expect(r.file.lessonProgress).toEqual({ 'l4lab.lesson.a': '1' });
  });

  it('says why a file is not one it can send', () => {
    const reason = (text: string) => {
      const r = readWorkspaceFile(text);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason('kind: Pod')).toMatch(/^The file is not JSON/);
    expect(reason('{"kind":"L4labClusterState"}')).toMatch(/^The file is not an l4lab workspace/);
    expect(reason('[]')).toMatch(/^The file is not an l4lab workspace/);
    expect(reason('{"kind":"L4labWorkspace","version":3}')).toBe(
      'The file is a workspace of version 3; this lab reads version 1.',
    );
    expect(reason(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`)).toMatch(/^The file is over 2 MiB/);
  });
});

describe('importNotice', () => {
  const read = readWorkspaceFile(JSON.stringify({ ...SERVER_FILE, editorTabs: TABS }));
  if (!read.ok) throw new Error(read.reason);
  const file = read.file;

  it('counts what the apply did, the tabs and the progress restored', () => {
    const results = [
      { kind: 'Namespace', name: 'shop', action: 'created' as const },
      { kind: 'Service', namespace: 'shop', name: 'web', action: 'configured' as const },
    ];
    expect(importNotice(200, { results, editorTabs: 1 }, file, 3)).toEqual({
      tone: 'ok',
      title: 'Workspace imported',
      lines: ['objects: 1 created, 1 configured', 'editor tabs: 1', 'lesson progress entries: 3'],
    });
  });

  it("names each refused object from the error's document, and caps the list", () => {
    const error = (document: number, message: string) => ({
      message,
      path: 'spec.ports[0].port',
      line: 3,
      column: 1,
      document,
      severity: 'error',
      code: 'L4_E_INVALID',
    });
    const n = importNotice(422, { errors: [error(1, 'The Service "web" is invalid')] }, file, 0);
    expect(n).toEqual({
      tone: 'error',
      title: 'Workspace not imported: nothing was changed',
      lines: ['Service shop/web: The Service "web" is invalid'],
    });
    const many = importNotice(
      422,
      { errors: Array.from({ length: 9 }, () => error(0, 'bad')) },
      file,
      0,
    );
    expect(many.lines).toHaveLength(7);
    expect(many.lines[0]).toBe('Namespace shop: bad');
    expect(many.lines[6]).toBe('and 3 more');
  });

  it("shows the server's own words for a refused file, or the status", () => {
    const badFile = {
      errors: [{ message: 'not an l4lab workspace file', document: 0, code: 'L4_E_BAD_WORKSPACE' }],
    };
    expect(importNotice(422, badFile, file, 0).lines).toEqual(['not an l4lab workspace file']);
    expect(
      importNotice(403, { error: { code: 'L4_E_FORBIDDEN', message: 'no' } }, file, 0).lines,
    ).toEqual(['no']);
    expect(importNotice(502, undefined, file, 0).lines).toEqual(['HTTP 502']);
  });

  it('counts nothing for no results', () => {
    expect(actionCounts([])).toBe('no objects');
  });
});
