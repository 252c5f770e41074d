import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { MAX_EDITOR_TABS_BYTES, editorTabsSchema } from '@l4lab/protocol';
import { sendError } from '../httpError.ts';
import type { EditorTabsStore } from '../persist/editorTabs.ts';

/**
 * The editor's tabs kept in the workspace: `GET /api/editor-tabs` answers `{"tabs","active"}`
 * (no tabs when none were saved), `PUT` replaces them, `DELETE` forgets them.
 */
export function editorTabsRoutes(
  shared: EditorTabsStore,
  /** A workshop student's own tabs; undefined: the shared ones. */
  ownTabs?: (res: Response) => Promise<EditorTabsStore> | undefined,
): Router {
  const r = express.Router();
  const storeOf = async (res: Response) => (await ownTabs?.(res)) ?? shared;
  r.get('/editor-tabs', async (_req, res) => void res.json((await storeOf(res)).get()));
  r.put(
    '/editor-tabs',
    express.json({ limit: MAX_EDITOR_TABS_BYTES }),
    async function saveEditorTabs(req: Request, res: Response) {
      const parsed = editorTabsSchema.safeParse(req.body);
      if (!parsed.success) {
        const msg = parsed.error.issues
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ');
        return sendError(res, 422, 'L4_E_BAD_EDITOR_TABS', msg);
      }
      (await storeOf(res)).set(parsed.data);
      res.json({ saved: parsed.data.tabs.length });
    },
    function tooLarge(err: unknown, _req: Request, res: Response, next: NextFunction) {
      if ((err as { type?: string }).type !== 'entity.too.large') return next(err);
      sendError(
        res,
        413,
        'L4_E_TOO_LARGE',
        `editor tabs are kept up to ${MAX_EDITOR_TABS_BYTES / 1024 / 1024} MiB in all: close or shorten a tab`,
      );
    },
  );
  r.delete('/editor-tabs', async function forgetEditorTabs(_req, res) {
    (await storeOf(res)).set({ tabs: [], active: '' });
    res.json({ saved: 0 });
  });
  return r;
}
