// The mirror's informers against a small API server on loopback that expires a watch (410 Gone):
// they list again, as client-go's reflector does, and the mirror drops what went while the watch
// was away and adds what came, each object with its own metadata. A failed first LIST stops the
// start with the API server's message.
// Addresses: the fake API server on 127.0.0.1 (port 0); pod IPs below are data only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { WatchEvent } from '@l4lab/protocol';
import { createLogger } from '../logger.ts';
import { waitFor } from '../testLab.ts';
import { RemoteMirror } from './remoteMirror.ts';
import { loadKubeconfig } from './remoteTarget.ts';

const pod = (name: string, rv: string) => ({
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    resourceVersion: rv,
    creationTimestamp: '2026-01-02T03:04:05Z',
    managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
  },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Running', podIP: '10.244.1.5' },
});

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A fake API server; `handle` answers pods, every other collection is empty and its watch idle. */
async function fakeApiServer(
  handle: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean,
): Promise<string> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (handle(req, res, url)) return;
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders(); // an API server answers a watch at once, then streams
      return; // idle until the test ends
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ metadata: { resourceVersion: '1' }, items: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const dir = await mkdtemp(join(tmpdir(), 'l4lab-mirror-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'kubeconfig');
  const { port } = server.address() as AddressInfo;
  await writeFile(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      `  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}`,
      'users:',
      '- name: me',
      '  user: {token: t}',
      'contexts:',
      '- name: fake',
      '  context: {cluster: fake, user: me}',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return file;
}

describe('RemoteMirror', () => {
  it('lists again when the watch expires (410 Gone), and mirrors what changed meanwhile', async () => {
    let lists = 0;
    const kubeconfig = await fakeApiServer((_req, res, url) => {
      if (url.pathname !== '/api/v1/pods') return false;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (url.searchParams.get('watch') !== 'true') {
        lists++;
        const items =
          lists === 1 ? [pod('a', '10'), pod('b', '11')] : [pod('b', '11'), pod('c', '20')];
        res.end(
          JSON.stringify({
            kind: 'PodList',
            metadata: { resourceVersion: lists === 1 ? '11' : '20' },
            items,
          }),
        );
        return true;
      }
      if (url.searchParams.get('resourceVersion') === '11') {
        // The API server's answer to a watch from a resourceVersion it no longer has.
        const gone = {
          kind: 'Status',
          status: 'Failure',
          reason: 'Expired',
          code: 410,
          message: 'too old resource version: 11 (15)',
        };
        res.end(`${JSON.stringify({ type: 'ERROR', object: gone })}\n`);
      }
      res.flushHeaders();
      return true; // a watch from 20 stays open, idle
    });
    const mirror = new RemoteMirror(loadKubeconfig(kubeconfig).client, createLogger('silent'));
    cleanup.push(() => mirror.stop());
    const seen: string[] = [];
    mirror.store.watch((e: WatchEvent) => seen.push(`${e.type} ${e.object.metadata.name}`));
    await mirror.start();
    await waitFor('the second LIST', async () =>
      mirror.store.get('Pod', 'default', 'c') ? true : undefined,
    );
    expect(lists).toBe(2);
    expect(mirror.store.list('Pod').map((p) => p.metadata.name)).toEqual(['b', 'c']);
    expect(seen).toEqual(['ADDED a', 'ADDED b', 'DELETED a', 'ADDED c']);
    const c = mirror.store.get('Pod', 'default', 'c')!;
    expect(c).toMatchObject({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { uid: 'uid-c', resourceVersion: '20', creationTimestamp: '2026-01-02T03:04:05Z' },
    });
    expect(c.metadata).not.toHaveProperty('managedFields');
  });

  it("stops its start with the API server's message when a LIST is refused", async () => {
    const kubeconfig = await fakeApiServer((_req, res, url) => {
      if (url.pathname !== '/api/v1/nodes') return false;
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message:
            'nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope',
        }),
      );
      return true;
    });
    const mirror = new RemoteMirror(loadKubeconfig(kubeconfig).client, createLogger('silent'));
    cleanup.push(() => mirror.stop());
    await expect(mirror.start()).rejects.toThrow(
      'listing /api/v1/nodes: nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope',
    );
  });
});
