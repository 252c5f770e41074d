import { describe, expect, it } from 'vitest';
import type { KubeEvent, Pod } from '@l4lab/protocol';
import { EventMirror, describedEvent } from './eventMirror.ts';
import { mirroredObject } from './remoteMirror.ts';

const event = (name: string, over: Partial<KubeEvent> = {}): KubeEvent => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name, namespace: 'default', creationTimestamp: '2026-01-02T03:04:00Z' },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u1' },
  reason: 'Pulled',
  message: 'Successfully pulled image "nginx"',
  type: 'Normal',
  source: { component: 'kubelet', host: 'node-1' },
  reportingComponent: 'kubelet',
  firstTimestamp: '2026-01-02T03:04:05Z',
  lastTimestamp: '2026-01-02T03:04:05Z',
  count: 1,
  ...over,
});

const pod = { kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u1' } } as Pod;

describe('EventMirror', () => {
  it('keeps what kubectl describe shows about an object, oldest first', () => {
    const events = new EventMirror();
    events.put(event('b', { lastTimestamp: '2026-01-02T03:05:00Z' }));
    events.put(event('a'));
    events.put(
      event('other', {
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web-2', namespace: 'default' },
      }),
    );
    events.put(event('old-pod', { involvedObject: { ...event('x').involvedObject, uid: 'u0' } }));
    expect(events.about(pod).map((e) => e.metadata.name)).toEqual(['a', 'b']);
    events.remove('default', 'a');
    expect(events.about(pod).map((e) => e.metadata.name)).toEqual(['b']);
  });

  it('reads an events.k8s.io Event (eventTime, no count or source) as kubectl does', () => {
    const raw = {
      ...event('new'),
      firstTimestamp: null,
      lastTimestamp: null,
      count: undefined,
      source: {},
      reportingComponent: '',
      reportingController: 'default-scheduler',
      eventTime: '2026-01-02T03:04:09.123456Z',
    } as unknown as KubeEvent;
    expect(describedEvent(raw)).toMatchObject({
      firstTimestamp: '2026-01-02T03:04:09.123456Z',
      lastTimestamp: '2026-01-02T03:04:09.123456Z',
      count: 1,
      source: { component: 'default-scheduler' },
    });
  });
});

describe('mirroredObject', () => {
  it('sets kind and apiVersion (LIST items have none) and drops managedFields, keeping the rest', () => {
    const raw = {
      metadata: {
        name: 'x',
        uid: 'u',
        resourceVersion: '7',
        managedFields: [{ manager: 'kubectl' }],
      },
      spec: { replicas: 1 },
    };
    expect(mirroredObject(raw, 'Deployment', 'apps/v1')).toEqual({
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'x', uid: 'u', resourceVersion: '7' },
      spec: { replicas: 1 },
    });
  });
});
