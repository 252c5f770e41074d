// kube-scheduler's NodeResourcesFit and InterPodAffinity filters, the scores of preferred terms,
// and a mixed FailedScheduling message counted and sorted as kube-scheduler v1.32 does. Nodes:
// node-1..3 in zone-a..c, 4 cpu / 8Gi / 110 pods each. Test ranges: the default address plan.
import { describe, expect, it } from 'vitest';
import type { Pod, TopologySpreadConstraint } from '@l4lab/protocol';
import { makeDeployment, newTestCluster } from '../testBuilders.ts';
import {
  makePod,
  apply,
  pod,
  nodeOf,
  scheduled,
  requireNode,
  requesting,
  NOT_HELPFUL,
  NO_VICTIMS,
  withPodAffinity,
  onNode,
} from './schedulerTesting.ts';

describe('resource requests against allocatable', () => {
  it('fits requests in what is left, and a deletion frees room for a pending pod', () => {
    const { cluster } = newTestCluster();
    for (let i = 0; i < 3; i++) apply(cluster, makePod(`big${i}`, requesting({ cpu: '3' })));
    expect(new Set([0, 1, 2].map((i) => nodeOf(cluster, `big${i}`))).size).toBe(3);
    apply(cluster, makePod('late', requesting({ cpu: '1500m', memory: '64Mi' })));
    expect(scheduled(cluster, 'late')?.message).toBe(
      `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS}`,
    );
    apply(cluster, makePod('small', requesting({ cpu: 0.5 })));
    expect(nodeOf(cluster, 'small')).toBeDefined();
    const freed = nodeOf(cluster, 'big1');
    cluster.delete('Pod', 'default', 'big1');
    expect(nodeOf(cluster, 'late')).toBeUndefined(); // still Terminating: its request holds
    cluster.removePod('default', 'big1');
    expect(nodeOf(cluster, 'late')).toBe(freed);
  });

  it('gives room that frees up to the pending pod of the highest priority first (PrioritySort)', () => {
    const { cluster } = newTestCluster();
    for (let i = 0; i < 3; i++) apply(cluster, makePod(`big${i}`, requesting({ cpu: '3' })));
    apply(cluster, makePod('a-low', requesting({ cpu: '2500m' })));
    apply(
      cluster,
      makePod('z-critical', (p) => {
        requesting({ cpu: '2500m' })(p);
        p.spec.priorityClassName = 'system-cluster-critical';
      }),
    );
    expect([nodeOf(cluster, 'a-low'), nodeOf(cluster, 'z-critical')]).toEqual([
      undefined,
      undefined,
    ]);
    const freed = nodeOf(cluster, 'big0');
    cluster.delete('Pod', 'default', 'big0');
    cluster.removePod('default', 'big0');
    // Only one fits: the critical one goes first, though a-low comes first by name and age.
    expect([nodeOf(cluster, 'z-critical'), nodeOf(cluster, 'a-low')]).toEqual([freed, undefined]);
  });

  it('a pod that ended holds nothing', () => {
    const { cluster } = newTestCluster();
    apply(cluster, makePod('job', requesting({ cpu: '4' })));
    const node = nodeOf(cluster, 'job')!;
    apply(
      cluster,
      makePod('next', (p) => {
        requesting({ cpu: '4' })(p);
        p.spec.nodeSelector = { 'kubernetes.io/hostname': node };
      }),
    );
    expect(nodeOf(cluster, 'next')).toBeUndefined();
    const job = pod(cluster, 'job');
    cluster.updatePodStatus('default', 'job', job.metadata.uid, { phase: 'Succeeded' });
    expect(nodeOf(cluster, 'next')).toBe(node);
  });

  it.each([
    ['more cpu than a node has', { cpu: '8' }, '3 Insufficient cpu'],
    ['more memory than a node has', { memory: '16Gi' }, '3 Insufficient memory'],
    ['both', { cpu: '5', memory: '9Gi' }, '3 Insufficient cpu, 3 Insufficient memory'],
  ])('%s: Insufficient, and preemption cannot help', (_what, requests, reasons) => {
    const { cluster } = newTestCluster();
    apply(cluster, makePod('huge', requesting(requests)));
    expect(scheduled(cluster, 'huge')?.message).toBe(
      `0/3 nodes are available: ${reasons}. ${NOT_HELPFUL(3)}`,
    );
  });

  it('an extended resource no node advertises (a GPU limit) leaves the pod Pending', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod(
        'cuda',
        (p) => (p.spec.containers[0]!.resources = { limits: { 'nvidia.com/gpu': 1 } }),
      ),
    );
    expect(scheduled(cluster, 'cuda')?.message).toBe(
      `0/3 nodes are available: 3 Insufficient nvidia.com/gpu. ${NOT_HELPFUL(3)}`,
    );
  });

  it('the message matches kube-scheduler for a mixed case, reasons counted and sorted', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('hog', (p) => {
        requesting({ cpu: '3' })(p);
        p.spec.nodeSelector = { 'topology.kubernetes.io/zone': 'zone-a' };
      }),
      makePod('zone-a-only', (p) => {
        requesting({ cpu: '2' })(p);
        requireNode({
          matchExpressions: [
            { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone-a'] },
          ],
        })(p);
      }),
    );
    expect(scheduled(cluster, 'zone-a-only')?.message).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, ' +
        '2 Preemption is not helpful for scheduling.',
    );
  });
});

describe('pod affinity and anti-affinity', () => {
  it('anti-affinity on hostname spreads replicas one per node, the fourth stays Pending', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makeDeployment('default', 'web', (d) => {
        d.spec.replicas = 4;
        d.spec.template.spec.affinity = {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchLabels: { run: 'web' } },
                topologyKey: 'kubernetes.io/hostname',
              },
            ],
          },
        };
      }),
    );
    const pods = cluster.list('Pod');
    const nodes = pods.map((p) => p.spec.nodeName).filter(Boolean);
    expect(new Set(nodes).size).toBe(3);
    const pending = pods.filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(1);
    expect(scheduled(cluster, pending[0]!.metadata.name)?.message).toBe(
      `0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. ${NO_VICTIMS}`,
    );
  });

  it("honours existing pods' anti-affinity (symmetry)", () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('loner', (p) => {
        onNode('node-1')(p);
        withPodAffinity('podAntiAffinity', 'b', 'kubernetes.io/hostname')(p);
      }),
      makePod('b', onNode('node-1')),
    );
    expect(scheduled(cluster, 'b')?.message).toBe(
      "0/3 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('affinity follows the matching pod, by hostname and by zone', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('cache', onNode('node-2')),
      makePod('web', withPodAffinity('podAffinity', 'cache', 'kubernetes.io/hostname')),
      makePod('near', withPodAffinity('podAffinity', 'cache', 'topology.kubernetes.io/zone')),
    );
    expect(nodeOf(cluster, 'web')).toBe('node-2');
    expect(nodeOf(cluster, 'near')).toBe('node-2');
  });

  it('affinity to pods that do not exist leaves the pod Pending, unless it selects itself', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makePod('orphan', withPodAffinity('podAffinity', 'nobody', 'kubernetes.io/hostname')),
      makePod('first', withPodAffinity('podAffinity', 'first', 'kubernetes.io/hostname')),
    );
    expect(scheduled(cluster, 'orphan')?.message).toBe(
      `0/3 nodes are available: 3 node(s) didn't match pod affinity rules. ${NOT_HELPFUL(3)}`,
    );
    expect(nodeOf(cluster, 'first')).toBeDefined();
    // A topology key no node has: no node can satisfy the term.
    apply(cluster, makePod('rack', withPodAffinity('podAffinity', 'first', 'example.com/rack')));
    expect(nodeOf(cluster, 'rack')).toBeUndefined();
  });

  it("looks in the term's namespaces: its own by default, listed ones, or a namespaceSelector", () => {
    const { cluster } = newTestCluster();
    apply(cluster, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'other', labels: { team: 'a' } },
    });
    apply(
      cluster,
      makePod('db', (p) => {
        p.metadata.namespace = 'other';
        onNode('node-3')(p);
      }),
      makePod('same-ns', withPodAffinity('podAffinity', 'db', 'kubernetes.io/hostname')),
      makePod(
        'listed',
        withPodAffinity(
          'podAffinity',
          'db',
          'kubernetes.io/hostname',
          (t) => (t.namespaces = ['other']),
        ),
      ),
      makePod(
        'selected',
        withPodAffinity(
          'podAffinity',
          'db',
          'kubernetes.io/hostname',
          (t) => (t.namespaceSelector = { matchLabels: { team: 'a' } }),
        ),
      ),
    );
    expect(nodeOf(cluster, 'same-ns')).toBeUndefined();
    expect(nodeOf(cluster, 'listed')).toBe('node-3');
    expect(nodeOf(cluster, 'selected')).toBe('node-3');
  });
});

describe('scores: preferred terms pick among feasible nodes', () => {
  it('preferred node affinity: the heavier matching term wins', () => {
    const { cluster } = newTestCluster();
    for (let i = 0; i < 3; i++) {
      apply(
        cluster,
        makePod(`p${i}`, (p) => {
          const zone = (z: string) => ({
            matchExpressions: [
              { key: 'topology.kubernetes.io/zone', operator: 'In' as const, values: [z] },
            ],
          });
          p.spec.affinity = {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 1, preference: zone('zone-a') },
                { weight: 50, preference: zone('zone-c') },
              ],
            },
          };
        }),
      );
    }
    expect([0, 1, 2].map((i) => nodeOf(cluster, `p${i}`))).toEqual(['node-3', 'node-3', 'node-3']);
  });

  it('preferred pod affinity co-locates; preferred anti-affinity keeps away', () => {
    const { cluster } = newTestCluster();
    const preferred = (kind: 'podAffinity' | 'podAntiAffinity') => (p: Pod) =>
      (p.spec.affinity = {
        [kind]: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: { app: 'cache' } },
                topologyKey: 'kubernetes.io/hostname',
              },
            },
          ],
        },
      });
    apply(cluster, makePod('cache', onNode('node-1')));
    for (let i = 0; i < 3; i++) apply(cluster, makePod(`near${i}`, preferred('podAffinity')));
    for (let i = 0; i < 3; i++) apply(cluster, makePod(`far${i}`, preferred('podAntiAffinity')));
    expect([0, 1, 2].map((i) => nodeOf(cluster, `near${i}`))).toEqual(Array(3).fill('node-1'));
    for (const i of [0, 1, 2]) expect(nodeOf(cluster, `far${i}`)).not.toBe('node-1');
  });

  it('with no preference, the owner spreading still decides (replicas over nodes)', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      makeDeployment('default', 'web', (d) => (d.spec.replicas = 3)),
    );
    expect(new Set(cluster.list('Pod').map((p) => p.spec.nodeName)).size).toBe(3);
  });
});

describe('host ports (NodePorts)', () => {
  it('puts pods on the host network that want one port on different nodes, then says no node is free', () => {
    const { cluster } = newTestCluster();
    // As the API server defaults them: on the host network, each container port is a host port.
    const hostNet = (p: Pod) => {
      p.spec.hostNetwork = true;
      p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 80, protocol: 'TCP' }];
    };
    for (let i = 0; i < 3; i++) apply(cluster, makePod(`edge${i}`, hostNet));
    expect(new Set([0, 1, 2].map((i) => nodeOf(cluster, `edge${i}`))).size).toBe(3);
    apply(cluster, makePod('edge3', hostNet));
    expect(scheduled(cluster, 'edge3')?.message).toBe(
      `0/3 nodes are available: 3 node(s) didn't have free ports for the requested pod ports. ${NO_VICTIMS}`,
    );
    // Another protocol, or another port, is free.
    apply(
      cluster,
      makePod('dns', (p) => {
        p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 80, protocol: 'UDP' }];
      }),
    );
    expect(nodeOf(cluster, 'dns')).toBeDefined();
  });
});

describe('pod topology spread (PodTopologySpread)', () => {
  const ZONE = 'topology.kubernetes.io/zone';
  const spread =
    (
      when: 'DoNotSchedule' | 'ScheduleAnyway',
      key = ZONE,
      more: Partial<TopologySpreadConstraint> = {},
    ) =>
    (p: Pod) => {
      p.metadata.labels = { app: 'spread' };
      p.spec.topologySpreadConstraints = [
        {
          maxSkew: 1,
          topologyKey: key,
          whenUnsatisfiable: when,
          labelSelector: { matchLabels: { app: 'spread' } },
          ...more,
        },
      ];
    };
  /** A pod of the group bound to a node already (no scheduling). */
  const bound = (name: string, node: string) =>
    makePod(name, (p) => {
      p.metadata.labels = { app: 'spread' };
      p.spec.nodeName = node;
    });

  it('DoNotSchedule: a zone maxSkew ahead of the emptiest is refused, with kube-scheduler’s words', () => {
    const { cluster } = newTestCluster();
    apply(cluster, bound('a0', 'node-1'), bound('a1', 'node-1'), bound('b0', 'node-2'));
    // zone-a 2, zone-b 1, zone-c 0: only zone-c keeps the skew within 1.
    apply(cluster, makePod('next', spread('DoNotSchedule')));
    expect(nodeOf(cluster, 'next')).toBe('node-3');
    // zone-a 2, zone-b 2, zone-c 1. Kept out of zone-c by its node affinity, which the domains
    // ignore (nodeAffinityPolicy Ignore): nowhere fits.
    apply(cluster, bound('b1', 'node-2'));
    apply(
      cluster,
      makePod('late', (p) => {
        spread('DoNotSchedule', ZONE, { nodeAffinityPolicy: 'Ignore', maxSkew: 1 })(p);
        requireNode({
          matchExpressions: [{ key: ZONE, operator: 'In', values: ['zone-a', 'zone-b'] }],
        })(p);
      }),
    );
    expect(nodeOf(cluster, 'late')).toBeUndefined();
    expect(scheduled(cluster, 'late')?.message).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't match pod topology spread constraints. " +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('nodes without the key are no domain: DoNotSchedule on a label no node has leaves the pod Pending', () => {
    const { cluster } = newTestCluster();
    apply(cluster, makePod('racked', spread('DoNotSchedule', 'example.com/rack')));
    expect(scheduled(cluster, 'racked')?.message).toBe(
      `0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). ${NOT_HELPFUL(3)}`,
    );
  });

  it('minDomains: fewer domains than asked count the emptiest as 0', () => {
    const { cluster } = newTestCluster();
    apply(cluster, bound('a0', 'node-1'), bound('b0', 'node-2'), bound('c0', 'node-3'));
    // Three zones with one each: a fourth zone would be needed for a 4th pod at skew 1.
    apply(cluster, makePod('fourth', spread('DoNotSchedule', ZONE, { minDomains: 4 })));
    expect(nodeOf(cluster, 'fourth')).toBeUndefined();
    apply(
      cluster,
      makePod('anyway', (p) => spread('DoNotSchedule')(p)),
    );
    expect(nodeOf(cluster, 'anyway')).toBeDefined();
  });

  it('ScheduleAnyway: the emptiest domain is preferred, and a full one still takes the pod', () => {
    const { cluster } = newTestCluster();
    apply(cluster, bound('b0', 'node-2'), bound('c0', 'node-3'), bound('c1', 'node-3'));
    apply(cluster, makePod('soft', spread('ScheduleAnyway')));
    expect(nodeOf(cluster, 'soft')).toBe('node-1');
    // Only zone-c allowed: skewed, yet scheduled.
    apply(
      cluster,
      makePod('forced', (p) => {
        spread('ScheduleAnyway')(p);
        onNode('node-3')(p);
      }),
    );
    expect(nodeOf(cluster, 'forced')).toBe('node-3');
  });
});
