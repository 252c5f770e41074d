// The join's ClusterView follows the mirror: the initial list, then adds, updates and deletes of
// Services, EndpointSlices, Nodes and Pods; other kinds do not touch it. Addresses: testAgentApi.ts.
import { describe, expect, it } from 'vitest';
import { ClusterView } from '@l4lab/agent';
import { clusterStore, pod, webSlice } from './testAgentApi.ts';
import { syncClusterView } from './clusterViewSync.ts';

const endpointsOf = (v: ClusterView) =>
  (v.snapshot().routing.endpointsMap.get('default/web:http') ?? []).map((e) => `${e.ip}:${e.port}`);

describe('syncClusterView', () => {
  it('starts from the mirror and follows its changes', () => {
    const store = clusterStore();
    const view = new ClusterView();
    const stop = syncClusterView(store, view);
    expect(view.snapshot().frontends.map((f) => f.key)).toEqual(['TCP/10.96.0.20:80']);
    expect(endpointsOf(view)).toEqual(['10.244.1.10:8080', '10.244.2.12:8080']);
    expect(view.snapshot().routing.podsByIP.get('10.244.1.50')).toMatchObject({
      name: 'default/client-1',
      node: 'node-1',
    });
    expect(view.nodeOfAddress('10.0.0.12')).toBe('node-2');

    store.mirror(webSlice([['web-c', '10.244.3.7', 'node-3']]));
    expect(endpointsOf(view)).toEqual(['10.244.3.7:8080']);
    store.mirror(pod('default', 'client-2', { node: 'node-3', ip: '10.244.3.60' }));
    expect(view.snapshot().routing.podsByIP.get('10.244.3.60')?.node).toBe('node-3');
    store.mirrorRemove('Service', 'default', 'web');
    expect(view.snapshot().frontends).toEqual([]);
    store.mirrorRemove('Node', undefined, 'node-2');
    expect(view.nodeOfAddress('10.0.0.12')).toBeUndefined();

    stop();
    store.mirrorRemove('Pod', 'default', 'client-2');
    expect(view.snapshot().routing.podsByIP.get('10.244.3.60')?.node).toBe('node-3');
  });
});
