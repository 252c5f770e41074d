// The lab's state survives a restart: a Deployment and a NodePort Service applied, the server
// stopped (SIGTERM's path, in-process) or killed with -9 (a child process), then started again on
// the same workspace: the same objects come back with the same ClusterIP, nodePort, pod names and
// pod IPs, the pods are Ready again, and no process of the first run is left. A damaged state file
// is set aside and the lab starts empty. Addresses: random test ranges (testRanges.ts); port 0.
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deployment, Pod, Service } from '@l4lab/protocol';
import { findNginx, processAlive } from '@l4lab/runtime';
import { startLab, type Lab } from './lab.ts';
import { nginxOf, startServerProcess } from './testServerProcess.ts';
import { createLogger } from './logger.ts';
import { stateFiles } from './persist/workspaceState.ts';
import { getPod, waitFor } from './testLab.ts';
import { testLabConfig, testRanges } from './testRanges.ts';
import { runOnlyIf } from './testSkip.ts';

const NGINX_MISSING = 'nginx is not installed (apt-get install nginx-light)';

// No nodePort and no clusterIP given: both are allocated, so only a restore can give them back.
const APP = `apiVersion: apps/v1
kind: Deployment
metadata: {name: durable}
spec:
  replicas: 2
  selector: {matchLabels: {app: durable}}
  template:
    metadata: {labels: {app: durable}}
    spec:
      containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: durable}
spec:
  type: NodePort
  selector: {app: durable}
  ports: [{port: 80, targetPort: 80}]
`;
const TABS = { tabs: [{ id: 'tab-1', title: 'app.yaml', text: APP }], active: 'tab-1' };

const labs: Lab[] = [];
const children: ChildProcess[] = [];
let workspace: string | undefined;

afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.stop();
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  if (workspace) await rm(workspace, { recursive: true, force: true });
  workspace = undefined;
});

async function call<T>(url: string, method: string, path: string, body?: string, type?: string) {
  const res = await fetch(`${url}${path}`, {
    method,
    ...(body !== undefined
      ? { body, headers: { 'Content-Type': type ?? 'application/yaml' } }
      : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** What must come back: every pod (name, node, IP), the ReplicaSet, the Service's addresses. */
async function clusterView(url: string) {
  const pods = (await call<{ items: Pod[] }>(url, 'GET', '/api/objects/pods')).body.items;
  const rs = (await call<{ items: Deployment[] }>(url, 'GET', '/api/objects/replicasets')).body;
  const svc = (await call<{ items: Service[] }>(url, 'GET', '/api/objects/services')).body.items;
  const durable = svc.find((s) => s.metadata.name === 'durable');
  return {
    pods: pods.map(
      (p) => `${p.metadata.namespace}/${p.metadata.name} ${p.spec.nodeName} ${p.status?.podIP}`,
    ),
    replicaSets: rs.items.map((r) => r.metadata.name),
    service: {
      uid: durable?.metadata.uid,
      clusterIP: durable?.spec.clusterIP,
      nodePort: durable?.spec.ports?.[0]?.nodePort,
    },
    ready: pods.every((p) =>
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ),
  };
}

/** The view once every pod (the app's two and CoreDNS's two) is Ready. */
function readyView(url: string) {
  return waitFor(
    'every pod Ready',
    async () => {
      const v = await clusterView(url);
      return v.ready && v.pods.filter((p) => p.startsWith('default/durable-')).length === 2
        ? v
        : undefined;
    },
    30_000,
  );
}

/** nginx processes whose command line names this workspace. */
/** Alive and not a zombie (a killed process stays in the table until its parent reaps it). */
async function running(pid: number): Promise<boolean> {
  if (!processAlive(pid)) return false;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z';
}

/** nginx processes of the workspace: master and worker of each pod, so count pods by master. */
const nginxPods = async (ws: string) => {
  const masters = [];
  for (const pid of await nginxOf(ws)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes('worker process')) masters.push(pid);
  }
  return masters;
};

function startServer(ws: string, flags: string[]) {
  return startServerProcess(ws, flags, children);
}

describe('a restart on the same workspace', () => {
  it('after a stop: the same objects, ClusterIP, nodePort, pod names and IPs, Ready and serving', async (ctx) => {
    runOnlyIf(ctx, Boolean(findNginx()), NGINX_MISSING);
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-durable-'));
    const config = testLabConfig(workspace, { runtime: 'nginx' });
    const first = await startLab(config, createLogger('silent'));
    labs.push(first);
    expect(first.stateAtStart).toEqual([]);
    expect((await call(first.url, 'POST', '/api/apply', APP)).status).toBe(200);
    expect(
      (await call(first.url, 'PUT', '/api/editor-tabs', JSON.stringify(TABS), 'application/json'))
        .status,
    ).toBe(200);
    const before = await readyView(first.url);
    const resourceVersion = Number(first.cluster.store.resourceVersion);
    labs.splice(0);
    await first.stop();
    expect(await nginxOf(workspace)).toEqual([]);

    const second = await startLab(config, createLogger('silent'));
    labs.push(second);
    // 7 pods: my-nginx 2, coredns 2, kube-proxy one per node (3).
    expect(second.stateAtStart).toEqual([
      {
        level: 'info',
        text: expect.stringMatching(
          /^restored \d+ objects \(7 pods start again\) from .*cluster\.json$/,
        ),
      },
    ]);
    expect(Number(second.cluster.store.resourceVersion)).toBeGreaterThan(resourceVersion);
    const after = await readyView(second.url);
    expect(after).toEqual(before);
    expect(after.service.nodePort).toBeGreaterThanOrEqual(30000);
    // The restored NodePort serves from the restored pods.
    const a = second.resolveHost(config.nodeIP, after.service.nodePort!);
    // kube-proxy programs the restored endpoints a sync after the pods are Ready: wait for it.
    const served = await waitFor('the restored NodePort serving', () =>
      getPod(a.host, a.port).catch(() => undefined),
    );
    expect(after.pods.map((p) => p.split(' ')[0]!.split('/')[1])).toContain(served);
    expect((await call(second.url, 'GET', '/api/editor-tabs')).body).toEqual(TABS);
    expect(await nginxPods(workspace)).toHaveLength(2);
    labs.splice(0);
    await second.stop();
    expect(await nginxOf(workspace)).toEqual([]);
  });

  it('after kill -9: the same objects and addresses, Ready again, nothing of the first run left', async (ctx) => {
    runOnlyIf(ctx, Boolean(findNginx()), NGINX_MISSING);
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-durable-'));
    const flags = ['--runtime', 'nginx', ...testRanges().flags];
    const first = startServer(workspace, flags);
    const url = await first.ready;
    expect((await call(url, 'POST', '/api/apply', APP)).status).toBe(200);
    const before = await readyView(url);
    // Saved at most 200 ms after a change: wait until the file holds the pods with their IPs.
    const file = stateFiles(workspace).cluster;
    const ips = before.pods.map((p) => p.split(' ')[2]);
    await waitFor('the pods saved with their IPs', async () => {
      const saved = await readFile(file, 'utf8').catch(() => '');
      return ips.every((ip) => saved.includes(`"podIP":"${ip}"`)) || undefined;
    });
    const firstRun = await nginxOf(workspace);
    expect(firstRun.length).toBeGreaterThanOrEqual(2);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startServer(workspace, flags);
    const url2 = await second.ready;
    expect(second.out()).toMatch(/state: restored \d+ objects \(7 pods start again\)/);
    const after = await readyView(url2);
    expect(after).toEqual(before);
    // Their parent-death signal kills them with the server; init reaps them soon after.
    await waitFor(
      "the first run's nginx gone",
      async () => (await Promise.all(firstRun.map(running))).every((r) => !r) || undefined,
    );
    expect(await nginxPods(workspace)).toHaveLength(2);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await nginxOf(workspace)).toEqual([]);
  });
});

describe('a state file the lab cannot use', () => {
  it('is set aside with one warning, and the lab starts empty and saves anew', async () => {
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-durable-'));
    const file = stateFiles(workspace).cluster;
    await mkdir(join(workspace, 'state'));
    await writeFile(file, '{"kind":"L4labClusterState","version":1,"objects":[{"kind":"Po');
    const config = testLabConfig(workspace, { runtime: 'builtin' });
    const lab = await startLab(config, createLogger('silent'));
    labs.push(lab);
    expect(lab.stateAtStart).toEqual([
      {
        level: 'warn',
        text: expect.stringMatching(
          /^the saved cluster in .*cluster\.json was not restored \(not JSON: .*\), moved to .*cluster\.json\.corrupt-\S+; starting without it$/,
        ),
      },
    ]);
    const aside = (await readdir(join(workspace, 'state'))).filter((f) => f.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(lab.cluster.list('Deployment', 'default')).toEqual([]);
    expect((await call(lab.url, 'POST', '/api/apply', APP)).status).toBe(200);
    labs.splice(0);
    await lab.stop();
    const saved = JSON.parse(await readFile(file, 'utf8')) as {
      objects: { metadata: { name: string } }[];
    };
    expect(saved.objects.map((o) => o.metadata.name)).toContain('durable');
  });

  it('--fresh forgets the saved cluster and tabs', async () => {
    workspace = await mkdtemp(join(tmpdir(), 'l4lab-durable-'));
    const config = testLabConfig(workspace, { runtime: 'builtin' });
    const first = await startLab(config, createLogger('silent'));
    labs.push(first);
    await call(first.url, 'POST', '/api/apply', APP);
    await call(first.url, 'PUT', '/api/editor-tabs', JSON.stringify(TABS), 'application/json');
    labs.splice(0);
    await first.stop();
    const fresh = await startLab({ ...config, fresh: true }, createLogger('silent'));
    labs.push(fresh);
    expect(fresh.stateAtStart.map((n) => n.text)).toEqual([
      'starting fresh (--fresh): saved cluster and editor tabs forgotten',
    ]);
    expect(fresh.cluster.list('Deployment', 'default')).toEqual([]);
    expect((await call(fresh.url, 'GET', '/api/editor-tabs')).body).toEqual({
      tabs: [],
      active: '',
    });
  });
});
