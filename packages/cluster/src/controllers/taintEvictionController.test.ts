// The taint eviction controller on a FakeClock: a NoExecute taint evicts the pods that do not
// tolerate it (gracefully; their ReplicaSet makes new ones elsewhere), and a toleration with
// tolerationSeconds delays it, cancelled when the taint goes in time. Addresses: the default plan
// (testBuilders.ts header).
import { describe, expect, it } from 'vitest';
import type { Taint } from '@l4lab/protocol';
import { FakeClock } from '../clock.ts';
import { Cluster } from '../cluster.ts';
import { makeDeployment, podsOf, runKubelet, seededRandom } from '../testBuilders.ts';
import { evictionDelayMs } from './taintEvictionController.ts';

const taint: Taint = { key: 'maintenance', value: 'now', effect: 'NoExecute' };

/** A clock whose longer timers fire 1 ms early, as Node's may against Date.now(). */
class EarlyClock extends FakeClock {
  override setTimeout(fn: () => void, ms: number) {
    return super.setTimeout(fn, ms > 1 ? ms - 1 : ms);
  }
}

function setup(tolerationSeconds?: number, clock: FakeClock = new FakeClock()) {
  const cluster = new Cluster({ clock, random: seededRandom(3) });
  const out = cluster.apply([
    makeDeployment('default', 'web', (d) => {
      d.spec.replicas = 6;
      if (tolerationSeconds !== undefined)
        d.spec.template.spec.tolerations = [
          { key: 'maintenance', operator: 'Exists', effect: 'NoExecute', tolerationSeconds },
        ];
    }),
  ]);
  expect(out.ok).toBe(true);
  runKubelet(cluster);
  const node = podsOf(cluster, 'default', 'web')[0]!.spec.nodeName!;
  const taintNode = (taints: Taint[]) =>
    cluster.editNode(node, { labels: {}, annotations: {}, taints, unschedulable: false });
  const onNode = () =>
    podsOf(cluster, 'default', 'web').filter(
      (p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp,
    );
  return { clock, cluster, node, taintNode, onNode };
}

describe('TaintEvictionController', () => {
  it('evicts the pods that do not tolerate a NoExecute taint, with an event, at once', () => {
    const { cluster, taintNode, onNode } = setup();
    const before = onNode();
    expect(before.length).toBeGreaterThan(0);
    taintNode([taint]);
    expect(onNode()).toEqual([]);
    const said = cluster.events.about(before[0]!).map((e) => `${e.reason}: ${e.message}`);
    expect(said).toContain(
      `TaintManagerEviction: Marking for deletion Pod default/${before[0]!.metadata.name}`,
    );
  });

  it('waits for tolerationSeconds, and forgets the eviction when the taint goes in time', () => {
    const late = setup(30);
    const names = () => late.onNode().map((p) => p.metadata.name);
    const first = names();
    late.taintNode([taint]);
    late.clock.advance(29_000);
    expect(names()).toEqual(first);
    late.clock.advance(1_000);
    // Gone (their replacements tolerate the taint for 30 s too, so they may land here again).
    expect(names().filter((n) => first.includes(n))).toEqual([]);

    const spared = setup(30);
    const kept = spared.onNode().length;
    spared.taintNode([taint]);
    spared.clock.advance(10_000);
    spared.taintNode([]);
    spared.clock.advance(60_000);
    expect(spared.onNode()).toHaveLength(kept);
  });

  it('evicts when the toleration runs out even if its timer fires early', () => {
    const early = setup(1, new EarlyClock());
    const first = early.onNode().map((p) => p.metadata.name);
    early.taintNode([taint]);
    early.clock.advance(999);
    expect(early.onNode().map((p) => p.metadata.name)).toEqual(first);
    early.clock.advance(1);
    const left = early.onNode().map((p) => p.metadata.name);
    expect(left.filter((n) => first.includes(n))).toEqual([]);
  });

  it('reads tolerations as Kubernetes does: NoSchedule taints and lasting tolerations never evict', () => {
    const pod = (tolerations: object[]) => ({ spec: { containers: [], tolerations } }) as never;
    expect(evictionDelayMs(pod([]), [{ key: 'k', effect: 'NoSchedule' }])).toBeUndefined();
    expect(evictionDelayMs(pod([{ operator: 'Exists' }]), [taint])).toBeUndefined();
    expect(evictionDelayMs(pod([]), [taint])).toBe(0);
    expect(
      evictionDelayMs(pod([{ key: 'maintenance', operator: 'Exists', tolerationSeconds: 5 }]), [
        taint,
      ]),
    ).toBe(5_000);
  });
});
