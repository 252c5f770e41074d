import { describe, expect, it } from 'vitest';
import type { Pod } from '@l4lab/protocol';
import { buildPodStatus, type PodState } from './podStatusBuilder.ts';

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx' },
      { name: 'side', image: 'busybox' },
    ],
  },
};
const NOW = '2026-12-08T05:00:00Z';
const running: PodState = {
  ip: '127.244.1.2',
  hostIP: '127.18.0.2',
  startTime: NOW,
  everStarted: true,
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: NOW } },
};
const ids = {
  containerID: `docker://${'a'.repeat(64)}`,
  imageID: `docker://sha256:${'b'.repeat(64)}`,
};

describe('buildPodStatus: container IDs', () => {
  it("gives a real container's IDs while it runs, and none to one a stand-in serves", () => {
    const handle = { containerIDs: new Map([['nginx', ids]]) };
    const [nginx, side] = buildPodStatus(pod, { ...running, handle }, NOW).containerStatuses!;
    expect(nginx).toMatchObject({ name: 'nginx', ...ids });
    expect(side).not.toHaveProperty('containerID');
    expect(side).not.toHaveProperty('imageID');
  });

  it('gives none to a container that waits (CrashLoopBackOff), nor under a runtime without them', () => {
    const handle = { containerIDs: new Map([['nginx', ids]]) };
    const waiting = { ...running, handle, state: { waiting: { reason: 'CrashLoopBackOff' } } };
    expect(buildPodStatus(pod, waiting, NOW).containerStatuses![0]).not.toHaveProperty(
      'containerID',
    );
    expect(buildPodStatus(pod, running, NOW).containerStatuses![0]).not.toHaveProperty(
      'containerID',
    );
  });
});
