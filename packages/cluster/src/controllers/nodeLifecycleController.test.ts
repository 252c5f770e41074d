// The node lifecycle controller on a FakeClock: a stopped node's pods go NotReady at once and are
// evicted (then recreated on Ready nodes) after the eviction timeout. Addresses: the default plan
// (testBuilders.ts header).
import type { Pod } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock.ts';
import { Cluster } from '../cluster.ts';
import { isPodReady } from '../podStatus.ts';
import {
  makeDaemonSet,
  makeDeployment,
  makeService,
  podsOf,
  runKubelet,
  seededRandom,
  slicesFor,
} from '../testBuilders.ts';
import { isNodeReady } from './nodeLifecycleController.ts';

const TIMEOUT = 10_000;

function setup() {
  const clock = new FakeClock();
  const cluster = new Cluster({ clock, random: seededRandom(7), podEvictionTimeoutMs: TIMEOUT });
  const out = cluster.apply([
    makeDeployment('default', 'web', (d) => (d.spec.replicas = 6)),
    makeService('default', 'web'),
  ]);
  expect(out.ok).toBe(true);
  runKubelet(cluster);
  const pods = podsOf(cluster, 'default', 'web');
  const node = pods[0]!.spec.nodeName!;
  return { clock, cluster, node, onNode: pods.filter((p) => p.spec.nodeName === node) };
}

const readyEndpoints = (cluster: Cluster) =>
  slicesFor(cluster, 'default', 'web')
    .flatMap((s) => s.endpoints)
    .filter((e) => e.conditions?.ready);

describe('NodeLifecycleController', () => {
  it('marks a stopped node Unknown and its pods NotReady at once, out of the endpoints', () => {
    const { cluster, node, onNode } = setup();
    expect(onNode.length).toBeGreaterThan(0);
    expect(readyEndpoints(cluster)).toHaveLength(6);
    cluster.setNodeReady(node, false);
    const n = cluster.store.get('Node', undefined, node)!;
    expect(isNodeReady(n)).toBe(false);
    expect(n.status.conditions[0]).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
    });
    for (const p of onNode) {
      expect(isPodReady(cluster.store.get('Pod', 'default', p.metadata.name)!)).toBe(false);
    }
    expect(readyEndpoints(cluster)).toHaveLength(6 - onNode.length);
  });

  it('evicts the pods after the timeout, and the ReplicaSet recreates them on other nodes', () => {
    const { clock, cluster, node, onNode } = setup();
    cluster.setNodeReady(node, false);
    clock.advance(TIMEOUT - 1);
    for (const p of onNode)
      expect(cluster.store.get('Pod', 'default', p.metadata.name)).toBeDefined();
    clock.advance(1);
    for (const p of onNode)
      expect(cluster.store.get('Pod', 'default', p.metadata.name)).toBeUndefined();
    const pods = podsOf(cluster, 'default', 'web');
    expect(pods).toHaveLength(6);
    expect(pods.every((p) => p.spec.nodeName && p.spec.nodeName !== node)).toBe(true);
    runKubelet(cluster);
    expect(readyEndpoints(cluster)).toHaveLength(6);
  });

  it('keeps the pods of a node that comes back before the timeout', () => {
    const { clock, cluster, node, onNode } = setup();
    cluster.setNodeReady(node, false);
    clock.advance(TIMEOUT / 2);
    cluster.setNodeReady(node, true);
    clock.advance(TIMEOUT * 2);
    for (const p of onNode)
      expect(cluster.store.get('Pod', 'default', p.metadata.name)).toBeDefined();
    expect(isNodeReady(cluster.store.get('Node', undefined, node)!)).toBe(true);
  });

  it("evicts by tolerations: every pod has the default ones, a DaemonSet's stay, a longer one waits", () => {
    const { clock, cluster, node, onNode } = setup();
    // DefaultTolerationSeconds: the eviction timeout, on every new pod.
    expect(onNode[0]!.spec.tolerations).toEqual([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: TIMEOUT / 1000,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: TIMEOUT / 1000,
      },
    ]);
    const patient: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'patient', namespace: 'default' },
      spec: {
        nodeName: node,
        containers: [{ name: 'web', image: 'nginx' }],
        tolerations: [
          {
            key: 'node.kubernetes.io/unreachable',
            operator: 'Exists',
            effect: 'NoExecute',
            tolerationSeconds: 60,
          },
        ],
      },
    };
    expect(cluster.apply([makeDaemonSet('default', 'agent'), patient]).ok).toBe(true);
    // Its own unreachable toleration stays alone; not-ready gets the default.
    expect(cluster.store.get('Pod', 'default', 'patient')!.spec.tolerations).toHaveLength(2);
    runKubelet(cluster);
    const daemon = podsOf(cluster, 'default', 'agent').find((p) => p.spec.nodeName === node)!;
    expect(daemon).toBeDefined();
    cluster.setNodeReady(node, false);
    clock.advance(TIMEOUT);
    for (const p of onNode)
      expect(cluster.store.get('Pod', 'default', p.metadata.name)).toBeUndefined();
    expect(cluster.store.get('Pod', 'default', 'patient')).toBeDefined();
    clock.advance(60_000 - TIMEOUT);
    expect(cluster.store.get('Pod', 'default', 'patient')).toBeUndefined();
    // The DaemonSet's pod tolerates an unreachable node for ever, as in Kubernetes.
    clock.advance(10 * 60_000);
    expect(cluster.store.get('Pod', 'default', daemon.metadata.name)).toBeDefined();
  });

  it('schedules nothing on a node that is not Ready', () => {
    const { cluster, node } = setup();
    cluster.setNodeReady(node, false);
    const out = cluster.apply([makeDeployment('default', 'more', (d) => (d.spec.replicas = 9))]);
    expect(out.ok).toBe(true);
    const more = podsOf(cluster, 'default', 'more');
    expect(more).toHaveLength(9);
    expect(more.some((p) => p.spec.nodeName === node)).toBe(false);
  });
});
