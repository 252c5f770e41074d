import { describe, it, expect } from 'vitest';
import type { WatchEvent } from '@l4lab/protocol';
import { ObjectStore } from './store.ts';
import { makeService } from './testBuilders.ts';

describe('ObjectStore', () => {
  it('stamps a cluster-wide resourceVersion and tells watchers ADDED, MODIFIED, DELETED', () => {
    const store = new ObjectStore();
    const events: [WatchEvent['type'], string | undefined][] = [];
    const stop = store.watch((e) => events.push([e.type, e.object.metadata.resourceVersion]));
    const a = store.put(makeService('default', 'a'));
    store.put(makeService('default', 'b'));
    const a2 = store.put({ ...a, metadata: { ...a.metadata, labels: { x: 'y' } } });
    expect(a.metadata.resourceVersion).toBe('1');
    expect(a2.metadata.resourceVersion).toBe('3');
    expect(store.remove('Service', 'default', 'a')?.metadata.name).toBe('a');
    expect(store.remove('Service', 'default', 'a')).toBeUndefined();
    expect(store.resourceVersion).toBe('4');
    expect(events).toEqual([
      ['ADDED', '1'],
      ['ADDED', '2'],
      ['MODIFIED', '3'],
      ['DELETED', '4'], // the deletion's own resourceVersion
    ]);
    stop();
    store.put(makeService('default', 'c'));
    expect(events).toHaveLength(4);
  });

  it('copies on the way in, so the caller cannot change what is stored', () => {
    const store = new ObjectStore();
    const input = makeService('default', 'a');
    store.put(input);
    input.spec.ports = [];
    expect(store.get('Service', 'default', 'a')?.spec.ports).toHaveLength(1);
    expect(input.metadata.resourceVersion).toBeUndefined();
  });

  it('lists by kind and namespace, sorted by namespace/name', () => {
    const store = new ObjectStore();
    store.put(makeService('prod', 'b'));
    store.put(makeService('default', 'z'));
    store.put(makeService('default', 'a'));
    expect(store.list('Service').map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual([
      'default/a',
      'default/z',
      'prod/b',
    ]);
    expect(store.list('Service', 'prod')).toHaveLength(1);
    expect(store.list('Pod')).toEqual([]);
  });

  it("mirrors another API server's objects with their own metadata, and still moves its own resourceVersion", () => {
    const store = new ObjectStore();
    const events: [WatchEvent['type'], string | undefined][] = [];
    store.watch((e) => events.push([e.type, e.object.metadata.resourceVersion]));
    const remote = makeService('default', 'a');
    remote.metadata = {
      ...remote.metadata,
      uid: '6f1c2d3e-0000-4000-8000-000000000001',
      resourceVersion: '918273',
      creationTimestamp: '2026-01-02T03:04:05Z',
    };
    const stored = store.mirror(remote);
    expect(stored.metadata).toMatchObject({
      uid: '6f1c2d3e-0000-4000-8000-000000000001',
      resourceVersion: '918273',
      creationTimestamp: '2026-01-02T03:04:05Z',
    });
    remote.spec.ports = [];
    expect(store.get('Service', 'default', 'a')?.spec.ports).toHaveLength(1);
    store.mirror({ ...stored, metadata: { ...stored.metadata, resourceVersion: '918300' } });
    expect(store.mirrorRemove('Service', 'default', 'a')?.metadata.resourceVersion).toBe('918300');
    expect(store.mirrorRemove('Service', 'default', 'a')).toBeUndefined();
    expect(store.resourceVersion).toBe('3');
    expect(events).toEqual([
      ['ADDED', '918273'],
      ['MODIFIED', '918300'],
      ['DELETED', '918300'],
    ]);
  });
});
