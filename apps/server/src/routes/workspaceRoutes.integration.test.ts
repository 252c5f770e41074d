// GET /api/workspace/export and POST /api/workspace/import on an Express app with a real Cluster,
// the real manifest checker (its worker thread) and the real editor tabs store in a temporary
// workspace. No kubelet or kube-proxy: the pods stay Pending, which the objects' export ignores.
// Addresses: the default plan (nothing listens on them; only the HTTP server, on 127.0.0.1).
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ApplyErrorResponse,
  EditorTabs,
  WorkspaceFile,
  WorkspaceImportResponse,
} from '@l4lab/protocol';
import { Cluster, FakeClock } from '@l4lab/cluster';
import { applyYaml } from '../applyYaml.ts';
import { createLogger } from '../logger.ts';
import { ManifestChecker } from '../manifestChecker.ts';
import { EditorTabsStore } from '../persist/editorTabs.ts';
import { exportedObjects } from '../workspaceExport.ts';
import { type WorkspaceRouteOptions, workspaceRoutes } from './workspaceRoutes.ts';

interface MiniLab {
  url: string;
  cluster: Cluster;
  tabs: EditorTabsStore;
  stop(): Promise<void>;
}

const checker = new ManifestChecker();
const dirs: string[] = [];
const labs: MiniLab[] = [];

/** A cluster behind the workspace routes only, as app.ts mounts them under /api. */
async function startMiniLab(options: WorkspaceRouteOptions = {}): Promise<MiniLab> {
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-workspace-'));
  dirs.push(dir);
  const cluster = new Cluster({ clock: new FakeClock(Date.parse('2025-03-04T05:06:07Z')) });
  const { store: tabs } = await EditorTabsStore.open(
    join(dir, 'editor-tabs.json'),
    createLogger('silent'),
  );
  const app = express();
  app.use(
    '/api',
    workspaceRoutes(cluster, tabs, (yaml) => applyYaml(cluster, checker, yaml), options),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  const lab: MiniLab = {
    url: `http://127.0.0.1:${port}`,
    cluster,
    tabs,
    async stop() {
      await new Promise((r) => server.close(r));
      await tabs.close();
    },
  };
  labs.push(lab);
  return lab;
}

const YAML = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {tier: front}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 80, nodePort: 30123}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, annotations: {note: "ünïcode ✓"}}
spec: {containers: [{name: c, image: busybox, command: [sleep, "3600"]}]}
`;
const TABS: EditorTabs = {
  tabs: [
    { id: 'tab-1', title: 'shop.yaml', text: YAML },
    { id: 'tab-2', title: 'notes.yaml', text: '# ünïcode ✓\n' },
  ],
  active: 'tab-2',
};

let source: MiniLab;
let exported: { res: Response; file: WorkspaceFile };

async function postImport(lab: MiniLab, body: unknown) {
  const res = await fetch(`${lab.url}/api/workspace/import`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

beforeAll(async () => {
  source = await startMiniLab();
  const applied = await applyYaml(source.cluster, checker, YAML);
  expect(applied.status).toBe(200);
  source.tabs.set(TABS);
  const res = await fetch(`${source.url}/api/workspace/export`);
  exported = { res, file: (await res.json()) as WorkspaceFile };
});
afterAll(async () => {
  for (const lab of labs) await lab.stop();
  await checker.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('GET /api/workspace/export', () => {
  it('answers an attachment with the kind, version, time, objects and editor tabs', () => {
    expect(exported.res.status).toBe(200);
    expect(exported.res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(exported.res.headers.get('content-disposition')).toBe(
      'attachment; filename="l4lab-workspace-2025-03-04.json"',
    );
    const { file } = exported;
    expect(file.kind).toBe('L4labWorkspace');
    expect(file.version).toBe(1);
    expect(file.exportedAt).toBe('2025-03-04T05:06:07.000Z');
    expect(file.editorTabs).toEqual(TABS);
    expect(file.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Namespace shop',
      'Service web',
      'Deployment web',
      'Pod client',
    ]);
  });
});

describe('POST /api/workspace/import', () => {
  it('writes the same objects and tabs into a fresh lab', async () => {
    const fresh = await startMiniLab();
    const r = await postImport(fresh, exported.file);
    expect(r.status).toBe(200);
    const body = r.body as WorkspaceImportResponse;
    expect(body.editorTabs).toBe(2);
    expect(body.results.map((x) => `${x.kind} ${x.name} ${x.action}`)).toEqual([
      'Namespace shop created',
      'Service web created',
      'Deployment web created',
      'Pod client created',
    ]);
    expect(exportedObjects(fresh.cluster.store.all())).toEqual(exported.file.objects);
    expect(fresh.tabs.get()).toEqual(TABS);
    // The controllers took it from there, as after any apply.
    expect(fresh.cluster.list('Pod', 'shop')).toHaveLength(3);
    // Imported again: nothing to change.
    const again = await postImport(fresh, exported.file);
    expect((again.body as WorkspaceImportResponse).results.map((x) => x.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('refuses another kind or version with 422 saying which, and changes nothing', async () => {
    const fresh = await startMiniLab();
    const wrongKind = await postImport(fresh, { ...exported.file, kind: 'L4labClusterState' });
    expect(wrongKind.status).toBe(422);
    const kindError = (wrongKind.body as ApplyErrorResponse).errors[0]!;
    expect(kindError.code).toBe('L4_E_BAD_WORKSPACE');
    expect(kindError.message).toMatch(/^not an l4lab workspace file: kind is "L4labClusterState"/);
    const wrongVersion = await postImport(fresh, { ...exported.file, version: 2 });
    expect(wrongVersion.status).toBe(422);
    expect((wrongVersion.body as ApplyErrorResponse).errors[0]!.message).toMatch(
      /^workspace file version 2 is not one this lab reads/,
    );
    const damaged = await postImport(fresh, { ...exported.file, objects: 'none' });
    expect(damaged.status).toBe(422);
    expect((damaged.body as ApplyErrorResponse).errors[0]!.message).toMatch(
      /^the workspace file is damaged: objects: /,
    );
    const notJson = await postImport(fresh, '{"kind": ');
    expect(notJson.status).toBe(400);
    expect((notJson.body as ApplyErrorResponse).errors[0]!.code).toBe('L4_E_BAD_WORKSPACE');
    expect(exportedObjects(fresh.cluster.store.all())).toEqual([]);
    expect(fresh.tabs.get()).toEqual({ tabs: [], active: '' });
  });

  it('applies all or nothing: one invalid object, nothing written and the tabs kept', async () => {
    const fresh = await startMiniLab();
    const broken = structuredClone(exported.file);
    const svc = broken.objects[1]!;
    if (svc.kind !== 'Service') throw new Error('expected the Service second');
    svc.spec.ports![0]!.port = 70000;
    const r = await postImport(fresh, broken);
    expect(r.status).toBe(422);
    const errors = (r.body as ApplyErrorResponse).errors;
    expect(errors[0]).toMatchObject({ document: 1, path: 'spec.ports[0].port' });
    expect(exportedObjects(fresh.cluster.store.all())).toEqual([]);
    expect(fresh.tabs.get()).toEqual({ tabs: [], active: '' });
  });

  it('takes a file with no objects: only the tabs', async () => {
    const fresh = await startMiniLab();
    const r = await postImport(fresh, { ...exported.file, objects: [] });
    expect(r).toEqual({ status: 200, body: { results: [], editorTabs: 2 } });
    expect(fresh.tabs.get()).toEqual(TABS);
  });

  it('refuses a body over 2 MiB with 413 naming the limit', async () => {
    const big = {
      ...exported.file,
      editorTabs: { tabs: [], active: '' },
      pad: 'x'.repeat(2_200_000),
    };
    const r = await postImport(source, big);
    expect(r.status).toBe(413);
    expect((r.body as ApplyErrorResponse).errors[0]).toMatchObject({ code: 'L4_E_TOO_LARGE' });
    expect((r.body as ApplyErrorResponse).errors[0]!.message).toMatch(/at most 2 MiB/);
  });
});

describe('a workshop student (scoped by the caller)', () => {
  it("exports only their namespace's objects, and their own tabs", async () => {
    const own = await EditorTabsStore.open(
      join(dirs[0]!, 'student-tabs.json'),
      createLogger('silent'),
    );
    own.store.set({ tabs: [{ id: 's', title: 'mine.yaml', text: '' }], active: 's' });
    const scoped = await startMiniLab({
      namespaceOf: () => 'shop',
      ownTabs: async () => own.store,
    });
    expect((await applyYaml(scoped.cluster, checker, YAML)).status).toBe(200);
    const file = (await (
      await fetch(`${scoped.url}/api/workspace/export`)
    ).json()) as WorkspaceFile;
    expect(file.objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'Service web',
      'Deployment web',
    ]);
    expect(file.editorTabs.tabs.map((t) => t.title)).toEqual(['mine.yaml']);
    const r = await postImport(scoped, { ...file, editorTabs: TABS });
    expect(r.status).toBe(200);
    expect(own.store.get()).toEqual(TABS);
    expect(scoped.tabs.get()).toEqual({ tabs: [], active: '' });
    await own.store.close();
  });
});
