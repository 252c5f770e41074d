// The traffic routes alone on a loopback port. The generators aim at 127.0.0.1:9 at 1/s: the one
// stopped through the route may try one connection there (refused) before it is stopped.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficRequestSchema, type TrafficStatus } from '@l4lab/protocol';
import { PortMapper } from '@l4lab/cluster';
import { newTestCluster } from '@l4lab/cluster/testing';
import { ConnectionStats } from '@l4lab/dataplane';
import { TrafficManager } from '@l4lab/traffic';
import { EventHub } from '../eventHub.ts';
import { trafficRoutes } from './trafficRoutes.ts';

const traffic = new TrafficManager({
  cluster: newTestCluster().cluster,
  mapper: new PortMapper('native'),
  dns: () => {
    throw new Error('no DNS in this test: targets are addresses');
  },
  allowHostTargets: true, // 127.0.0.1:9, never sent to: stopped before the first tick
});
const stats = new ConnectionStats();
let server: Server;
let base = '';

beforeAll(async () => {
  const app = express();
  app.use('/api', trafficRoutes(traffic, new EventHub(stats), stats));
  server = app.listen(0, '127.0.0.1');
  await new Promise((ok) => server.once('listening', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  traffic.stopAll();
  await new Promise((ok) => server.close(ok));
});

async function call(method: string, path: string) {
  const res = await fetch(`${base}${path}`, { method });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const start = () => traffic.start(trafficRequestSchema.parse({ target: '127.0.0.1:9', rate: 1 }));
const listed = async () =>
  ((await call('GET', '/traffic')).body.items as TrafficStatus[]).map((g) => g.id);

describe('DELETE /api/traffic/{id}', () => {
  it('stops a running generator and keeps its results listed', async () => {
    const running = await start();
    const r = await call('DELETE', `/traffic/${running.id}`);
    expect(r.status).toBe(200);
    expect(r.body.stopped).toMatchObject({ id: running.id, state: 'stopped' });
    expect(await listed()).toContain(running.id);
  });

  it('forgets a generator that no longer runs', async () => {
    const g = await start();
    traffic.stop(g.id); // before its first tick: nothing sent
    const r = await call('DELETE', `/traffic/${g.id}`);
    expect(r.status).toBe(200);
    expect(r.body.removed).toMatchObject({ id: g.id, state: 'stopped' });
    expect(await listed()).not.toContain(g.id);
    expect((await call('DELETE', `/traffic/${g.id}`)).status).toBe(404);
  });
});
