import type { ConfigMap, DaemonSet, KubeObject } from '@l4lab/protocol';
import { PROXY_HEALTHZ_PORT } from './proxierHealth.ts';
import { PROXY_METRICS_PORT } from './proxyMetrics.ts';

export const KUBE_PROXY_LABELS = { 'k8s-app': 'kube-proxy' };

/** `registry.k8s.io/kube-proxy:v1.32.0`, `kube-proxy`, `.../kube-proxy@sha256:...`. */
export function isKubeProxyImage(image: string): boolean {
  const repo = image.split('@')[0]!.replace(/:[^/:]*$/, '');
  return repo.split('/').pop() === 'kube-proxy';
}

export interface KubeProxyAddonOptions {
  /** `v1.32.0`: the cluster's Kubernetes version, the image's tag. */
  version: string;
  /** The dataplane the lab runs: the kernel's nftables, or l4lab's userspace proxier. */
  dataplane: 'userspace' | 'nftables';
  /** `--proxy-mode`: iptables, ipvs[:scheduler], maglev (userspace dataplane only). */
  proxyMode: string;
  podCIDR: string;
}

/** kube-proxy's `mode` for the lab's: nftables (kernel), else iptables or ipvs (maglev: ipvs). */
export function kubeProxyMode(o: Pick<KubeProxyAddonOptions, 'dataplane' | 'proxyMode'>): string {
  if (o.dataplane === 'nftables' || o.proxyMode === 'nftables') return 'nftables';
  return /^ipvs(:[a-z]+)?$/.test(o.proxyMode) || o.proxyMode === 'maglev' ? 'ipvs' : 'iptables';
}

/** The KubeProxyConfiguration the lab runs with, as kubeadm keeps it in the `kube-proxy` ConfigMap. */
export function kubeProxyConfiguration(o: KubeProxyAddonOptions): string {
  const kernel = o.dataplane === 'nftables';
  const ipvs = /^ipvs(?::([a-z]+))?$/.exec(o.proxyMode);
  const mode = kubeProxyMode(o);
  const lines = [
    "# l4lab: the lab's one kube-proxy serves every node; this is the configuration it was",
    '# started with (`npm start -- --dataplane ... --proxy-mode ...`). Editing it changes nothing:',
    '# start the lab with other flags instead.',
    kernel
      ? "# Dataplane: nftables (kernel): the rules are in the lab's network namespace (`nft list ruleset`)."
      : `# Dataplane: userspace: l4lab's proxier carries each connection and chooses its endpoint as ${o.proxyMode} would.`,
    ...(o.proxyMode === 'maglev'
      ? ['# maglev is not a kube-proxy mode (Cilium has it); the closest kube-proxy has is ipvs.']
      : []),
    'apiVersion: kubeproxy.config.k8s.io/v1alpha1',
    'kind: KubeProxyConfiguration',
    `mode: ${mode}`,
    `clusterCIDR: ${o.podCIDR}`,
    `healthzBindAddress: 0.0.0.0:${PROXY_HEALTHZ_PORT}`,
    `metricsBindAddress: 0.0.0.0:${PROXY_METRICS_PORT}`,
    // maglev has no kube-proxy scheduler to name (kube-proxy refuses IPVS's `mh`).
    ...(ipvs ? ['ipvs:', `  scheduler: ${ipvs[1] ?? 'rr'}`] : []),
    `${mode === 'nftables' ? 'nftables' : 'iptables'}:`,
    `  minSyncPeriod: ${kernel ? '20ms' : '50ms'}`,
    '  syncPeriod: 30s',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * kube-proxy as kubeadm installs it: a ServiceAccount, the `kube-proxy` ConfigMap and the
 * `kube-proxy` DaemonSet in kube-system, one hostNetwork pod per node. In l4lab the pods are the
 * nodes' window on the lab's one proxier: each serves kube-proxy's healthz (10256) and metrics
 * (10249: /metrics, /proxyMode) on its node's address and logs the proxier's syncs. Returned as objects to apply (not yet defaulted).
 */
export function kubeProxyObjects(o: KubeProxyAddonOptions): KubeObject[] {
  const meta = { namespace: 'kube-system', labels: { ...KUBE_PROXY_LABELS } };
  const configMap: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', ...meta },
    data: { 'config.conf': kubeProxyConfiguration(o) },
  };
  const daemonSet: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', ...meta },
    spec: {
      selector: { matchLabels: { ...KUBE_PROXY_LABELS } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { ...KUBE_PROXY_LABELS } },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-proxy',
              image: `registry.k8s.io/kube-proxy:${o.version}`,
              imagePullPolicy: 'IfNotPresent',
              command: [
                '/usr/local/bin/kube-proxy',
                '--config=/var/lib/kube-proxy/config.conf',
                '--hostname-override=$(NODE_NAME)',
                // Its log shows each sync of the rules, which kube-proxy says at verbosity 2.
                '--v=2',
              ],
              env: [
                {
                  name: 'NODE_NAME',
                  valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
                },
              ],
              volumeMounts: [{ name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' }],
            },
          ],
          volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy' } }],
        },
      },
    },
  };
  const serviceAccount: KubeObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'kube-proxy', namespace: 'kube-system' },
  };
  return [serviceAccount, configMap, daemonSet];
}
