// The kubelet's node status: posted again every nodeStatusReportFrequency (5 min) while the node
// runs, so `kubectl describe node` shows a recent LastHeartbeatTime; a stopped node's kubelet
// posts nothing, and its conditions, Unknown, keep the last heartbeat it posted.
import { describe, expect, it } from 'vitest';
import type { Node } from '@l4lab/protocol';
import { Cluster, FakeClock, PortMapper } from '@l4lab/cluster';
import { BuiltinRuntime } from './builtinRuntime.ts';
import { Kubelet, NODE_STATUS_REPORT_MS } from './kubelet.ts';

const ready = (n: Node | undefined) => n?.status.conditions.find((c) => c.type === 'Ready');

describe("the kubelet's node status", () => {
  it('renews every lastHeartbeatTime each 5 minutes, not a stopped node', async () => {
    const clock = new FakeClock();
    const cluster = new Cluster({ clock });
    const mapper = new PortMapper('native');
    const kubelet = new Kubelet({
      cluster,
      runtime: new BuiltinRuntime({ mapper, clock: new FakeClock() }),
      mapper,
      logger: { info: () => {}, warn: () => {} },
      clock,
    });
    const node = (name: string) => cluster.store.get('Node', undefined, name);
    const registered = ready(node('node-1'))!.lastHeartbeatTime!;
    kubelet.start();
    clock.advance(NODE_STATUS_REPORT_MS - 1);
    expect(ready(node('node-1'))!.lastHeartbeatTime).toBe(registered);
    clock.advance(1);
    const first = new Date(Date.parse(registered) + NODE_STATUS_REPORT_MS).toISOString();
    for (const c of node('node-1')!.status.conditions) {
      expect(Date.parse(c.lastHeartbeatTime!), c.type).toBe(Date.parse(first));
      expect(c.lastTransitionTime, c.type).toBe(registered); // nothing changed
    }

    await kubelet.stopNode('node-2');
    const silent = ready(node('node-2'))!;
    expect(silent.status).toBe('Unknown');
    expect(Date.parse(silent.lastHeartbeatTime!)).toBe(Date.parse(first)); // its last post
    clock.advance(NODE_STATUS_REPORT_MS);
    expect(ready(node('node-2'))!.lastHeartbeatTime).toBe(silent.lastHeartbeatTime);
    expect(Date.parse(ready(node('node-1'))!.lastHeartbeatTime!)).toBe(
      Date.parse(first) + NODE_STATUS_REPORT_MS,
    );
    await kubelet.stopAll(0);
    clock.advance(NODE_STATUS_REPORT_MS); // stopped: no more posts, no timer left
    expect(clock.pendingTimers()).toBe(0);
  });
});
