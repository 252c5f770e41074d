// Endpoints and EndpointSlices users write for a Service without selector (the docs' "Services
// without selectors"), and what the controllers do with them. Addresses: documentation ranges and
// the default plan's pod CIDR (testBuilders.ts); nothing connects to them here.
import type { Endpoints, EndpointSlice, KubeObject, Service } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.ts';
import { endpointsFor, listEndpoints } from '../endpointsView.ts';
import { runKubectl } from '../kubectl/kubectl.ts';
import {
  makeDeployment,
  makeService,
  newTestCluster,
  runKubelet,
  slicesFor,
} from '../testBuilders.ts';

const selectorless = (): Service =>
  makeService('default', 'my-service', (s) => {
    delete s.spec.selector;
    s.spec.ports = [{ port: 80, targetPort: 9376, protocol: 'TCP' }];
  });

function userEndpoints(ip = '192.0.2.42', mutate: (e: Endpoints) => void = () => {}): Endpoints {
  const e: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'my-service', namespace: 'default', labels: { team: 'a' } },
    subsets: [
      {
        addresses: [{ ip }],
        notReadyAddresses: [{ ip: '192.0.2.43' }],
        ports: [{ port: 9376, protocol: 'TCP' }],
      },
    ],
  };
  mutate(e);
  return e;
}

function userSlice(): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'my-service-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'my-service' },
    },
    addressType: 'IPv4',
    ports: [{ name: '', appProtocol: 'http', protocol: 'TCP', port: 9376 }],
    endpoints: [{ addresses: ['10.4.5.6'] }, { addresses: ['10.1.2.3'] }],
  };
}

function applyOk(cluster: Cluster, objects: KubeObject[]): string[] {
  const out = cluster.apply(objects);
  if (!out.ok) throw new Error(out.errors.map((e) => e.message).join('; '));
  return out.results.map((r) => `${r.kind}/${r.name} ${r.action}`);
}

describe('the EndpointSlice mirroring controller', () => {
  it('copies an Endpoints into a slice it manages, labelled with the Service’s name', () => {
    const { cluster } = newTestCluster();
    expect(applyOk(cluster, [selectorless(), userEndpoints()])).toEqual([
      'Service/my-service created',
      'Endpoints/my-service created',
    ]);
    const slices = slicesFor(cluster, 'default', 'my-service');
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({
      metadata: {
        name: expect.stringMatching(/^my-service-[a-z0-9]{5}$/),
        labels: {
          team: 'a',
          'kubernetes.io/service-name': 'my-service',
          'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
        },
        ownerReferences: [expect.objectContaining({ kind: 'Endpoints', name: 'my-service' })],
      },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['192.0.2.42'], conditions: { ready: true } },
        { addresses: ['192.0.2.43'], conditions: { ready: false } },
      ],
      ports: [{ name: '', port: 9376, protocol: 'TCP' }],
    });
  });

  it('follows the Endpoints as it changes, and removes the slice with it', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [selectorless(), userEndpoints()]);
    const [before] = slicesFor(cluster, 'default', 'my-service');
    expect(applyOk(cluster, [userEndpoints('192.0.2.50')])).toEqual([
      'Endpoints/my-service configured',
    ]);
    const [after] = slicesFor(cluster, 'default', 'my-service');
    expect(after!.metadata.name).toBe(before!.metadata.name);
    expect(after!.endpoints[0]!.addresses).toEqual(['192.0.2.50']);
    cluster.delete('Endpoints', 'default', 'my-service');
    expect(slicesFor(cluster, 'default', 'my-service')).toEqual([]);
  });

  it('mirrors nothing for a Service with a selector, nor without a Service', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [userEndpoints()]);
    expect(slicesFor(cluster, 'default', 'my-service')).toEqual([]);
    applyOk(cluster, [makeService('default', 'my-service')]);
    const managers = slicesFor(cluster, 'default', 'my-service').map(
      (s) => s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'],
    );
    expect(managers).toEqual(['endpointslice-controller.k8s.io']);
  });

  it('skips an Endpoints labelled skip-mirror', () => {
    const { cluster } = newTestCluster();
    const skipped = userEndpoints('192.0.2.42', (e) => {
      e.metadata.labels = { 'endpointslice.kubernetes.io/skip-mirror': 'true' };
    });
    applyOk(cluster, [selectorless(), skipped]);
    expect(slicesFor(cluster, 'default', 'my-service')).toEqual([]);
  });
});

describe('an EndpointSlice a user writes', () => {
  it('is stored as written and left alone by the EndpointSlice controller', () => {
    const { cluster } = newTestCluster();
    expect(applyOk(cluster, [selectorless(), userSlice()])).toEqual([
      'Service/my-service created',
      'EndpointSlice/my-service-1 created',
    ]);
    expect(slicesFor(cluster, 'default', 'my-service').map((s) => s.metadata.name)).toEqual([
      'my-service-1',
    ]);
    // A selector added later: the controller writes its own slices beside it, never over it.
    applyOk(cluster, [
      makeService('default', 'my-service', (s) => (s.spec.selector = { run: 'web' })),
      makeDeployment('default', 'web'),
    ]);
    runKubelet(cluster);
    const mine = cluster.store.get('EndpointSlice', 'default', 'my-service-1')!;
    expect(mine.endpoints.map((e) => e.addresses[0])).toEqual(['10.4.5.6', '10.1.2.3']);
    expect(slicesFor(cluster, 'default', 'my-service')).toHaveLength(2);
  });

  it('is configured when its endpoints change, unchanged when applied again as it is', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [userSlice()]);
    expect(applyOk(cluster, [userSlice()])).toEqual(['EndpointSlice/my-service-1 unchanged']);
    const moved = userSlice();
    moved.endpoints = [{ addresses: ['10.9.9.9'] }];
    expect(applyOk(cluster, [moved])).toEqual(['EndpointSlice/my-service-1 configured']);
    const ipv6 = userSlice();
    ipv6.addressType = 'IPv6';
    const out = cluster.apply([ipv6]);
    expect(!out.ok && out.errors[0]?.message).toBe(
      'The EndpointSlice "my-service-1" is invalid: addressType: Invalid value: "IPv6": field is immutable',
    );
  });
});

describe('v1 Endpoints as the API shows them', () => {
  it('is the stored one when a user wrote it, else derived from a selector Service’s slices', () => {
    const { cluster } = newTestCluster();
    applyOk(cluster, [
      selectorless(),
      userEndpoints(),
      makeService('default', 'web'),
      makeDeployment('default', 'web', (d) => (d.spec.replicas = 1)),
    ]);
    runKubelet(cluster);
    expect(listEndpoints(cluster.store, 'default').map((e) => e.metadata.name)).toEqual([
      'my-service',
      'web',
    ]);
    expect(endpointsFor(cluster.store, 'default', 'my-service')).toEqual(
      cluster.store.get('Endpoints', 'default', 'my-service'),
    );
    expect(endpointsFor(cluster.store, 'default', 'web')?.subsets?.[0]).toMatchObject({
      addresses: [{ ip: expect.stringMatching(/^127\.244\./) }],
      ports: [{ port: 80, protocol: 'TCP' }],
    });
    const get = runKubectl(cluster.store, ['get', 'endpoints', 'my-service'], 0);
    expect(get.stdout).toMatch(/^NAME\s+ENDPOINTS\s+AGE\nmy-service\s+192\.0\.2\.42:9376\s+/);
  });
});
