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
});
