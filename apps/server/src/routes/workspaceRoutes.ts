import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  type ApplyErrorResponse,
  type KubeObject,
  MAX_WORKSPACE_FILE_BYTES,
  WORKSPACE_FILE_KIND,
  WORKSPACE_FILE_VERSION,
  type WorkspaceFile,
  type WorkspaceImportResponse,
  workspaceFileSchema,
} from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import type { ApplyAnswer } from '../applyYaml.ts';
import type { EditorTabsStore } from '../persist/editorTabs.ts';
import { exportedObjects } from '../workspaceExport.ts';

export interface WorkspaceRouteOptions {
  /** A workshop student's namespace: their export holds that namespace's objects only. */
  namespaceOf?: (res: Response) => string | undefined;
  /** A workshop student's own editor tabs; undefined: the workspace's shared ones. */
  ownTabs?: (res: Response) => Promise<EditorTabsStore> | undefined;
}

/**
 * A whole workspace as one file: `GET /api/workspace/export` answers the user's objects and the
 * editor's tabs as an attachment; `POST /api/workspace/import` applies such a file's objects all
 * or nothing, through `apply` (POST /api/apply's path, with its checks, scope and answers), then
 * replaces the editor's tabs.
 */
export function workspaceRoutes(
  cluster: Cluster,
  editorTabs: EditorTabsStore,
  apply: (yaml: string, res: Response) => Promise<ApplyAnswer>,
  options: WorkspaceRouteOptions = {},
): Router {
  const r = express.Router();
  const tabsOf = async (res: Response) => (await options.ownTabs?.(res)) ?? editorTabs;

  r.get('/workspace/export', async function exportWorkspace(_req, res) {
    const scope = options.namespaceOf?.(res);
    const objects = exportedObjects(cluster.store.all()).filter(
      (o) => scope === undefined || o.metadata.namespace === scope,
    );
    const exportedAt = cluster.nowIso();
    const file: WorkspaceFile = {
      kind: WORKSPACE_FILE_KIND,
      version: WORKSPACE_FILE_VERSION,
      exportedAt,
      objects,
      editorTabs: (await tabsOf(res)).get(),
    };
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="l4lab-workspace-${exportedAt.slice(0, 10)}.json"`,
    );
    res.type('application/json').send(`${JSON.stringify(file, null, 2)}\n`);
  });

  r.post(
    '/workspace/import',
    express.json({ limit: MAX_WORKSPACE_FILE_BYTES }),
    async function importWorkspace(req, res) {
      const parsed = workspaceFileSchema.safeParse(req.body);
      if (!parsed.success)
        return refuse(res, 422, 'L4_E_BAD_WORKSPACE', problemOf(req.body, parsed.error.issues));
      const file = parsed.data;
      const tabs = file.editorTabs.tabs.length;
      // A file of tabs alone: no apply (an empty apply is refused as `no objects passed`).
      if (file.objects.length > 0) {
        const answer = await apply(asManifests(file.objects as unknown as KubeObject[]), res);
        if (answer.status !== 200) return void res.status(answer.status).json(answer.body);
        (await tabsOf(res)).set(file.editorTabs);
        const body: WorkspaceImportResponse = { ...answer.body, editorTabs: tabs };
        return void res.json(body);
      }
      (await tabsOf(res)).set(file.editorTabs);
      const body: WorkspaceImportResponse = { results: [], editorTabs: tabs };
      res.json(body);
    },
  );
  // A body refused before it is read: an apply-shaped answer, as for POST /api/apply.
  r.use(
    '/workspace/import',
    function unreadable(err: unknown, _req: Request, res: Response, next: NextFunction) {
      const e = err as { status?: number; type?: string; message?: string };
      if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500) return next(err);
      if (e.status === 413) {
        return refuse(
          res,
          413,
          'L4_E_TOO_LARGE',
          `a workspace file may be at most ${MAX_WORKSPACE_FILE_BYTES / 1024 / 1024} MiB: shorten or close editor tabs, or export fewer objects`,
        );
      }
      refuse(
        res,
        e.status,
        'L4_E_BAD_WORKSPACE',
        `not a workspace file: ${e.message ?? e.type ?? 'unreadable'} (import the JSON file "Export workspace" saved)`,
      );
    },
  );
  return r;
}

/**
 * The objects as one multi-document text for the apply: each a JSON document (JSON is YAML), so
 * an error's `document` is the object's index in the file.
 */
export function asManifests(objects: readonly KubeObject[]): string {
  return objects.map((o) => `${JSON.stringify(o, null, 2)}\n`).join('---\n');
}

/** What is wrong with a file that is not a workspace file, first the kind and the version. */
function problemOf(
  body: unknown,
  issues: readonly { path: PropertyKey[]; message: string }[],
): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (b.kind !== WORKSPACE_FILE_KIND) {
    return `not an l4lab workspace file: kind is ${JSON.stringify(b.kind) ?? 'missing'}, expected "${WORKSPACE_FILE_KIND}" (import the JSON file "Export workspace" saved)`;
  }
  if (b.version !== WORKSPACE_FILE_VERSION) {
    return `workspace file version ${JSON.stringify(b.version) ?? '(missing)'} is not one this lab reads (it reads version ${WORKSPACE_FILE_VERSION}): export it again from a lab of this version`;
  }
  const shown = issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || 'file'}: ${i.message}`);
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
  return `the workspace file is damaged: ${shown.join('; ')}${more}`;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  const body: ApplyErrorResponse = {
    errors: [{ message, path: '', line: 1, column: 1, document: 0, severity: 'error', code }],
  };
  res.status(status).json(body);
}
