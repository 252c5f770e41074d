import type { AppState } from '../store/createAppStore.ts';
import { selectServices } from '../store/selectors.ts';

export interface Target {
  /** What the generator is given: a DNS name or an address, with the port. */
  value: string;
  label: string;
  /** The Service port's protocol: a port number can be both TCP and UDP (kube-dns' 53). */
  protocol: 'TCP' | 'UDP';
}

/** The option's key: the address and the protocol. */
export const targetKey = (t: Target): string => `${t.value}/${t.protocol}`;

/** `value\tlabel\tprotocol` strings (plain strings keep the selector's shallow comparison stable). */
export const selectTargets = (s: AppState): string[] =>
  targetsOf(s).map((t) => `${t.value}\t${t.label}\t${t.protocol}`);

export function parseTarget(text: string): Target {
  const [value = '', label = value, protocol] = text.split('\t');
  return { value, label, protocol: protocol === 'UDP' ? 'UDP' : 'TCP' };
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
      const protocol = (p.protocol ?? 'TCP') === 'UDP' ? 'UDP' : 'TCP';
      const proto = protocol === 'UDP' ? ' UDP' : '';
      const list: Target[] = [
        {
          value: `${name}.${ns}.svc.cluster.local:${p.port}`,
          label: `${name}.${ns}:${p.port}${proto}${svc.spec.clusterIP === 'None' ? ' (headless)' : ''}`,
          protocol,
        },
      ];
      if (p.nodePort) {
        for (const n of nodes) {
          list.push({
            value: `${n.ip}:${p.nodePort}`,
            label: `${name} NodePort ${n.name} ${n.ip}:${p.nodePort}${proto}`,
            protocol,
          });
        }
      }
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        list.push({
          value: `${ing.ip}:${p.port}`,
          label: `${name} LoadBalancer ${ing.ip}:${p.port}${proto}`,
          protocol,
        });
      }
      for (const ip of svc.spec.externalIPs ?? []) {
        list.push({
          value: `${ip}:${p.port}`,
          label: `${name} externalIP ${ip}:${p.port}${proto}`,
          protocol,
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
