import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '@l4lab/protocol';
import { createAppStore } from '../store/createAppStore.ts';
import { makeNode, makeService } from '../testing/builders.ts';
import { receiveServerMessage } from './receiveServerMessage.ts';

function changes(from: string, to: string, name: string): ServerMessage {
  return {
    type: 'object_changes',
    fromResourceVersion: from,
    resourceVersion: to,
    changes: [{ type: 'ADDED', object: makeService(name, { ports: [{ port: 80 }] }) }],
  };
}

const snapshot = (resourceVersion: string): ServerMessage => ({
  type: 'cluster_snapshot',
  resourceVersion,
  objects: [makeNode(1)],
  mappings: [],
  traffic: [],
  counters: [],
});

describe('receiveServerMessage', () => {
  it('resyncs on a resourceVersion gap instead of applying the frame', () => {
    const store = createAppStore(() => 0);
    let resyncs = 0;
    const connection = { resync: () => void resyncs++ };
    const receive = (msg: ServerMessage) => receiveServerMessage(store, connection, msg);

    receive(snapshot('5'));
    receive(changes('5', '7', 'a'));
    expect(resyncs).toBe(0);

    receive(changes('9', '10', 'after-a-gap'));
    expect(resyncs).toBe(1);
    expect([...store.getState().cluster.services.keys()]).toEqual(['default/a']);

    receive(snapshot('10'));
    receive(changes('10', '11', 'b'));
    expect(resyncs).toBe(1);
    expect(store.getState().resourceVersion).toBe('11');
  });
});
