import type { Deployment, Service } from '@l4lab/protocol';

export const COREDNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';
export const KUBE_DNS_LABELS = { 'k8s-app': 'kube-dns' };

/**
 * The cluster DNS add-on as kubeadm installs it: the `kube-dns` Service in `kube-system` at the
 * plan's fixed DNS address (53/UDP, 53/TCP, metrics 9153) in front of a 2-replica `coredns`
 * Deployment. Returned as objects to apply (not yet defaulted).
 */
export function kubeDnsObjects(dnsServiceIP: string): { service: Service; deployment: Deployment } {
  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP' as const },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
    { name: 'metrics', port: 9153, protocol: 'TCP' as const },
  ];
  const service: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: {
        ...KUBE_DNS_LABELS,
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: dnsServiceIP,
      clusterIPs: [dnsServiceIP],
      selector: { ...KUBE_DNS_LABELS },
      ports: ports.map((p) => ({ ...p, targetPort: p.port })),
    },
  };
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { ...KUBE_DNS_LABELS } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...KUBE_DNS_LABELS } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...KUBE_DNS_LABELS } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          containers: [
            {
              name: 'coredns',
              image: COREDNS_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: ['-conf', '/etc/coredns/Corefile'],
              // kubeadm's CoreDNS: what `kubectl describe node` counts on a node running one.
              resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } },
              ports: ports.map((p) => ({
                name: p.name,
                containerPort: p.port,
                protocol: p.protocol,
              })),
            },
          ],
        },
      },
    },
  };
  return { service, deployment };
}
