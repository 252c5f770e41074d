import { z } from 'zod';

// The editor's tabs as the lab keeps them in its workspace (`GET`/`PUT /api/editor-tabs`), so they
// survive a restart of the server and reach another browser.

/** Most tabs kept, and most bytes of a `PUT /api/editor-tabs` body. */
export const MAX_EDITOR_TABS = 100;
export const MAX_EDITOR_TABS_BYTES = 2 * 1024 * 1024;

export const editorTabSchema = z.object({
  id: z.string().min(1).max(200),
  title: z.string().max(200),
  text: z.string(),
});

export const editorTabsSchema = z.object({
  tabs: z.array(editorTabSchema).max(MAX_EDITOR_TABS, `at most ${MAX_EDITOR_TABS} tabs are kept`),
  /** The id of the tab in front ('' when there are no tabs). */
  active: z.string().max(200),
});
export type EditorTabs = z.infer<typeof editorTabsSchema>;
