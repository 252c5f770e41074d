import express, { type Router } from 'express';
import type { TutorialFileList } from '@l4lab/protocol';
import { sendError } from '../httpError.ts';
import { tutorialFiles } from '../tutorialFiles.ts';

/**
 * GET /api/tutorial: the tutorial's files (`pod_test.yaml`, ...), the ones written into the
 * workspace for the real kubectl, for the dashboard's kubectl console (`kubectl apply -f`).
 */
export function tutorialRoutes(scenariosDir: string): Router {
  const r = express.Router();
  r.get('/tutorial', async function listTutorialFiles(_req, res) {
    try {
      const body: TutorialFileList = { items: await tutorialFiles(scenariosDir) };
      res.json(body);
    } catch (err) {
      sendError(
        res,
        500,
        'L4_E_TUTORIAL_FILES',
        `cannot read the tutorial's files from the seeds: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
  return r;
}
