// The kubelet-managed /etc/hosts and /etc/resolv.conf, against the Kubernetes documentation's
// examples (hostaliases-pod.yaml, custom-dns.yaml). Addresses: 10.96.0.10 as kube-dns and pod
// IPs 10.244.x as in the documentation (pure functions, nothing is contacted).
import { describe, expect, it } from 'vitest';
import type { Pod, PodSpec } from '@l4lab/protocol';
import {
  managedHostsFile,
  podDNSConfig,
  podNetworkFiles,
  resolvConfText,
  resolverOf,
} from './podNetworkFiles.ts';

const CLUSTER = { clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local' };

function makePod(name: string, spec: Partial<PodSpec> = {}, ns = 'default'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'c', image: 'busybox:1.28' }], ...spec },
  };
}

const resolvConf = (pod: Pod) => resolvConfText(podDNSConfig(pod, CLUSTER));

describe('managedHostsFile', () => {
  it("writes the docs' hostaliases-pod /etc/hosts: header, localhost, the pod, its aliases", () => {
    const pod = makePod('hostaliases-pod', {
      hostAliases: [
        { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
        { ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] },
      ],
    });
    expect(managedHostsFile(pod, ['10.244.1.5'], 'cluster.local')).toBe(
      [
        '# Kubernetes-managed hosts file.',
        '127.0.0.1\tlocalhost',
        '::1\tlocalhost ip6-localhost ip6-loopback',
        'fe00::0\tip6-localnet',
        'fe00::0\tip6-mcastprefix',
        'fe00::1\tip6-allnodes',
        'fe00::2\tip6-allrouters',
        '10.244.1.5\thostaliases-pod',
        '',
        '# Entries added by HostAliases.',
        '127.0.0.1\tfoo.local\tbar.local',
        '10.1.2.3\tfoo.remote\tbar.remote',
        '',
      ].join('\n'),
    );
  });

  it('names the pod by hostname and subdomain when it has them (its FQDN first)', () => {
    const pod = makePod(
      'busybox1',
      { hostname: 'busybox-1', subdomain: 'busybox-subdomain' },
      'ns1',
    );
    expect(managedHostsFile(pod, ['10.244.2.7'], 'cluster.local')).toMatch(
      /\n10\.244\.2\.7\tbusybox-1\.busybox-subdomain\.ns1\.svc\.cluster\.local\tbusybox-1\n$/,
    );
  });
});

describe('podDNSConfig and resolv.conf', () => {
  it('ClusterFirst (the default): kube-dns, the namespace search path, ndots:5', () => {
    expect(resolvConf(makePod('web', {}, 'dev'))).toBe(
      'search dev.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });

  it("dnsPolicy None: only the pod's dnsConfig (the docs' custom-dns.yaml)", () => {
    const pod = makePod('dns-example', {
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['192.0.2.1'],
        searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    expect(resolvConf(pod)).toBe(
      'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n',
    );
    expect(resolverOf(podDNSConfig(pod, CLUSTER))).toEqual({
      nameserver: '192.0.2.1',
      searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
      ndots: 2,
    });
  });

  it("ClusterFirst with dnsConfig: appended, duplicates dropped, an option's value replaced", () => {
    const pod = makePod('web', {
      dnsConfig: {
        nameservers: ['10.96.0.10', '10.96.0.11'],
        searches: ['svc.cluster.local', 'example.org'],
        options: [{ name: 'ndots', value: '1' }, { name: 'single-request' }],
      },
    });
    expect(resolvConf(pod)).toBe(
      'search default.svc.cluster.local svc.cluster.local cluster.local example.org\n' +
        'nameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:1 single-request\n',
    );
  });

  it('keeps at most 3 nameservers, as the kubelet does', () => {
    const pod = makePod('web', {
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] },
    });
    expect(podDNSConfig(pod, CLUSTER).servers).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it("Default, and ClusterFirst on the host network: the node's resolver (none of its own)", () => {
    for (const spec of [{ dnsPolicy: 'Default' as const }, { hostNetwork: true }]) {
      expect(resolvConf(makePod('web', spec))).toBe('search .\nnameserver 127.0.0.1\n');
    }
    const withHostNet = makePod('web', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    expect(podDNSConfig(withHostNet, CLUSTER).servers).toEqual(['10.96.0.10']);
  });
});

describe('podNetworkFiles', () => {
  it("mounts /etc/hosts, /etc/resolv.conf, /etc/hostname and the service account's namespace", () => {
    const files = podNetworkFiles(makePod('myapp-pod', {}, 'dev'), '10.244.0.9', CLUSTER);
    expect(Object.keys(files).sort()).toEqual([
      '/etc/hostname',
      '/etc/hosts',
      '/etc/resolv.conf',
      '/var/run/secrets/kubernetes.io/serviceaccount/namespace',
    ]);
    expect(files['/var/run/secrets/kubernetes.io/serviceaccount/namespace']).toBe('dev');
    const opted = makePod('p', { automountServiceAccountToken: false });
    expect(Object.keys(podNetworkFiles(opted, '10.244.0.9', CLUSTER))).not.toContain(
      '/var/run/secrets/kubernetes.io/serviceaccount/namespace',
    );
  });

  it("names a pod on the host network after its node (the node's hostname), whatever spec.hostname says", () => {
    const pod = makePod('debugger', { hostNetwork: true, nodeName: 'node-1', hostname: 'x' });
    expect(podNetworkFiles(pod, '192.0.2.1', CLUSTER)['/etc/hostname']).toBe('node-1\n');
    expect(podNetworkFiles(makePod('web'), '10.244.0.9', CLUSTER)['/etc/hostname']).toBe('web\n');
  });
});
