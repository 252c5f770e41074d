// GET /api/tutorial on its own Express app (loopback, an ephemeral port): the tutorial's files as
// the server writes them into the workspace, and a clear 500 when a seed no longer splits as the
// tutorial names its files.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { tutorialRoutes } from './tutorialRoutes.ts';
import { writeTutorialFiles } from '../tutorialFiles.ts';

const SCENARIOS = resolve(import.meta.dirname, '../../../../scenarios');

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((done) => (server ? server.close(done) : done(undefined)));
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function get(scenariosDir: string): Promise<Response> {
  const app = express();
  app.use('/api', tutorialRoutes(scenariosDir));
  server = await new Promise<Server>((ready) => {
    const s = app.listen(0, '127.0.0.1', () => ready(s));
  });
  return fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/tutorial`);
}

describe('GET /api/tutorial', () => {
  it("answers the tutorial's files, each the text the server writes into the workspace", async () => {
    const res = await get(SCENARIOS);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { name: string; text: string }[] };
    expect(items.map((f) => f.name)).toEqual([
      'pod_test.yaml',
      'service_test.yaml',
      'pod_nodeport.yaml',
      'service_nodeport.yaml',
      'client.yaml',
      'client_svc.yaml',
      'server_nginx.yaml',
      'nginx_svc.yaml',
    ]);
    expect(items[0]!.text).toMatch(
      /^apiVersion: apps\/v1\nkind: Deployment\nmetadata:\n {2}name: my-nginx\n/,
    );
    dir = await mkdtemp(join(tmpdir(), 'l4lab-tutorial-'));
    const written = await writeTutorialFiles(SCENARIOS, dir);
    for (const f of items) expect(await readFile(join(written, f.name), 'utf8')).toBe(f.text);
  });

  it('says which seed does not split as the tutorial names its files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'l4lab-tutorial-seeds-'));
    for (const f of ['01-clusterip.yaml', '02-nodeport.yaml'])
      await writeFile(join(dir, f), await readFile(join(SCENARIOS, f), 'utf8'));
    await writeFile(join(dir, '03-externalname.yaml'), 'apiVersion: v1\nkind: Namespace\n');
    const res = await get(dir);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: {
        code: 'L4_E_TUTORIAL_FILES',
        message:
          "cannot read the tutorial's files from the seeds: 03-externalname.yaml has 1 documents, the tutorial names 5",
      },
    });
  });
});
