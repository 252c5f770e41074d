// The Service variables of pkg/kubelet/envvars, by example. Addresses: 10.96.0.0/12 as in the
// Kubernetes documentation (pure functions, nothing is contacted).
import { describe, expect, it } from 'vitest';
import type { Pod, Service, ServicePort } from '@l4lab/protocol';
import { linkedServices, serviceEnvironment } from './podEnvironment.ts';

function makeService(
  ns: string,
  name: string,
  clusterIP: string,
  ports: ServicePort[] = [{ port: 80, protocol: 'TCP' }],
  mutate?: (s: Service) => void,
): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { clusterIP, ports },
  };
  mutate?.(s);
  return s;
}

function makePod(ns: string, enableServiceLinks?: boolean): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'command-demo', namespace: ns },
    spec: {
      containers: [{ name: 'c', image: 'debian' }],
      ...(enableServiceLinks === undefined ? {} : { enableServiceLinks }),
    },
  };
}

const kubernetes = makeService('default', 'kubernetes', '10.96.0.1', [
  { name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 },
]);

describe('serviceEnvironment', () => {
  it("gives every pod the kubernetes Service's variables, whatever its namespace", () => {
    expect(serviceEnvironment(makePod('dev'), [kubernetes])).toEqual({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    });
  });

  it("links the pod's own namespace's Services only, each port with its protocol", () => {
    const dns = makeService('dev', 'my-dns', '10.96.0.53', [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ]);
    const elsewhere = makeService('prod', 'redis-leader', '10.96.3.4', [{ port: 6379 }]);
    const env = serviceEnvironment(makePod('dev'), [kubernetes, dns, elsewhere]);
    expect(env).toMatchObject({
      MY_DNS_SERVICE_HOST: '10.96.0.53',
      MY_DNS_SERVICE_PORT: '53',
      MY_DNS_SERVICE_PORT_DNS: '53',
      MY_DNS_SERVICE_PORT_DNS_TCP: '53',
      MY_DNS_PORT: 'udp://10.96.0.53:53',
      MY_DNS_PORT_53_UDP: 'udp://10.96.0.53:53',
      MY_DNS_PORT_53_UDP_PROTO: 'udp',
      MY_DNS_PORT_53_TCP_ADDR: '10.96.0.53',
    });
    expect(Object.keys(env).some((k) => k.startsWith('REDIS_LEADER'))).toBe(false);
  });

  it('skips headless and ExternalName Services (no ClusterIP to give)', () => {
    const headless = makeService('dev', 'busybox-subdomain', 'None');
    const external = makeService('dev', 'my-database', '', [{ port: 80 }], (s) => {
      s.spec.type = 'ExternalName';
      delete s.spec.clusterIP;
    });
    const names = linkedServices(makePod('dev'), [headless, external]).map((s) => s.metadata.name);
    expect(names).toEqual([]);
  });

  it('with enableServiceLinks: false, keeps only the kubernetes Service', () => {
    const svc = makeService('default', 'my-nginx', '10.96.0.20');
    const names = linkedServices(makePod('default', false), [svc, kubernetes]).map(
      (s) => s.metadata.name,
    );
    expect(names).toEqual(['kubernetes']);
    expect(
      linkedServices(makePod('default'), [svc, kubernetes]).map((s) => s.metadata.name),
    ).toEqual(['kubernetes', 'my-nginx']);
  });
});
