import { describe, it, expect } from 'vitest';
import type { Service } from '@l4lab/protocol';
import { ChangeTracker } from './changeTracker.ts';
import { makeService } from './testBuilders.ts';

function version(s: Service, rv: string, port?: number): Service {
  const copy = structuredClone(s);
  copy.metadata.resourceVersion = rv;
  if (port !== undefined) copy.spec.ports = [{ port, protocol: 'TCP', targetPort: port }];
  return copy;
}

describe('ChangeTracker', () => {
  const v1 = version(makeService('default', 'web'), '1');

  it('records a creation as previous undefined', () => {
    const t = new ChangeTracker<Service>();
    expect(t.update(undefined, v1)).toBe(true);
    const changes = t.drain();
    expect([...changes.keys()]).toEqual(['default/web']);
    expect(changes.get('default/web')).toEqual({ previous: undefined, current: v1 });
    expect(t.pending).toBe(0);
  });

  it('keeps previous from the first pending change and current from the last', () => {
    const t = new ChangeTracker<Service>();
    const v2 = version(v1, '2', 81);
    const v3 = version(v1, '3', 82);
    t.update(v1, v2);
    t.update(v2, v3);
    expect(t.pending).toBe(1);
    expect(t.drain().get('default/web')).toEqual({ previous: v1, current: v3 });
  });

  it('drops a change that ends where it started, ignoring resourceVersion', () => {
    const t = new ChangeTracker<Service>();
    const v2 = version(v1, '2', 81);
    const v3 = version(v1, '3');
    t.update(v1, v2);
    expect(t.update(v2, v3)).toBe(false);
    expect(t.pending).toBe(0);
    expect(t.update(v1, version(v1, '4'))).toBe(false);
  });

  it('deletion is update(obj, undefined); create then delete is no change', () => {
    const t = new ChangeTracker<Service>();
    t.update(v1, undefined);
    expect(t.drain().get('default/web')).toEqual({ previous: v1, current: undefined });
    t.update(undefined, v1);
    expect(t.update(v1, undefined)).toBe(false);
    expect(t.pending).toBe(0);
    expect(t.update(undefined, undefined)).toBe(false);
  });

  it('tracks objects separately per namespace/name, and drain starts afresh', () => {
    const t = new ChangeTracker<Service>();
    const other = version(makeService('prod', 'web'), '5');
    t.update(undefined, v1);
    t.update(undefined, other);
    expect(t.pending).toBe(2);
    expect([...t.drain().keys()].sort()).toEqual(['default/web', 'prod/web']);
    t.update(v1, version(v1, '6', 90));
    expect(t.drain().get('default/web')?.previous).toEqual(v1);
  });
});
