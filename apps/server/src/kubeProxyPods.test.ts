import { describe, expect, it } from 'vitest';
import { kubeProxyObjects } from '@l4lab/dataplane';
import { applyDefaults, parseManifests, validateObject } from '@l4lab/manifests';
import type { ConfigMap, DaemonSet } from '@l4lab/protocol';
import { goDuration, klogLine } from './kubeProxyPods.ts';

const base = { version: 'v1.32.0', podCIDR: '127.244.0.0/16' };

function configOf(dataplane: 'userspace' | 'nftables', proxyMode: string): Record<string, unknown> {
  const cm = kubeProxyObjects({ ...base, dataplane, proxyMode }).find(
    (o): o is ConfigMap => o.kind === 'ConfigMap',
  )!;
  const { documents, errors } = parseManifests(cm.data!['config.conf']!);
  expect(errors).toEqual([]);
  return documents[0]!.value as Record<string, unknown>;
}

describe("kube-proxy's add-on (as kubeadm installs it)", () => {
  it('is a ServiceAccount, a ConfigMap and a hostNetwork DaemonSet that validate', () => {
    const objects = kubeProxyObjects({ ...base, dataplane: 'userspace', proxyMode: 'iptables' });
    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/kube-system/kube-proxy',
      'ConfigMap/kube-system/kube-proxy',
      'DaemonSet/kube-system/kube-proxy',
    ]);
    for (const o of objects) expect(validateObject(applyDefaults(o))).toEqual([]);
    const ds = objects.find((o): o is DaemonSet => o.kind === 'DaemonSet')!;
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]); // every node, tainted or not
    expect(pod.containers[0]!.image).toBe('registry.k8s.io/kube-proxy:v1.32.0');
  });

  it("says the lab's mode in its configuration, and what serves it", () => {
    expect(configOf('nftables', 'iptables')).toMatchObject({
      kind: 'KubeProxyConfiguration',
      mode: 'nftables',
      clusterCIDR: '127.244.0.0/16',
      healthzBindAddress: '0.0.0.0:10256',
      metricsBindAddress: '0.0.0.0:10249',
      nftables: { minSyncPeriod: '20ms', syncPeriod: '30s' },
    });
    expect(configOf('userspace', 'iptables')).toMatchObject({ mode: 'iptables' });
    expect(configOf('userspace', 'ipvs:lc')).toMatchObject({
      mode: 'ipvs',
      ipvs: { scheduler: 'lc' },
    });
    expect(configOf('userspace', 'ipvs')).toMatchObject({ ipvs: { scheduler: 'rr' } });
    const cm = kubeProxyObjects({
      ...base,
      dataplane: 'userspace',
      proxyMode: 'maglev',
    })[1] as ConfigMap;
    expect(cm.data!['config.conf']).toContain('maglev is not a kube-proxy mode');
  });
});

describe("kube-proxy pods' log", () => {
  it("writes klog's header and structured pairs", () => {
    const at = Date.parse('2026-12-07T03:40:05.123Z');
    const line = klogLine(at, 'userspaceProxier.ts', 'SyncProxyRules complete', {
      elapsed: '12ms',
      endpoints: 3,
    });
    expect(line).toBe(
      `I1207 03:40:05.123000 ${String(process.pid).padStart(7)} userspaceProxier.ts] "SyncProxyRules complete" elapsed="12ms" endpoints=3`,
    );
  });

  it("writes durations as Go's time.Duration does", () => {
    expect(goDuration(12)).toBe('12ms');
    expect(goDuration(0.5)).toBe('500µs');
    expect(goDuration(1234)).toBe('1.234s');
    expect(goDuration(61_000)).toBe('1m1s');
  });
});
