import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '@l4lab/protocol';
import { makeNode, makeService } from '../testing/builders.ts';
import { createAppStore } from './createAppStore.ts';
import { continuesMirror, isResourceVersionGap } from './resourceVersionChain.ts';

type ObjectChanges = Extract<ServerMessage, { type: 'object_changes' }>;

function frame(from: string | undefined, to: string, name = 'web'): ObjectChanges {
  const service = makeService(name, { ports: [{ port: 80 }] });
  return {
    type: 'object_changes',
    ...(from !== undefined ? { fromResourceVersion: from } : {}),
    resourceVersion: to,
    changes: [{ type: 'ADDED', object: service }],
  };
}

function snapshot(resourceVersion: string): ServerMessage {
  return {
    type: 'cluster_snapshot',
    resourceVersion,
    objects: [makeNode(1)],
    mappings: [],
    traffic: [],
    counters: [],
  };
}

describe('continuesMirror', () => {
  it('takes a frame that starts where the mirror ends', () => {
    expect(continuesMirror('10', frame('10', '12'))).toBe(true);
  });

  it('refuses a frame that starts later (frames were missed) or earlier (an old connection)', () => {
    expect(continuesMirror('10', frame('11', '12'))).toBe(false);
    expect(continuesMirror('10', frame('9', '12'))).toBe(false);
    expect(continuesMirror('', frame('3', '4'))).toBe(false); // no snapshot yet
  });

  it("takes a frame that does not say where it starts (an older server's)", () => {
    expect(continuesMirror('10', frame(undefined, '14'))).toBe(true);
  });

  it('only object_changes frames can leave a gap', () => {
    expect(isResourceVersionGap('10', frame('11', '12'))).toBe(true);
    expect(isResourceVersionGap('10', snapshot('40'))).toBe(false);
  });
});

describe('the mirror across object_changes frames', () => {
  it('applies a chain of frames and never a gapped one', () => {
    const store = createAppStore(() => 0);
    const { applyServerMessage } = store.getState();
    applyServerMessage(snapshot('10'));
    applyServerMessage(frame('10', '12', 'a'));
    applyServerMessage(frame('12', '13', 'b'));
    expect([...store.getState().cluster.services.keys()]).toEqual(['default/a', 'default/b']);
    expect(store.getState().resourceVersion).toBe('13');

    applyServerMessage(frame('20', '21', 'lost')); // frames 13..20 never arrived
    expect([...store.getState().cluster.services.keys()]).toEqual(['default/a', 'default/b']);
    expect(store.getState().resourceVersion).toBe('13');

    applyServerMessage(snapshot('21')); // the resync: a snapshot replaces the mirror
    applyServerMessage(frame('21', '22', 'c'));
    expect([...store.getState().cluster.services.keys()]).toEqual(['default/c']);
    expect(store.getState().resourceVersion).toBe('22');
  });
});
