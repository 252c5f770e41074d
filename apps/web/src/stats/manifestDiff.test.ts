import { describe, expect, it } from 'vitest';
import type { Deployment } from '@l4lab/protocol';
import { mirrorOf } from '../store/clusterMirror.ts';
import { diffObjects } from './manifestDiff.ts';

function deployment(replicas: number, extra: Record<string, unknown> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...extra },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx' }] },
      },
    },
  } as Deployment;
}

describe('diffObjects', () => {
  it('says created, configured (with the field) and unchanged like kubectl apply', () => {
    const mirror = mirrorOf([deployment(2, { uid: 'u1', resourceVersion: '7' })]);
    expect(diffObjects([deployment(2)], mirror)[0]).toMatchObject({
      action: 'unchanged',
      changes: [],
    });
    expect(diffObjects([deployment(5)], mirror)[0]).toMatchObject({
      action: 'configured',
      changes: ['spec.replicas: 2 → 5'],
    });
    expect(diffObjects([deployment(1)], mirrorOf([]))[0]?.action).toBe('created');
  });
});
