// The `kubernetes` Service and its EndpointSlice. Addresses: the default plan (testBuilders.ts
// header): Service range 127.96.0.0/16, so the Service is at 127.96.0.1; the lab's API at
// 127.0.0.1:7070.
import type { Service } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { runKubectl } from '../kubectl/kubectl.ts';
import { makeService, newTestCluster, slicesFor } from '../testBuilders.ts';

const API = { ip: '127.0.0.1', port: 7070 };

function advertised() {
  const { cluster, clock } = newTestCluster();
  cluster.advertiseApiServer(API);
  const svc = () => cluster.store.get('Service', 'default', 'kubernetes');
  const slice = () => cluster.store.get('EndpointSlice', 'default', 'kubernetes');
  return { cluster, clock, svc, slice };
}

describe('the kubernetes Service', () => {
  it('does not exist until the lab says where its API listens', () => {
    const { cluster } = newTestCluster();
    expect(cluster.store.get('Service', 'default', 'kubernetes')).toBeUndefined();
  });

  it('is a selector-less ClusterIP at the first Service address, 443 to the API port', () => {
    const { svc } = advertised();
    expect(svc()).toMatchObject({
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: '127.96.0.1',
        clusterIPs: ['127.96.0.1'],
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 7070 }],
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
      },
    });
    expect(svc()?.spec.selector).toBeUndefined();
  });

  it("has an EndpointSlice of its own at the API server's address, left alone by the slice controller", () => {
    const { cluster, slice } = advertised();
    expect(slice()).toMatchObject({
      metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'https', port: 7070, protocol: 'TCP' }],
    });
    // Any change that makes the EndpointSlice controller look at the Service keeps the slice.
    cluster.apply([makeService('default', 'web')]);
    expect(slicesFor(cluster, 'default', 'kubernetes')).toHaveLength(1);
  });

  it('shows in kubectl get endpoints and describe svc, as the API server writes its Endpoints', () => {
    const { cluster, clock } = advertised();
    const get = runKubectl(cluster.store, ['get', 'endpoints'], clock.now());
    expect(get.stdout).toMatch(/^kubernetes\s+127\.0\.0\.1:7070\s+/m);
    const describe = runKubectl(cluster.store, ['describe', 'svc', 'kubernetes'], clock.now());
    expect(describe.stdout).toMatch(/^Endpoints:\s+127\.0\.0\.1:7070$/m);
    expect(describe.stdout).toMatch(/^IP Family Policy:\s+SingleStack$/m);
  });

  it('keeps its address from every other Service', () => {
    const { cluster } = advertised();
    const taken = makeService('default', 'web', (s) => (s.spec.clusterIP = '127.96.0.1'));
    const out = cluster.apply([taken]);
    expect(out.ok ? [] : out.errors.map((e) => e.message)).toEqual([
      'The Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"127.96.0.1"}: failed to allocate IP 127.96.0.1: provided IP is already allocated',
    ]);
  });

  it('comes back at once when deleted, at the same address, with a new uid', () => {
    const { cluster, svc, slice } = advertised();
    const uid = svc()?.metadata.uid;
    expect(cluster.delete('Service', 'default', 'kubernetes')).toBeDefined();
    expect(svc()?.spec.clusterIP).toBe('127.96.0.1');
    expect(svc()?.metadata.uid).not.toBe(uid);
    cluster.delete('EndpointSlice', 'default', 'kubernetes');
    expect(slice()?.endpoints[0]?.addresses).toEqual(['127.0.0.1']);
    // The address was never free: a Service asking for it is refused.
    const taken = makeService('default', 'web', (s) => (s.spec.clusterIP = '127.96.0.1'));
    expect(cluster.apply([taken]).ok).toBe(false);
  });

  it('has a change to its ports or type reset, and follows a new API port', () => {
    const { cluster, svc, slice } = advertised();
    const edited: Service = structuredClone(svc()!);
    edited.spec.ports = [{ name: 'https', port: 8443, protocol: 'TCP', targetPort: 7070 }];
    cluster.store.put(edited);
    expect(svc()?.spec.ports?.[0]?.port).toBe(443);
    cluster.advertiseApiServer({ ip: '127.0.0.1', port: 7171 });
    expect(svc()?.spec.ports?.[0]?.targetPort).toBe(7171);
    expect(slice()?.ports).toEqual([{ name: 'https', port: 7171, protocol: 'TCP' }]);
  });

  it('keeps its address across a restore (it is not held twice)', () => {
    const { cluster } = advertised();
    const saved = {
      resourceVersion: cluster.store.resourceVersion,
      objects: cluster.store.all().filter((o) => o.kind !== 'Node'),
    };
    const { cluster: next } = newTestCluster();
    expect(next.restore(saved as Parameters<typeof next.restore>[0])).toEqual([]);
    next.advertiseApiServer(API);
    expect(next.store.get('Service', 'default', 'kubernetes')?.spec.clusterIP).toBe('127.96.0.1');
  });
});
