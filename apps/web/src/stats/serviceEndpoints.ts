import { endpointConditions } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';

/** `ready`: in the Service's EndpointSlices and ready, so kube-proxy may pick it now. */
export type EndpointState = 'ready' | 'not-ready';

/**
 * The pods behind a Service (`ns/name`) now, keyed `ns/pod`: the endpoints of its EndpointSlices,
 * and the pods its selector matches (listed as not ready until they are ready endpoints).
 */
export function serviceEndpoints(
  cluster: ClusterMirror,
  service: string,
): Map<string, EndpointState> {
  const ns = service.split('/')[0] ?? '';
  const out = sliceEndpoints(cluster, service);
  const selector = Object.entries(cluster.services.get(service)?.spec.selector ?? {});
  if (selector.length === 0) return out;
  for (const p of cluster.pods.values()) {
    if (p.metadata.namespace !== ns) continue;
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    if (!selector.every(([k, v]) => p.metadata.labels?.[k] === v)) continue;
    const key = `${ns}/${p.metadata.name}`;
    if (!out.has(key)) out.set(key, 'not-ready');
  }
  return out;
}

/** The endpoints of the Service's EndpointSlices (those naming a pod). */
function sliceEndpoints(cluster: ClusterMirror, service: string): Map<string, EndpointState> {
  const [ns = '', name = ''] = service.split('/');
  const out = new Map<string, EndpointState>();
  for (const s of cluster.endpointSlices.values()) {
    if (s.metadata.namespace !== ns || s.metadata.labels?.['kubernetes.io/service-name'] !== name)
      continue;
    for (const ep of s.endpoints) {
      if (!ep.targetRef) continue;
      const key = `${ep.targetRef.namespace || ns}/${ep.targetRef.name}`;
      if (endpointConditions(ep).ready) out.set(key, 'ready');
      else if (!out.has(key)) out.set(key, 'not-ready');
    }
  }
  return out;
}

/** The Service's ready endpoints as one comparable string (sorted, comma-joined). */
export function readySetKey(cluster: ClusterMirror, service: string): string {
  return [...sliceEndpoints(cluster, service)]
    .filter(([, state]) => state === 'ready')
    .map(([key]) => key)
    .sort()
    .join(',');
}
