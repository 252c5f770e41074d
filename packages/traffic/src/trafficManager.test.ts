// Generators aimed at 127.0.0.1:9 are stopped before their first tick (a 10 ms timer): nothing is
// sent, no socket is opened.
import { describe, expect, it } from 'vitest';
import { trafficRequestSchema, type TrafficStatus } from '@l4lab/protocol';
import { PortMapper } from '@l4lab/cluster';
import { newTestCluster } from '@l4lab/cluster/testing';
import type { DnsTransportFactory } from './exec/builtinExecutor.ts';
import { TrafficManager } from './trafficManager.ts';

const noDns: DnsTransportFactory = () => {
  throw new Error('no DNS in this test: targets are addresses');
};

function manager(allowHostTargets = true) {
  const updates: TrafficStatus[][] = [];
  const traffic = new TrafficManager({
    cluster: newTestCluster().cluster,
    mapper: new PortMapper('native'),
    dns: noDns,
    onUpdate: (all) => updates.push(all),
    allowHostTargets,
  });
  const start = () => traffic.start(trafficRequestSchema.parse({ target: '127.0.0.1:9', rate: 1 }));
  return { traffic, updates, start };
}

describe('TrafficManager.start', () => {
  it("refuses a target outside the cluster (this machine's own services) unless allowed", async () => {
    const { traffic } = manager(false);
    await expect(
      traffic.start(trafficRequestSchema.parse({ target: '127.0.0.5:7395', rate: 1 })),
    ).rejects.toMatchObject({
      code: 'L4_E_HOST_TARGET',
      message: expect.stringContaining('--allow-host-targets'),
    });
    expect(traffic.list()).toEqual([]);
  });
});

describe('TrafficManager.forget', () => {
  it('forgets a stopped generator and says so to the listeners', async () => {
    const { traffic, updates, start } = manager();
    const kept = await start();
    const gone = await start();
    traffic.stop(kept.id);
    traffic.stop(gone.id);

    expect(traffic.forget(gone.id)).toMatchObject({ id: gone.id, state: 'stopped' });
    expect(traffic.list().map((g) => g.id)).toEqual([kept.id]);
    expect(updates.at(-1)?.map((g) => g.id)).toEqual([kept.id]);
    expect(traffic.forget(gone.id)).toBeUndefined();
  });

  it('keeps a running generator: it must be stopped first', async () => {
    const { traffic, start } = manager();
    const running = await start();
    expect(traffic.forget(running.id)).toBeUndefined();
    expect(traffic.list()).toHaveLength(1);
    traffic.stopAll();
  });
});
