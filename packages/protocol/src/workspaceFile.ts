import { z } from 'zod';
import type { ApplyResponse } from './api.ts';
import { editorTabsSchema } from './editorTabs.ts';
import type { KubeObject } from './kube.ts';

// A whole workspace as one file (`GET /api/workspace/export`, `POST /api/workspace/import`): the
// objects users wrote (as `kubectl get -o yaml` shows them, without what the server fills in),
// the editor's tabs, and the browser's lesson progress, which only the dashboard adds and reads.

export const WORKSPACE_FILE_KIND = 'L4labWorkspace';
export const WORKSPACE_FILE_VERSION = 1;
/** Most bytes of a `POST /api/workspace/import` body. */
export const MAX_WORKSPACE_FILE_BYTES = 2 * 1024 * 1024;
/** The localStorage keys of lesson progress start with this; the file carries each of them. */
export const LESSON_PROGRESS_PREFIX = 'l4lab.lesson';

export interface WorkspaceFile {
  kind: typeof WORKSPACE_FILE_KIND;
  version: typeof WORKSPACE_FILE_VERSION;
  /** ISO time of the export. */
  exportedAt: string;
  /** Namespaces first, then Services, then workloads: applied in this order. */
  objects: KubeObject[];
  editorTabs: z.infer<typeof editorTabsSchema>;
  /** localStorage entries whose key starts with LESSON_PROGRESS_PREFIX (added by the dashboard). */
  lessonProgress?: Record<string, string>;
}

/**
 * Enough shape to read the file; each object is then checked as any applied manifest is (the
 * apply's own validation speaks Kubernetes' words, so it is not repeated here).
 */
const objectShape = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string() }),
});

export const workspaceFileSchema = z.object({
  kind: z.literal(WORKSPACE_FILE_KIND),
  version: z.literal(WORKSPACE_FILE_VERSION),
  exportedAt: z.string().optional(),
  objects: z.array(objectShape),
  editorTabs: editorTabsSchema,
  lessonProgress: z.record(z.string(), z.string()).optional(),
});

/** `POST /api/workspace/import`'s answer: the apply's, and how many editor tabs were kept. */
export interface WorkspaceImportResponse extends ApplyResponse {
  editorTabs: number;
}
