import { describe, expect, it } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { podHealth, podRestarts } from './kube.ts';

const pod = (status: Pod['status'], deleting = false): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'default',
      ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
    status,
  }) as Pod;

describe('podHealth: the colour of a pod on the graph', () => {
  it('a pod whose containers ran to completion is completed, not unready or failed', () => {
    expect(podHealth(pod({ phase: 'Succeeded' }))).toBe('completed');
    expect(podHealth(pod({ phase: 'Failed' }))).toBe('failed');
    expect(podHealth(pod({ phase: 'Pending' }))).toBe('pending');
    expect(podHealth(pod({ phase: 'Succeeded' }, true))).toBe('terminating');
  });
});

describe('a pod of several containers on the graph', () => {
  const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };
  const sidecarCrashing = pod({
    phase: 'Running',
    containerStatuses: [
      { name: 'web', image: 'nginx', ready: true, restartCount: 0, state: running },
      {
        name: 'side',
        image: 'busybox',
        ready: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      },
    ],
  });

  it("is crashing when any container is, and counts every container's restarts", () => {
    expect(podHealth(sidecarCrashing)).toBe('crashloop');
    expect(podRestarts(sidecarCrashing)).toBe(3);
  });
});
