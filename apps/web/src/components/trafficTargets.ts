import type { AppState } from '../store/createAppStore.ts';
import { selectServices } from '../store/selectors.ts';

export interface Target {
  value: string;
  label: string;
}

/** `value\tlabel` strings (plain strings keep the shallow comparison of the selector stable). */
export const selectTargets = (s: AppState): string[] =>
  targetsOf(s).map((t) => `${t.value}\t${t.label}`);

export function parseTarget(text: string): Target {
  const [value = '', label = value] = text.split('\t');
  return { value, label };
}

/** Every address of every visible Service: DNS name (ClusterIP), NodePorts, LB IPs, externalIPs. */
function targetsOf(s: AppState): Target[] {
  const nodes = [...s.cluster.nodes.values()]
    .map((n) => ({
      name: n.metadata.name,
      ip: n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '',
    }))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  return selectServices(s).flatMap((svc) => {
    const ns = svc.metadata.namespace ?? 'default';
    if (svc.spec.type === 'ExternalName' || (!s.showSystem && ns === 'kube-system')) return [];
    const name = svc.metadata.name;
    return (svc.spec.ports ?? []).flatMap((p) => {
      const proto = (p.protocol ?? 'TCP') === 'UDP' ? ' UDP' : '';
      const list: Target[] = [
        {
          value: `${name}.${ns}.svc.cluster.local:${p.port}`,
          label: `${name}.${ns}:${p.port}${proto}${svc.spec.clusterIP === 'None' ? ' (headless)' : ''}`,
        },
      ];
      if (p.nodePort) {
        for (const n of nodes) {
          list.push({
            value: `${n.ip}:${p.nodePort}`,
            label: `${name} NodePort ${n.name} ${n.ip}:${p.nodePort}${proto}`,
          });
        }
      }
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        list.push({
          value: `${ing.ip}:${p.port}`,
          label: `${name} LoadBalancer ${ing.ip}:${p.port}${proto}`,
        });
      }
      for (const ip of svc.spec.externalIPs ?? []) {
        list.push({
          value: `${ip}:${p.port}`,
          label: `${name} externalIP ${ip}:${p.port}${proto}`,
        });
      }
      return list;
    });
  });
}

/** Pods traffic can leave from (`pod:<ns>/<name>`), running ones only. */
export const selectSources = (s: AppState): string[] =>
  [...s.cluster.pods.values()]
    .filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp)
    .filter((p) => s.showSystem || p.metadata.namespace !== 'kube-system')
    .map((p) => `pod:${p.metadata.namespace ?? 'default'}/${p.metadata.name}`)
    .sort();
