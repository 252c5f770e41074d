import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '@l4lab/protocol';
import { RecentConnections } from './recentConnections.ts';

const event = (id: string) => ({ id }) as ConnectionEvent;

describe('RecentConnections', () => {
  it('keeps every event, oldest first, until it is full', () => {
    const r = new RecentConnections(3);
    expect(r.list()).toEqual([]);
    r.record(event('a'));
    r.record(event('b'));
    expect(r.list().map((e) => e.id)).toEqual(['a', 'b']);
  });

  it('then forgets the oldest, one for one', () => {
    const r = new RecentConnections(3);
    for (const id of ['a', 'b', 'c', 'd', 'e']) r.record(event(id));
    expect(r.list().map((e) => e.id)).toEqual(['c', 'd', 'e']);
  });
});
