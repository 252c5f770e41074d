// Addresses: nodes 127.19.0.x, pods 127.245.1.x (test ranges).
import { describe, expect, it } from 'vitest';
import type { KubeObject, PodStatus } from '@l4lab/protocol';
import { mirrorOf } from '../store/clusterMirror.ts';
import { makeNode } from '../testing/builders.ts';
import { buildNodes } from './graphNodes.ts';
import { nodeTitle } from './layoutDetail.ts';

const pod = (name: string, status?: PodStatus): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', creationTimestamp: `2025-01-01T00:00:0${name.at(-1)}Z` },
  spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx' }] },
  ...(status ? { status } : {}),
});

describe("the graph's pod status", () => {
  it('is the STATUS kubectl get pods prints', () => {
    const objects = [
      makeNode(1),
      // Bound to a node, not reported by its kubelet yet: kubectl says Pending.
      pod('web-1', { phase: 'Pending' }),
      pod('web-2', {
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'web',
            image: 'nginx',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      }),
      // A terminated container's reason shows whatever the phase.
      pod('web-3', {
        phase: 'Failed',
        podIP: '127.245.1.3',
        containerStatuses: [
          {
            name: 'web',
            image: 'nginx',
            ready: false,
            restartCount: 0,
            state: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          },
        ],
      }),
    ];
    const [node] = buildNodes(mirrorOf(objects), () => true);
    expect(node?.pods.map((p) => [p.name, p.status])).toEqual([
      ['web-1', 'Pending'],
      ['web-2', 'ContainerCreating'],
      ['web-3', 'OOMKilled'],
    ]);
  });
});

describe("the graph's node title", () => {
  it('says NotReady and SchedulingDisabled as kubectl get nodes does', () => {
    type NodeObject = Extract<KubeObject, { kind: 'Node' }>;
    const node = (n: number, ready: boolean, cordoned: boolean): KubeObject => {
      const o = makeNode(n) as NodeObject;
      if (!ready) o.status.conditions = [{ type: 'Ready', status: 'Unknown' }];
      return { ...o, spec: { podCIDR: '', ...(cordoned ? { unschedulable: true } : {}) } };
    };
    const objects = [node(1, true, false), node(2, true, true), node(3, false, true)];
    expect(buildNodes(mirrorOf(objects), () => true).map(nodeTitle)).toEqual([
      'node-1',
      'node-2 · SchedulingDisabled',
      'node-3 · NotReady,SchedulingDisabled',
    ]);
  });
});
