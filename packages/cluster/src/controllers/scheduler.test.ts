// kube-scheduler's filters and FailedScheduling messages over l4lab's three nodes (node-1..3 in
// zone-a..c, 4 cpu / 8Gi / 110 pods each, no GPUs): node labels, nodeSelector and node affinity,
// taints, scheduling gates, events, pods bound to a node that does not exist. Expected messages are
// kube-scheduler v1.32's (framework.FitError, DefaultPreemption's PostFilter, each plugin's reason).
// Test ranges: the default address plan (pods 127.244.i.0/24, nodes 127.18.0.2-4).
import { describe, expect, it } from 'vitest';
import type { KubeObject, NodeSelectorRequirement, Taint } from '@l4lab/protocol';
import { runKubectl } from '../kubectl/kubectl.ts';
import { podPrinter } from '../kubectl/printers.ts';
import { makeDeployment, newTestCluster, runKubelet } from '../testBuilders.ts';
import {
  makePod,
  apply,
  pod,
  nodeOf,
  scheduled,
  failures,
  editNode,
  taint,
  requireNode,
  NOT_HELPFUL,
} from './schedulerTesting.ts';

describe('nodes', () => {
  it("carry Kubernetes' own labels, one zone each, and advertise cpu, memory and pods", () => {
    const { cluster } = newTestCluster();
    const nodes = cluster.list('Node');
    expect(nodes.map((n) => n.metadata.labels)).toEqual(
      ['zone-a', 'zone-b', 'zone-c'].map((zone, i) => ({
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': `node-${i + 1}`,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': zone,
      })),
    );
    for (const n of nodes) {
      expect(n.status.allocatable).toMatchObject({ cpu: '4', memory: '8Gi', pods: '110' });
      expect(n.status.capacity).toEqual(n.status.allocatable);
      expect(n.status.allocatable).not.toHaveProperty('nvidia.com/gpu');
    }
  });
});

describe('nodeSelector and node affinity', () => {
  it('leaves a pod no node matches Pending, Unschedulable, with FailedScheduling', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('ssd', (p) => (p.spec.nodeSelector = { disktype: 'ssd' })),
    );
    const message = `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL(3)}`;
    expect(nodeOf(cluster, 'ssd')).toBeUndefined();
    expect(pod(cluster, 'ssd').status?.phase).toBe('Pending');
    expect(scheduled(cluster, 'ssd')).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message,
    });
    expect(failures(cluster, 'ssd')).toEqual([
      expect.objectContaining({
        type: 'Warning',
        message,
        source: { component: 'default-scheduler' },
      }),
    ]);
    expect(podPrinter.row(pod(cluster, 'ssd'), { now: cluster.clock.now() })[2]).toBe('Pending');
  });

  it('schedules the pod once a node gets the label (retried on node changes)', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('ssd', (p) => (p.spec.nodeSelector = { disktype: 'ssd' })),
    );
    editNode(cluster, 'node-2', (n) => (n.metadata.labels!['disktype'] = 'ssd'));
    expect(nodeOf(cluster, 'ssd')).toBe('node-2');
    expect(scheduled(cluster, 'ssd')).toMatchObject({ status: 'True' });
  });

  it('matches the well-known labels: hostname and zone', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('pinned', (p) => (p.spec.nodeSelector = { 'kubernetes.io/hostname': 'node-3' })),
      makePod('zoned', (p) => (p.spec.nodeSelector = { 'topology.kubernetes.io/zone': 'zone-b' })),
    );
    expect(nodeOf(cluster, 'pinned')).toBe('node-3');
    expect(nodeOf(cluster, 'zoned')).toBe('node-2');
  });

  const OPERATORS: [string, NodeSelectorRequirement, string[]][] = [
    ['In', { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-c'] }, ['node-3']],
    [
      'NotIn',
      { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['node-1', 'node-2'] },
      ['node-3'],
    ],
    ['Exists', { key: 'rack', operator: 'Exists' }, ['node-1']],
    ['DoesNotExist', { key: 'rack', operator: 'DoesNotExist' }, ['node-2', 'node-3']],
    ['Gt', { key: 'rack', operator: 'Gt', values: ['5'] }, ['node-1']],
    ['Lt', { key: 'rack', operator: 'Lt', values: ['5'] }, []],
  ];

  it.each(OPERATORS)('required node affinity, operator %s', (_op, requirement, allowed) => {
    const { cluster } = newTestCluster();
    editNode(cluster, 'node-1', (n) => (n.metadata.labels!['rack'] = '7'));
    for (let i = 0; i < 6; i++) {
      apply(cluster, makePod(`p${i}`, requireNode({ matchExpressions: [requirement] })));
      const node = nodeOf(cluster, `p${i}`);
      if (allowed.length === 0) expect(node).toBeUndefined();
      else expect(allowed).toContain(node);
    }
  });

  it('matchFields metadata.name picks the node; a name no node has is reported per plugin', () => {
    const { cluster } = newTestCluster();
    const byName = (name: string, node: string) =>
      makePod(
        name,
        requireNode({ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }),
      );
    apply(cluster, byName('named', 'node-2'), byName('lost', 'node-9'));
    expect(nodeOf(cluster, 'named')).toBe('node-2');
    expect(scheduled(cluster, 'lost')?.message).toBe(
      `0/3 nodes are available: 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. ${NOT_HELPFUL(3)}`,
    );
  });
});

describe('taints and tolerations', () => {
  const dedicated: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };

  it("keeps pods off tainted nodes, with the taint in kube-scheduler's words", () => {
    const { cluster } = newTestCluster();
    for (const n of ['node-1', 'node-2', 'node-3']) editNode(cluster, n, taint(dedicated));
    apply(cluster, makePod('plain'));
    expect(scheduled(cluster, 'plain')?.message).toBe(
      `0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. ${NOT_HELPFUL(3)}`,
    );
  });

  it('honours Equal and Exists tolerations, and NoExecute taints', () => {
    const { cluster } = newTestCluster();
    editNode(cluster, 'node-1', taint(dedicated));
    editNode(cluster, 'node-2', taint({ key: 'maintenance', effect: 'NoExecute' }));
    editNode(cluster, 'node-3', taint(dedicated));
    apply(
      cluster,
      makePod('equal', (p) => {
        p.spec.tolerations = [
          { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
        ];
        p.spec.nodeSelector = { 'kubernetes.io/hostname': 'node-1' };
      }),
      makePod('exists', (p) => {
        p.spec.tolerations = [{ key: 'maintenance', operator: 'Exists' }];
        p.spec.nodeSelector = { 'kubernetes.io/hostname': 'node-2' };
      }),
      makePod('wrong-value', (p) => {
        p.spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }];
      }),
    );
    expect(nodeOf(cluster, 'equal')).toBe('node-1');
    expect(nodeOf(cluster, 'exists')).toBe('node-2');
    expect(scheduled(cluster, 'wrong-value')?.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {maintenance: }, ' +
        `2 node(s) had untolerated taint {dedicated: gpu}. ${NOT_HELPFUL(3)}`,
    );
  });

  it('avoids PreferNoSchedule taints when another node is free of them', () => {
    const { cluster } = newTestCluster();
    for (const n of ['node-1', 'node-3'])
      editNode(cluster, n, taint({ key: 'spot', effect: 'PreferNoSchedule' }));
    for (let i = 0; i < 4; i++) apply(cluster, makePod(`p${i}`));
    expect([0, 1, 2, 3].map((i) => nodeOf(cluster, `p${i}`))).toEqual(Array(4).fill('node-2'));
  });

  it("a stopped node shows the node lifecycle controller's unreachable taint", () => {
    const { cluster } = newTestCluster();
    for (const n of ['node-1', 'node-2', 'node-3']) cluster.setNodeReady(n, false);
    apply(cluster, makePod('waiting'));
    expect(scheduled(cluster, 'waiting')?.message).toBe(
      `0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. ${NOT_HELPFUL(3)}`,
    );
    cluster.setNodeReady('node-2', true);
    expect(nodeOf(cluster, 'waiting')).toBe('node-2');
  });
});

describe('scheduling gates', () => {
  const gated = (gates: string[]) =>
    makePod('gated', (p) => (p.spec.schedulingGates = gates.map((name) => ({ name }))));

  it('holds the pod SchedulingGated until the gates are removed', () => {
    const { cluster } = newTestCluster();
    apply(cluster, gated(['example.com/foo', 'example.com/bar']));
    expect(nodeOf(cluster, 'gated')).toBeUndefined();
    expect(scheduled(cluster, 'gated')).toMatchObject({
      status: 'False',
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
    });
    expect(podPrinter.row(pod(cluster, 'gated'), { now: 0 })[2]).toBe('SchedulingGated');
    expect(failures(cluster, 'gated')).toEqual([]);
    apply(cluster, gated(['example.com/foo']));
    expect(nodeOf(cluster, 'gated')).toBeUndefined();
    apply(cluster, gated([]));
    expect(nodeOf(cluster, 'gated')).toBeDefined();
  });

  it('refuses an update that adds a gate, as the API server does', () => {
    const { cluster } = newTestCluster();
    apply(cluster, gated(['example.com/foo']));
    const out = cluster.apply([gated(['example.com/foo', 'example.com/new'])]);
    expect(out.ok ? [] : out.errors.map((e) => e.message)).toEqual([
      `The Pod "gated" is invalid: spec.schedulingGates[1].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/new'`,
    ]);
  });
});

describe('FailedScheduling events and kubectl', () => {
  it('records the failure once while nothing changes it, and describe shows it', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('ssd', (p) => (p.spec.nodeSelector = { disktype: 'ssd' })),
    );
    apply(cluster, makeDeployment('default', 'web'));
    runKubelet(cluster);
    expect(failures(cluster, 'ssd')).toHaveLength(1);
    const source = {
      list: cluster.store.list.bind(cluster.store),
      events: (o: KubeObject) => cluster.events.about(o),
    };
    const out = runKubectl(source, ['describe', 'pod', 'ssd'], cluster.clock.now());
    expect(out.stdout).toMatch(/^Node:\s+<none>$/m);
    expect(out.stdout).toMatch(/^Node-Selectors:\s+disktype=ssd$/m);
    expect(out.stdout).toMatch(/^ {2}PodScheduled\s+False\s*$/m);
    expect(out.stdout).toMatch(
      /^ {2}Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\. preemption: /m,
    );
  });

  it('a pod for another scheduler is left alone', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('mine', (p) => (p.spec.schedulerName = 'my-scheduler')),
    );
    expect(nodeOf(cluster, 'mine')).toBeUndefined();
    expect(pod(cluster, 'mine').status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });
});

describe('a pod bound by hand to a node that does not exist', () => {
  it('stays Pending on that node, and is deleted at once', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('ghost', (p) => (p.spec.nodeName = 'node-9')),
    );
    expect(nodeOf(cluster, 'ghost')).toBe('node-9');
    expect(pod(cluster, 'ghost').status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    expect(podPrinter.row(pod(cluster, 'ghost'), { now: 0 })[2]).toBe('Pending');
    cluster.delete('Pod', 'default', 'ghost');
    expect(cluster.store.get('Pod', 'default', 'ghost')).toBeUndefined();
  });
});
