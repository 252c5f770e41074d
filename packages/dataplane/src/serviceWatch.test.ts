import { describe, expect, it } from 'vitest';
import { Cluster, FakeClock } from '@l4lab/cluster';
import { ServiceWatch } from './serviceWatch.ts';

describe("kube-proxy's watch of the nodes", () => {
  it('wakes the proxier for what its rules read of a node, not for a heartbeat', () => {
    const clock = new FakeClock();
    const cluster = new Cluster({ clock });
    let changes = 0;
    const watch = new ServiceWatch(cluster, { onChange: () => changes++ });
    watch.start();
    watch.drain();
    changes = 0;
    clock.advance(300_000);
    cluster.postNodeStatus('node-1'); // the kubelet's 5-minute status: a Node MODIFIED event
    expect(
      cluster.store.get('Node', undefined, 'node-1')!.status.conditions[0]!.lastHeartbeatTime,
    ).toBe(new Date(clock.now()).toISOString());
    expect(changes).toBe(0);
    expect(watch.drain().changed).toBe(false);
    const node = cluster.store.get('Node', undefined, 'node-1')!;
    cluster.editNode('node-1', {
      labels: { ...node.metadata.labels, 'topology.kubernetes.io/zone': 'zone-x' },
      annotations: {},
      taints: [],
      unschedulable: false,
    });
    expect(changes).toBe(1);
    expect(watch.drain().changed).toBe(true);
    expect(watch.routing().nodes.find((n) => n.name === 'node-1')?.zone).toBe('zone-x');
    watch.stop();
  });
});
