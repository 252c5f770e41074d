// The watched objects as kube-proxy reads them: frontends, endpoints from EndpointSlices, pods
// by IP. Addresses as in testCluster.ts.
import { describe, expect, it } from 'vitest';
import { ClusterView, endpointsOf } from './clusterView.ts';
import {
  makeLoadBalancer,
  makePod,
  makeService,
  makeSlice,
  NODES,
  PODS,
  WEB,
} from './testCluster.ts';

function view(...services: ReturnType<typeof makeService>[]) {
  const v = new ClusterView();
  v.replace({ services, nodes: NODES, pods: PODS, endpointSlices: [makeSlice('web', WEB)] });
  return v;
}

const keysOf = (v: ClusterView) =>
  v.snapshot().frontends.map((f) => `${f.kind} ${f.key} ${f.node ?? ''}`);

describe('ClusterView: frontends', () => {
  it("ClusterIP, a NodePort on every node's InternalIP (and ExternalIP), LB ingress IPs, externalIPs", () => {
    const lb = makeLoadBalancer('web', (s) => (s.spec.externalIPs = ['192.0.2.50']));
    expect(keysOf(view(lb)).sort()).toEqual(
      [
        'ClusterIP TCP/10.96.0.20:80 ',
        'NodePort TCP/10.0.0.11:30080 node-1',
        'NodePort TCP/192.0.2.11:30080 node-1',
        'NodePort TCP/10.0.0.12:30080 node-2',
        'NodePort TCP/10.0.0.13:30080 node-3',
        'LoadBalancer TCP/203.0.113.10:80 ',
        'ExternalIP TCP/192.0.2.50:80 ',
      ].sort(),
    );
  });

  it('leaves out ingress a load balancer proxies (ipMode Proxy) and ingress with a hostname only', () => {
    const lb = makeLoadBalancer('web', (s) => {
      s.status = {
        loadBalancer: {
          ingress: [
            { ip: '203.0.113.10', ipMode: 'Proxy' },
            { ip: '203.0.113.11', ipMode: 'VIP' },
            { hostname: 'lb.example.com' } as unknown as { ip: string },
          ],
        },
      };
    });
    const lbKeys = keysOf(view(lb)).filter((k) => k.startsWith('LoadBalancer'));
    expect(lbKeys).toEqual(['LoadBalancer TCP/203.0.113.11:80 ']);
  });

  it('none for a headless or an ExternalName Service', () => {
    const headless = makeService('web', (s) => (s.spec.clusterIP = 'None'));
    const external = makeService('ext', (s) => {
      s.spec = { type: 'ExternalName', externalName: 'example.com' };
    });
    expect(keysOf(view(headless, external))).toEqual([]);
  });

  it('follows upserts and removes, rebuilt once per change', () => {
    const v = view(makeService('web'));
    const first = v.snapshot();
    expect(v.snapshot()).toBe(first);
    v.upsert(
      'Service',
      makeService('api', (s) => (s.spec.clusterIP = '10.96.0.30')),
    );
    const second = v.snapshot();
    expect(second.generation).toBe(first.generation + 1);
    expect(keysOf(v)).toContain('ClusterIP TCP/10.96.0.30:80 ');
    v.remove('Service', { metadata: { name: 'web', namespace: 'default' } });
    expect(keysOf(v)).toEqual(['ClusterIP TCP/10.96.0.30:80 ']);
  });

  it('knows which node an address is', () => {
    const v = view();
    expect(v.nodeOfAddress('10.0.0.12')).toBe('node-2');
    expect(v.nodeOfAddress('192.0.2.11')).toBe('node-1');
    expect(v.nodeOfAddress('node-1')).toBeUndefined(); // a Hostname, not an address
    expect(v.nodeOfAddress('10.244.1.50')).toBeUndefined();
  });
});

describe('endpointsOf', () => {
  it("reads every slice of a Service, any address (not only the lab's 127/8)", () => {
    const eps = endpointsOf([
      makeSlice('web', WEB.slice(0, 2)),
      makeSlice('web', WEB.slice(2), { name: 'web-2' }),
      makeSlice('api', [{ ip: '10.244.3.7', node: 'node-3', pod: 'api-1' }]),
    ]);
    expect(eps.get('default/web:http')?.map((e) => `${e.pod}@${e.nodeName}`)).toEqual([
      'web-a@node-1',
      'web-b@node-2',
      'web-c@node-2',
    ]);
    expect(eps.get('default/api:http')).toEqual([
      {
        ip: '10.244.3.7',
        port: 8080,
        ready: true,
        serving: true,
        terminating: false,
        nodeName: 'node-3',
        pod: 'api-1',
        namespace: 'default',
      },
    ]);
  });

  it('leaves out IPv6 slices, slices of no Service, and ports without a number', () => {
    const v6 = makeSlice('web', [{ ip: 'fd00::1', node: 'node-1', pod: 'web-a' }], {
      addressType: 'IPv6',
    });
    const orphan = makeSlice('web', WEB);
    orphan.metadata.labels = {};
    const noPort = makeSlice('web', WEB, { ports: [{ name: 'http', port: null }] });
    expect(endpointsOf([v6, orphan, noPort]).size).toBe(0);
  });

  it('one endpoint per IP:port across slices: a ready copy wins', () => {
    const moving = { ...WEB[0]!, ready: false, serving: true, terminating: true };
    const eps = endpointsOf([
      makeSlice('web', [moving]),
      makeSlice('web', [WEB[0]!], { name: 'web-2' }),
    ]);
    expect(eps.get('default/web:http')).toEqual([
      expect.objectContaining({ ip: '10.244.1.11', ready: true }),
    ]);
  });

  it('an unnamed port, an empty slice (endpoints null), an endpoint without pod or node', () => {
    const slice = makeSlice('web', [], { ports: [{ name: '', port: 6443, protocol: 'TCP' }] });
    slice.endpoints = [{ addresses: ['10.0.0.11'] }];
    const empty = makeSlice('api', []);
    empty.endpoints = null;
    const eps = endpointsOf([slice, empty]);
    expect(eps.get('default/web:')).toEqual([
      expect.objectContaining({
        ip: '10.0.0.11',
        port: 6443,
        pod: '10.0.0.11',
        nodeName: '',
        ready: true,
      }),
    ]);
    expect(eps.get('default/api:http')).toEqual([]);
  });
});

describe('ClusterView: pods by IP', () => {
  it('names clients by pod; not hostNetwork pods (their IP is the node) nor finished ones', () => {
    const v = new ClusterView();
    v.replace({
      pods: [
        makePod('client-1', '10.244.1.50', 'node-1'),
        makePod('kube-proxy-x', '10.0.0.11', 'node-1', {
          spec: { nodeName: 'node-1', hostNetwork: true },
        }),
        makePod('job-1', '10.244.1.60', 'node-1', {
          status: { phase: 'Succeeded', podIP: '10.244.1.60' },
        }),
      ],
    });
    const pods = v.snapshot().routing.podsByIP;
    expect([...pods]).toEqual([['10.244.1.50', { name: 'default/client-1', node: 'node-1' }]]);
  });

  it("follows a pod's IP, and a deleted pod does not take its IP from the pod that reuses it", () => {
    const v = new ClusterView();
    v.upsert('Pod', makePod('a', '10.244.1.5', 'node-1'));
    v.upsert('Pod', makePod('a', '10.244.1.6', 'node-1'));
    v.upsert('Pod', makePod('b', '10.244.1.5', 'node-1'));
    v.remove('Pod', makePod('a', '', ''));
    const pods = v.snapshot().routing.podsByIP;
    expect([...pods]).toEqual([['10.244.1.5', { name: 'default/b', node: 'node-1' }]]);
  });
});
