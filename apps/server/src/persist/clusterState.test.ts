// The saved cluster on a real temporary directory, restored into a cluster on the default address
// plan (service CIDR 127.96.0.0/16, pod CIDR 127.244.0.0/16, nodes node-1..3).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '@l4lab/protocol';
import { Cluster, FakeClock, takeClusterSnapshot } from '@l4lab/cluster';
import { makeDeployment, makeService } from '@l4lab/cluster/testing';
import { restoreClusterState } from './clusterState.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'l4lab-cluster-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const newCluster = () => new Cluster({ clock: new FakeClock() });

/** A saved cluster with seed 01's objects, `edit` applied to the Service as a hand edit would. */
async function savedFile(edit: (svc: Record<string, unknown>) => void = () => {}) {
  const before = newCluster();
  const out = before.apply([makeDeployment('default', 'web'), makeService('default', 'web')]);
  expect(out.ok).toBe(true);
  const snapshot = takeClusterSnapshot(before.store, before.plan);
  const svc = snapshot.objects.find(
    (o): o is Service => o.kind === 'Service' && o.metadata.name === 'web',
  )!;
  edit(svc.spec as unknown as Record<string, unknown>);
  const file = join(dir, 'cluster.json');
  await writeFile(file, JSON.stringify(snapshot));
  return { file, before };
}

describe('restoreClusterState', () => {
  it('restores the saved objects and says how many', async () => {
    const { file, before } = await savedFile();
    const cluster = newCluster();
    const notes = await restoreClusterState(cluster, file);
    // The four namespaces and their default ServiceAccounts, Deployment, ReplicaSet, 2 pods,
    // Service, EndpointSlice.
    expect(notes).toEqual([
      { level: 'info', text: `restored 14 objects (2 pods start again) from ${file}` },
    ]);
    expect(cluster.store.get('Service', 'default', 'web')?.spec.clusterIP).toBe(
      before.store.get('Service', 'default', 'web')?.spec.clusterIP,
    );
  });

  it('sets aside a file the controllers cannot take, leaving the cluster as it was', async () => {
    const { file } = await savedFile((spec) => (spec.ports = 'eighty'));
    const cluster = newCluster();
    const notes = await restoreClusterState(cluster, file);
    expect(notes).toEqual([
      {
        level: 'warn',
        text: expect.stringMatching(
          /^the saved cluster in .* was not restored \(the controllers could not take it: .+\), moved to .*cluster\.json\.corrupt-/,
        ),
      },
    ]);
    expect(cluster.list('Deployment', 'default')).toEqual([]);
    expect(cluster.list('Service', 'default')).toEqual([]);
    expect((await readdir(dir)).filter((f) => f.startsWith('cluster.json.corrupt-'))).toHaveLength(
      1,
    );
  });
});
