import { describe, expect, it } from 'vitest';
import type { Namespace } from '@l4lab/protocol';
import { makeDaemonSet, newTestCluster } from '../testBuilders.ts';
import { DAEMON_SETS_NOT_RUN } from './daemonSetController.ts';

const ns = (name: string): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
});

describe('the daemon set controller of a lab that runs no daemon pods', () => {
  it('observes each generation with 0 pods desired and a Warning that says the lab runs none', () => {
    const { cluster } = newTestCluster();
    expect(cluster.apply([ns('l4lab-system'), makeDaemonSet('l4lab-system', 'a')]).ok).toBe(true);
    const ds = cluster.store.get('DaemonSet', 'l4lab-system', 'a')!;
    expect(ds.metadata.generation).toBe(1);
    expect(ds.status).toEqual({
      currentNumberScheduled: 0,
      numberMisscheduled: 0,
      desiredNumberScheduled: 0,
      numberReady: 0,
      observedGeneration: 1,
    });
    expect(cluster.list('Pod', 'l4lab-system')).toEqual([]);
    expect(cluster.events.about(ds).map((e) => [e.type, e.reason, e.message])).toEqual([
      ['Warning', 'NotSupported', DAEMON_SETS_NOT_RUN],
    ]);
  });

  it('observes a new generation after an update, and nothing when nothing changed', () => {
    const { cluster } = newTestCluster();
    expect(cluster.apply([ns('l4lab-system'), makeDaemonSet('l4lab-system', 'a')]).ok).toBe(true);
    const updated = makeDaemonSet('l4lab-system', 'a');
    updated.spec.minReadySeconds = 5;
    expect(cluster.apply([updated]).ok).toBe(true);
    expect(cluster.store.get('DaemonSet', 'l4lab-system', 'a')!.status?.observedGeneration).toBe(2);
    const again = cluster.apply([updated]);
    expect(again.ok && again.results[0]!.action).toBe('unchanged');
  });
});
