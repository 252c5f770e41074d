// The node lifecycle controller on a FakeClock: a stopped node is tainted, its pods go NotReady at
// once and are evicted (then recreated on Ready nodes) after the eviction timeout, Terminating
// until the node is back, a forced delete, or the out-of-service taint. Addresses: the default plan
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
    // Every condition the kubelet posted is Unknown now, as `kubectl describe node` shows them.
    expect(n.status.conditions.map((c) => [c.type, c.status, c.reason])).toEqual(
      ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((t) => [
        t,
        'Unknown',
        'NodeStatusUnknown',
      ]),
    );
    for (const p of onNode) {
      expect(isPodReady(cluster.store.get('Pod', 'default', p.metadata.name)!)).toBe(false);
    }
    expect(readyEndpoints(cluster)).toHaveLength(6 - onNode.length);
  });

  it('taints the lost node as Kubernetes does, and takes the taints off when it is back', () => {
    const { clock, cluster, node } = setup();
    clock.advance(1_000);
    cluster.setNodeReady(node, false);
    const lost = new Date(clock.now()).toISOString();
    clock.advance(5_000);
    expect(cluster.store.get('Node', undefined, node)!.spec.taints).toEqual([
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: lost },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    ]);
    expect(
      cluster.events
        .list()
        .filter((e) => e.reason === 'NodeNotReady')
        .map((e) => [e.involvedObject.kind, e.type, e.message]),
    ).toContainEqual(['Node', 'Normal', `Node ${node} status is now: NodeNotReady`]);
    cluster.setNodeReady(node, true);
    expect(cluster.store.get('Node', undefined, node)!.spec.taints).toBeUndefined();
  });

  it("keeps a node's own taints beside the lost node's", () => {
    const { cluster, node } = setup();
    const edit = { labels: {}, annotations: {}, taints: [{ key: 'gpu', effect: 'NoSchedule' }] };
    cluster.editNode(node, edit as never);
    cluster.setNodeReady(node, false);
    expect(cluster.store.get('Node', undefined, node)!.spec.taints?.map((t) => t.key)).toEqual([
      'gpu',
      'node.kubernetes.io/unreachable',
      'node.kubernetes.io/unreachable',
    ]);
    cluster.setNodeReady(node, true);
    expect(cluster.store.get('Node', undefined, node)!.spec.taints).toEqual([
      { key: 'gpu', effect: 'NoSchedule' },
    ]);
  });

  it('evicts the pods after the timeout: Terminating, replaced on other nodes, gone when the node is back', () => {
    const { clock, cluster, node, onNode } = setup();
    cluster.setNodeReady(node, false);
    clock.advance(TIMEOUT - 1);
    for (const p of onNode)
      expect(
        cluster.store.get('Pod', 'default', p.metadata.name)?.metadata.deletionTimestamp,
      ).toBeUndefined();
    clock.advance(1);
    // Evicted: Terminating, and nothing on the lost node confirms the stop, however long.
    clock.advance(10 * 60_000);
    for (const p of onNode)
      expect(
        cluster.store.get('Pod', 'default', p.metadata.name)?.metadata.deletionTimestamp,
      ).toBeDefined();
    expect(cluster.events.list().filter((e) => e.reason === 'TaintManagerEviction')).toHaveLength(
      onNode.length,
    );
    const live = podsOf(cluster, 'default', 'web').filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(6);
    expect(live.every((p) => p.spec.nodeName && p.spec.nodeName !== node)).toBe(true);
    runKubelet(cluster);
    expect(readyEndpoints(cluster)).toHaveLength(6);
    // Back, its kubelet confirms the stops: the evicted pods go.
    cluster.setNodeReady(node, true);
    for (const p of onNode)
      expect(cluster.store.get('Pod', 'default', p.metadata.name)).toBeUndefined();
  });

  it('keeps an evicted pod Terminating through an update (kubectl label)', () => {
    const { clock, cluster, node, onNode } = setup();
    cluster.setNodeReady(node, false);
    clock.advance(TIMEOUT);
    const name = onNode[0]!.metadata.name;
    const stored = cluster.store.get('Pod', 'default', name)!;
    // What an update sends: the user's view, with no deletion fields.
    const { deletionTimestamp: _t, deletionGracePeriodSeconds: _g, ...meta } = stored.metadata;
    const relabeled = { ...stored, metadata: { ...meta, labels: { ...meta.labels, seen: 'yes' } } };
    expect(cluster.apply([relabeled]).ok).toBe(true);
    const after = cluster.store.get('Pod', 'default', name)!;
    expect(after.metadata.labels?.seen).toBe('yes');
    expect(after.metadata.deletionTimestamp).toBe(stored.metadata.deletionTimestamp);
    expect(after.metadata.deletionGracePeriodSeconds).toBe(30);
  });

  it('removes a Terminating pod of a lost node on a forced delete, or once the node is out of service', () => {
    const { clock, cluster, node, onNode } = setup();
    expect(onNode.length).toBeGreaterThan(1);
    cluster.setNodeReady(node, false);
    clock.advance(TIMEOUT + 60_000);
    const [first, ...rest] = onNode.map((p) => p.metadata.name);
    // kubectl delete pod NAME --force --grace-period=0
    cluster.deletePod('default', first!, 0);
    expect(cluster.store.get('Pod', 'default', first!)).toBeUndefined();
    for (const n of rest) expect(cluster.store.get('Pod', 'default', n)).toBeDefined();
    // A longer grace period changes nothing: deletion only shortens.
    const before = cluster.store.get('Pod', 'default', rest[0]!)!.metadata.deletionTimestamp;
    cluster.deletePod('default', rest[0]!, 600);
    expect(cluster.store.get('Pod', 'default', rest[0]!)!.metadata.deletionTimestamp).toBe(before);
    // kubectl taint nodes NODE node.kubernetes.io/out-of-service=nodeshutdown:NoExecute
    const taints = [...cluster.store.get('Node', undefined, node)!.spec.taints!];
    taints.push({
      key: 'node.kubernetes.io/out-of-service',
      value: 'nodeshutdown',
      effect: 'NoExecute',
    });
    cluster.editNode(node, { labels: {}, annotations: {}, taints } as never);
    for (const n of rest) expect(cluster.store.get('Pod', 'default', n)).toBeUndefined();
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
    // Still there (nothing confirms a stop on a lost node), and whether it is Terminating.
    const terminating = (name: string) => {
      const pod = cluster.store.get('Pod', 'default', name);
      expect(pod, name).toBeDefined();
      return pod?.metadata.deletionTimestamp !== undefined;
    };
    clock.advance(TIMEOUT);
    for (const p of onNode) expect(terminating(p.metadata.name)).toBe(true);
    expect(terminating('patient')).toBe(false);
    clock.advance(60_000 - TIMEOUT);
    expect(terminating('patient')).toBe(true);
    // The DaemonSet's pod tolerates an unreachable node for ever, as in Kubernetes.
    clock.advance(10 * 60_000);
    expect(terminating(daemon.metadata.name)).toBe(false);
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
