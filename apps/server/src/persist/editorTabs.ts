import { type EditorTabs, editorTabsSchema } from '@l4lab/protocol';
import type { Logger } from '../logger.ts';
import { DebouncedWriter, type StateNote, loadStateFile } from './stateFile.ts';

const EDITOR_TABS_VERSION = 1;

/**
 * The editor's tabs, kept in the workspace for `GET`/`PUT /api/editor-tabs`: in memory for
 * reads, written atomically shortly after each change.
 */
export class EditorTabsStore {
  #tabs: EditorTabs = { tabs: [], active: '' };
  readonly #writer: DebouncedWriter;

  private constructor(file: string, logger: Logger) {
    this.#writer = new DebouncedWriter(
      file,
      () =>
        `${JSON.stringify({ kind: 'L4labEditorTabs', version: EDITOR_TABS_VERSION, ...this.#tabs })}\n`,
      { delayMs: 200, logger },
    );
  }

  /** Opens the tabs saved in `file` (a damaged file is set aside: no tabs). */
  static async open(
    file: string,
    logger: Logger,
  ): Promise<{ store: EditorTabsStore; notes: StateNote[] }> {
    const store = new EditorTabsStore(file, logger);
    const { value, note } = await loadStateFile(file, 'the saved editor tabs', checkEditorTabsFile);
    if (value) store.#tabs = value;
    return { store, notes: note ? [note] : [] };
  }

  get(): EditorTabs {
    return this.#tabs;
  }

  set(tabs: EditorTabs): void {
    this.#tabs = tabs;
    this.#writer.changed();
  }

  close(): Promise<void> {
    return this.#writer.close();
  }
}

function checkEditorTabsFile(v: unknown) {
  const file = v as { kind?: unknown; version?: unknown } | null;
  if (file?.kind !== 'L4labEditorTabs')
    return { ok: false as const, reason: 'not l4lab editor tabs' };
  if (file.version !== EDITOR_TABS_VERSION)
    return { ok: false as const, reason: `unknown version ${JSON.stringify(file.version)}` };
  const parsed = editorTabsSchema.safeParse(v);
  if (!parsed.success)
    return { ok: false as const, reason: parsed.error.issues[0]?.message ?? 'invalid' };
  return { ok: true as const, value: parsed.data };
}
