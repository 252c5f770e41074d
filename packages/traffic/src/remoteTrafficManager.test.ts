// Loopback only: a "node" at 127.0.0.1 whose nodePort is an HTTP server of the kernel's choosing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type KubeKind,
  type KubeObject,
  type TrafficStatus,
  trafficRequestSchema,
} from '@l4lab/protocol';
import type { ObjectOf } from '@l4lab/cluster';
import type { ClientConnection } from './clientConnections.ts';
import type { ReachableFrontend } from './remoteFrontends.ts';
import { RemoteTrafficManager } from './remoteTrafficManager.ts';
import { TargetError } from './target.ts';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

function cluster(nodePort: number) {
  const all = [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, nodePort }] },
    },
  ] as unknown as KubeObject[];
  return {
    list: <K extends KubeKind>(kind: K) => all.filter((o) => o.kind === kind) as ObjectOf<K>[],
  };
}

const request = (over: object) => trafficRequestSchema.parse({ rate: 50, ...over });

describe("remote mode's generators (from this machine to a cluster's frontends)", () => {
  it('sends to a NodePort and reports each connection with its frontend', async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const seen: [ClientConnection, ReachableFrontend][] = [];
    let last: TrafficStatus[] = [];
    const m = new RemoteTrafficManager({
      objects: cluster(port),
      onUpdate: (all) => (last = all),
      onConnection: (c, f) => seen.push([c, f]),
    });
    const started = await m.start(request({ target: `127.0.0.1:${port}`, count: 4 }));
    expect(started).toMatchObject({ state: 'running', resolved: `127.0.0.1:${port}` });
    for (let i = 0; i < 100 && last[0]?.state !== 'finished'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(last[0]).toMatchObject({ state: 'finished', ok: 4, errors: 0 });
    expect(seen.filter(([c]) => c.outcome === 'ok')).toHaveLength(4);
    for (const [, f] of seen)
      expect(f).toMatchObject({
        kind: 'NodePort',
        node: 'node-a',
        service: { name: 'web', port: 80 },
      });
    expect(m.forget(started.id)?.id).toBe(started.id);
    expect(m.list()).toEqual([]);
  });

  it('refuses a pod as the source and a ClusterIP as the target, and holds the limits', async () => {
    const m = new RemoteTrafficManager({ objects: cluster(30080), maxGenerators: 0 });
    await expect(m.start(request({ target: '127.0.0.1:30080' }))).rejects.toMatchObject({
      code: 'L4_E_TOO_MANY_GENERATORS',
    });
    const free = new RemoteTrafficManager({ objects: cluster(30080) });
    const fromPod = await free
      .start(request({ target: '127.0.0.1:30080', from: 'pod:default/client' }))
      .catch((e: unknown) => e);
    expect(fromPod).toBeInstanceOf(TargetError);
    expect((fromPod as TargetError).message).toContain('kubectl exec -n default client --');
    await expect(free.start(request({ target: '10.96.0.20:80' }))).rejects.toMatchObject({
      code: 'L4_E_INSIDE_CLUSTER_ONLY',
    });
    expect(free.list()).toEqual([]);
  });
});
