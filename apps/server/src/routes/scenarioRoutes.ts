import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import express, { type Router } from 'express';
import type { Scenario, ScenarioList } from '@l4lab/protocol';

const TITLES: Record<string, string> = {
  '01-clusterip': 'ClusterIP',
  '02-nodeport': 'NodePort',
  '03-externalname': 'ExternalName',
  '04-loadbalancer': 'LoadBalancer',
};

/** GET /api/scenarios: the walkthroughs, and the one preloaded in the editor (--scenario). */
export function scenarioRoutes(dir: string, preloaded: string): Router {
  const r = express.Router();
  r.get('/scenarios', async function listScenarios(_req, res) {
    const files = (await readdir(dir).catch(() => [])).filter((f) => /\.ya?ml$/.test(f)).sort();
    const items: Scenario[] = [];
    for (const f of files) {
      const id = f.replace(/\.ya?ml$/, '');
      items.push({ id, title: TITLES[id] ?? id, yaml: await readFile(join(dir, f), 'utf8') });
    }
    const defId = basename(preloaded).replace(/\.ya?ml$/, '');
    if (!items.some((s) => s.id === defId)) {
      const yaml = await readFile(preloaded, 'utf8').catch(() => undefined);
      if (yaml !== undefined) items.unshift({ id: defId, title: defId, yaml });
    }
    const body: ScenarioList = { default: defId, items };
    res.json(body);
  });
  return r;
}
