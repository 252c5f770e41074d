import { describe, expect, it } from 'vitest';
import { makeService, newTestCluster } from './testBuilders.ts';

describe('EventRecorder', () => {
  it('records what components say about an object, and counts a repeat instead of adding one', () => {
    const { cluster, clock } = newTestCluster();
    cluster.apply([makeService('default', 'web')]);
    const svc = cluster.store.get('Service', 'default', 'web')!;
    const events = cluster.events;
    events.record(svc, 'Warning', 'AddressInUse', 'ClusterIP ... in use', {
      component: 'kube-proxy',
    });
    clock.advance(5_000);
    const again = events.record(svc, 'Warning', 'AddressInUse', 'ClusterIP ... in use', {
      component: 'kube-proxy',
    });
    expect(again).toMatchObject({
      count: 2,
      type: 'Warning',
      involvedObject: { kind: 'Service', namespace: 'default', name: 'web', uid: svc.metadata.uid },
      source: { component: 'kube-proxy' },
    });
    expect(Date.parse(again.lastTimestamp) - Date.parse(again.firstTimestamp)).toBe(5_000);
    expect(events.about(svc)).toHaveLength(1);
    clock.advance(11 * 60_000); // past client-go's ten-minute fold: a new Event
    events.record(svc, 'Warning', 'AddressInUse', 'ClusterIP ... in use', {
      component: 'kube-proxy',
    });
    expect(events.about(svc)).toHaveLength(2);
    expect(events.list('kube-system')).toEqual([]);
  });

  it('hears the controllers: a Deployment scales its ReplicaSet, which creates pods, which are scheduled', () => {
    const { cluster } = newTestCluster();
    cluster.apply([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
          },
        },
      },
    ]);
    const reasons = cluster.events
      .list('default')
      .map((e) => `${e.involvedObject.kind} ${e.reason}`);
    expect(reasons.filter((r) => r === 'Deployment ScalingReplicaSet')).toHaveLength(1);
    expect(reasons.filter((r) => r === 'ReplicaSet SuccessfulCreate')).toHaveLength(2);
    expect(reasons.filter((r) => r === 'Pod Scheduled')).toHaveLength(2);
    expect(cluster.events.list('default')[0]!.message).toMatch(
      /^Scaled up replica set web-[a-z0-9]+ from 0 to 2$/,
    );
  });
});
