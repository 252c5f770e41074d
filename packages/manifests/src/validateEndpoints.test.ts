import { describe, expect, it } from 'vitest';
import { checkManifests } from './check.ts';
import { applyDefaults } from './defaults.ts';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';
import type { EndpointSlice, Endpoints } from '@l4lab/protocol';

// The docs' Service without selector and its endpoints (services-networking/service), as users
// write them: documentation addresses, an unnamed port.
function slice(mutate: (s: Record<string, unknown>) => void = () => {}) {
  const s: Record<string, unknown> = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'my-service-1', labels: { 'kubernetes.io/service-name': 'my-service' } },
    addressType: 'IPv4',
    ports: [{ name: '', appProtocol: 'http', protocol: 'TCP', port: 9376 }],
    endpoints: [{ addresses: ['10.4.5.6'] }, { addresses: ['10.1.2.3'] }],
  };
  mutate(s);
  return s;
}

function endpoints(subsets: unknown[]) {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'my-service' }, subsets };
}

const messages = (o: unknown): string[] => validateObject(o).map(formatFieldError);

describe('EndpointSlice validation (discovery/v1 ValidateEndpointSlice)', () => {
  it('accepts the docs slice, and one of the lab’s own 127.x addresses', () => {
    expect(messages(slice())).toEqual([]);
    expect(messages(slice((s) => (s.endpoints = [{ addresses: ['127.244.1.9'] }])))).toEqual([]);
  });

  it('requires an address type it knows', () => {
    expect(messages(slice((s) => delete s.addressType))).toEqual(['addressType: Required value']);
    expect(messages(slice((s) => (s.addressType = 'IPv5')))).toEqual([
      'addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"',
    ]);
  });

  it('checks each address against the address type', () => {
    const bad = slice(
      (s) =>
        (s.endpoints = [
          { addresses: [] },
          { addresses: ['10.0.0.300'] },
          { addresses: ['169.254.1.1'] },
          { addresses: ['127.0.0.1'] },
        ]),
    );
    expect(messages(bad)).toEqual([
      'endpoints[0].addresses: Required value: must contain at least 1 address',
      'endpoints[1].addresses[0]: Invalid value: "10.0.0.300": must be a valid IPv4 address',
      'endpoints[1].addresses[0]: Invalid value: "10.0.0.300": must be a valid IP address',
      'endpoints[2].addresses[0]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      'endpoints[3].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128); in l4lab, use another 127.x.y.z address',
    ]);
    const fqdn = slice((s) => {
      s.addressType = 'FQDN';
      s.endpoints = [{ addresses: ['db.example.com'] }, { addresses: ['localhost'] }];
    });
    expect(messages(fqdn)).toEqual([
      'endpoints[1].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
    ]);
  });

  it('wants unique DNS-label port names and a known protocol', () => {
    const ports = slice(
      (s) =>
        (s.ports = [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'http', port: 81, protocol: 'ICMP' },
          { name: 'Web', port: 82 },
        ]),
    );
    expect(messages(ports)).toEqual([
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      "ports[2].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('defaults a port’s name to "" and its protocol to TCP, and leaves conditions unset', () => {
    const s = applyDefaults(slice((x) => (x.ports = [{ port: 9376 }])) as unknown as EndpointSlice);
    expect(s.ports).toEqual([{ name: '', port: 9376, protocol: 'TCP' }]);
    expect(s.endpoints[0]).toEqual({ addresses: ['10.4.5.6'] });
  });

  it('is decoded with its Go types', () => {
    const text =
      'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\n' +
      'ports: [{port: "80"}]\nendpoints: []\n';
    expect(checkManifests(text).errors[0]?.message).toMatch(
      /json: cannot unmarshal string into Go struct field EndpointPort\.ports\.port of type int32$/,
    );
  });
});

describe('Endpoints validation (core/v1 ValidateEndpoints)', () => {
  it('accepts the docs Endpoints', () => {
    expect(
      messages(endpoints([{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376 }] }])),
    ).toEqual([]);
  });

  it('wants addresses in every subset, valid IPs, ports named when there are several', () => {
    expect(
      messages(
        endpoints([
          { ports: [{ port: 80 }] },
          {
            addresses: [{ ip: 'not-an-ip' }],
            ports: [{ port: 80 }, { name: 'b', port: 0, protocol: 'TCP' }],
          },
        ]),
      ),
    ).toEqual([
      'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
      'subsets[1].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[1].addresses[0].ip: Invalid value: "not-an-ip": must be a valid IP address',
      'subsets[1].ports[0].name: Required value',
      'subsets[1].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
  });

  it('defaults each port’s protocol to TCP', () => {
    const e = applyDefaults(
      endpoints([{ addresses: [{ ip: '192.0.2.42' }], ports: [{ port: 9376 }] }]) as Endpoints,
    );
    expect(e.subsets?.[0]?.ports).toEqual([{ port: 9376, protocol: 'TCP' }]);
  });
});
