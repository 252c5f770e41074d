import type { Cluster } from '@l4lab/cluster';

const ZONE = 'svc.cluster.local';

/**
 * The cluster DNS view used by the traffic generator until packages/dns exists: a Service name
 * resolved like a pod in `namespace` would (search path `<ns>.svc.cluster.local svc.cluster.local
 * cluster.local`), to its ClusterIP. ExternalName CNAMEs are followed inside the cluster zone.
 */
export function resolveServiceName(
  cluster: Cluster,
  name: string,
  namespace: string,
  depth = 0,
): string | undefined {
  const n = name.replace(/\.$/, '').toLowerCase();
  const candidates = n.endsWith(`.${ZONE}`)
    ? [n]
    : [`${n}.${namespace}.${ZONE}`, `${n}.${ZONE}`, `${n}.cluster.local`, n];
  for (const fqdn of candidates) {
    const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(fqdn);
    if (!m) continue;
    const svc = cluster.store.get('Service', m[2], m[1]!);
    if (!svc) continue;
    if (svc.spec.type === 'ExternalName' && svc.spec.externalName && depth < 8) {
      return resolveServiceName(cluster, svc.spec.externalName, namespace, depth + 1);
    }
    const ip = svc.spec.clusterIP;
    if (ip && ip !== 'None') return ip;
  }
  return undefined;
}
