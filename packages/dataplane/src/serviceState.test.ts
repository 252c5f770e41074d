// kube-proxy's reading of EndpointSlices written by hand for a Service without selector (the
// docs' "Services without selectors"). Addresses: the default plan's pod CIDR, nothing binds.
import type { EndpointSlice } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { endpointsFromSlices } from './serviceState.ts';
import { servicePortName } from './types.ts';

function handWritten(over: Partial<EndpointSlice> = {}): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'my-service-1',
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': 'my-service' },
    },
    addressType: 'IPv4',
    ports: [{ name: '', port: 9376, protocol: 'TCP', appProtocol: 'http' }],
    endpoints: [
      { addresses: ['127.244.1.20'] },
      { addresses: ['127.244.2.20'], conditions: { ready: false } },
    ],
    ...over,
  };
}

describe('endpointsFromSlices: slices written by hand', () => {
  it('takes an endpoint without conditions as ready and serving, named by its address', () => {
    const eps = endpointsFromSlices('default', 'my-service', [handWritten()]);
    expect(eps.get(servicePortName('default', 'my-service', ''))).toEqual([
      {
        ip: '127.244.1.20',
        port: 9376,
        ready: true,
        serving: true,
        terminating: false,
        nodeName: '',
        pod: '127.244.1.20',
        namespace: 'default',
      },
      expect.objectContaining({ ip: '127.244.2.20', ready: false, serving: true }),
    ]);
  });

  it('leaves out slices of another address type (an IPv4 kube-proxy)', () => {
    const v6 = handWritten({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::1'] }] });
    expect(endpointsFromSlices('default', 'my-service', [v6]).size).toBe(0);
  });

  it('never proxies to an address outside the loopback network, however it was written', () => {
    const off = handWritten({
      endpoints: [
        { addresses: ['10.1.2.3'] },
        { addresses: ['192.0.2.42'] },
        { addresses: ['127.244.1.20'] },
      ],
    });
    const eps = endpointsFromSlices('default', 'my-service', [off]);
    expect(eps.get(servicePortName('default', 'my-service', ''))!.map((e) => e.ip)).toEqual([
      '127.244.1.20',
    ]);
  });
});
