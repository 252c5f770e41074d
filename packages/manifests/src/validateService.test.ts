import type { Service, ServicePort } from '@l4lab/protocol';
import { describe, expect, it } from 'vitest';
import { formatFieldError } from './fieldError.ts';
import { validateObject } from './validate.ts';

// Test addresses: service CIDR 10.96.0.0/12, documentation range 192.0.2.0/24 for external IPs.

function makeService(mutate: (s: Service) => void = () => {}): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  };
  mutate(s);
  return s;
}

/** Writes fields the protocol types do not allow, as a user's YAML can. */
function loose(target: object, fields: Record<string, unknown>): void {
  Object.assign(target, fields);
}

const messages = (s: unknown): string[] => validateObject(s).map(formatFieldError);

describe('Service validation', () => {
  it('accepts a plain ClusterIP Service', () => {
    expect(messages(makeService())).toEqual([]);
  });

  it('rejects a name that is not a DNS-1035 label', () => {
    expect(messages(makeService((s) => (s.metadata.name = '1web')))).toEqual([
      'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric ' +
        "characters or '-', start with an alphabetic character, and end with an alphanumeric character " +
        "(e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
    expect(messages(makeService((s) => (s.metadata.name = '')))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  it('defaults a missing spec before validating it, as Go does', () => {
    expect(messages({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } })).toEqual([
      'spec.ports: Required value',
    ]);
  });

  it('requires ports, except for headless and ExternalName Services', () => {
    expect(messages(makeService((s) => delete s.spec.ports))).toEqual([
      'spec.ports: Required value',
    ]);
    expect(messages(makeService((s) => (s.spec.ports = [])))).toEqual([
      'spec.ports: Required value',
    ]);
    const headless = makeService((s) => {
      delete s.spec.ports;
      s.spec.clusterIP = 'None';
    });
    expect(messages(headless)).toEqual([]);
    const external = makeService((s) => {
      delete s.spec.ports;
      delete s.spec.selector;
      s.spec.type = 'ExternalName';
      s.spec.externalName = 'example.com.';
    });
    expect(messages(external)).toEqual([]);
  });

  it('checks port, targetPort and protocol', () => {
    const s = makeService((s) => {
      s.spec.ports = [{ port: 0 }];
      loose(s.spec.ports[0] as ServicePort, { protocol: 'HTTP' });
    });
    expect(messages(s)).toEqual([
      'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ]);
    const big = makeService((s) => (s.spec.ports = [{ port: 80, targetPort: 70000 }]));
    expect(messages(big)).toEqual([
      'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ]);
    const named = makeService((s) => (s.spec.ports = [{ port: 80, targetPort: 'http-web' }]));
    expect(messages(named)).toEqual([]);
    const badName = makeService((s) => (s.spec.ports = [{ port: 80, targetPort: '8080' }]));
    expect(messages(badName)).toEqual([
      'spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)',
    ]);
  });

  it('requires unique DNS-1123 port names when there are several ports', () => {
    const s = makeService(
      (s) =>
        (s.spec.ports = [
          { name: 'http', port: 80 },
          { port: 443 },
          { name: 'http', port: 8080 },
          { name: 'Web', port: 8081 },
        ]),
    );
    expect(messages(s)).toEqual([
      'spec.ports[1].name: Required value',
      'spec.ports[2].name: Duplicate value: "http"',
      'spec.ports[3].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case ' +
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. " +
        "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('rejects duplicate (protocol, port) pairs but allows TCP and UDP on one port', () => {
    const dup = makeService(
      (s) =>
        (s.spec.ports = [
          { name: 'a', port: 53 },
          { name: 'b', port: 53, protocol: 'UDP' },
          { name: 'c', port: 53, protocol: 'TCP' },
        ]),
    );
    expect(messages(dup)).toEqual([
      'spec.ports[2]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", ' +
        'AppProtocol:(*string)(nil), Port:53, TargetPort:intstr.IntOrString{Type:0, IntVal:0, ' +
        'StrVal:""}, NodePort:0}',
    ]);
  });

  it('checks nodePorts: range, ClusterIP, duplicates', () => {
    const low = makeService((s) => {
      s.spec.type = 'NodePort';
      s.spec.ports = [{ port: 80, nodePort: 80 }];
    });
    expect(messages(low)).toEqual([
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range ' +
        'of valid ports is 30000-32767',
    ]);
    const clusterIP = makeService((s) => (s.spec.ports = [{ port: 80, nodePort: 30080 }]));
    expect(messages(clusterIP)).toEqual([
      "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    const dup = makeService((s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.ports = [
        { name: 'a', port: 80, nodePort: 30080 },
        { name: 'b', port: 81, nodePort: 30080 },
      ];
    });
    expect(messages(dup)).toEqual(['spec.ports[1].nodePort: Duplicate value: 30080']);
  });

  it('rejects clusterIP None for NodePort and LoadBalancer', () => {
    const s = makeService((s) => {
      s.spec.type = 'NodePort';
      s.spec.clusterIP = 'None';
    });
    expect(messages(s)).toEqual([
      'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services',
    ]);
    const lb = makeService((s) => {
      s.spec.type = 'LoadBalancer';
      s.spec.clusterIP = 'None';
    });
    expect(messages(lb)).toEqual([
      'spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for LoadBalancer services',
    ]);
  });

  it('checks clusterIP and clusterIPs', () => {
    expect(messages(makeService((s) => (s.spec.clusterIP = '10.96.0.300')))).toEqual([
      'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    ]);
    const mismatch = makeService((s) => {
      s.spec.clusterIP = '10.96.0.20';
      s.spec.clusterIPs = ['10.96.0.21'];
    });
    expect(messages(mismatch)).toEqual([
      'spec.clusterIPs: Invalid value: []string{"10.96.0.21"}: first value must match `clusterIP`',
    ]);
  });

  it('requires a valid externalName for ExternalName Services', () => {
    const missing = makeService((s) => (s.spec.type = 'ExternalName'));
    expect(messages(missing)).toEqual(['spec.externalName: Required value']);
    const bad = makeService((s) => {
      s.spec.type = 'ExternalName';
      s.spec.externalName = 'Not_A_Host';
    });
    expect(messages(bad)[0]).toMatch(
      /^spec\.externalName: Invalid value: "Not_A_Host": a lowercase RFC 1123 subdomain must consist/,
    );
    const withIP = makeService((s) => {
      s.spec.type = 'ExternalName';
      s.spec.externalName = 'db.example.com';
      s.spec.clusterIP = '10.96.0.9';
    });
    expect(messages(withIP)).toEqual([
      'spec.clusterIPs: Forbidden: may not be set for ExternalName services',
    ]);
  });

  it('checks the type', () => {
    const s = makeService((s) => loose(s.spec, { type: 'Ingress' }));
    expect(messages(s)).toContain(
      'spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", ' +
        '"LoadBalancer", "NodePort"',
    );
  });

  it('checks sessionAffinity and its timeout', () => {
    const bad = makeService((s) => loose(s.spec, { sessionAffinity: 'Cookie' }));
    expect(messages(bad)).toEqual([
      'spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"',
    ]);
    for (const timeoutSeconds of [0, 86401]) {
      const s = makeService((s) => {
        s.spec.sessionAffinity = 'ClientIP';
        s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds } };
      });
      expect(messages(s)).toEqual([
        `spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: ${timeoutSeconds}: must be ` +
          'greater than 0 and less than 86400',
      ]);
    }
    const ok = makeService((s) => {
      s.spec.sessionAffinity = 'ClientIP';
      s.spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 86400 } };
    });
    expect(messages(ok)).toEqual([]);
  });

  it('allows externalTrafficPolicy only on externally-accessible Services', () => {
    const s = makeService((s) => (s.spec.externalTrafficPolicy = 'Local'));
    expect(messages(s)).toEqual([
      'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
    ]);
    const nodePort = makeService((s) => {
      s.spec.type = 'NodePort';
      s.spec.externalTrafficPolicy = 'Local';
    });
    expect(messages(nodePort)).toEqual([]);
    const withExternalIP = makeService((s) => {
      s.spec.externalIPs = ['192.0.2.10'];
      s.spec.externalTrafficPolicy = 'Local';
    });
    expect(messages(withExternalIP)).toEqual([]);
    const bad = makeService((s) => {
      s.spec.type = 'NodePort';
      loose(s.spec, { externalTrafficPolicy: 'Global' });
    });
    expect(messages(bad)).toEqual([
      'spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"',
    ]);
  });

  it('checks internalTrafficPolicy, externalIPs and LoadBalancer-only fields', () => {
    const itp = makeService((s) => loose(s.spec, { internalTrafficPolicy: 'Node' }));
    expect(messages(itp)).toEqual([
      'spec.internalTrafficPolicy: Unsupported value: "Node": supported values: "Cluster", "Local"',
    ]);
    const loopback = makeService((s) => (s.spec.externalIPs = ['127.0.0.1']));
    expect(messages(loopback)).toEqual([
      'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128); in l4lab, use another 127.x.y.z address',
    ]);
    const ranges = makeService((s) => loose(s.spec, { loadBalancerSourceRanges: ['10.0.0.0/8'] }));
    expect(messages(ranges)).toEqual([
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
    ]);
  });

  it('checks selector labels', () => {
    const s = makeService((s) => (s.spec.selector = { app: 'not ok' }));
    expect(messages(s)[0]).toMatch(
      /^spec\.selector: Invalid value: "not ok": a valid label must be an empty string or consist of/,
    );
  });
});
