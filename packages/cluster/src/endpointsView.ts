// v1 Endpoints as the API serves them. l4lab stores only the Endpoints users write (for Services
// without a selector); for every other Service that has endpoints it shows what the endpoints
// controller would write, derived from the Service's EndpointSlices. A stored one wins.
import type {
  EndpointAddress,
  Endpoints,
  EndpointSlice,
  EndpointSubset,
  KubeKind,
  Service,
} from '@l4lab/protocol';
import { endpointConditions } from '@l4lab/protocol';
import { hasEndpoints } from './controllers/kubernetesServiceController.ts';
import { SERVICE_NAME_LABEL } from './controllers/endpointSliceController.ts';
import type { ObjectOf } from './store.ts';

/** What the view reads: objects of a kind, in a namespace or in all. */
export interface ObjectLister {
  list<K extends KubeKind>(kind: K, namespace?: string): ObjectOf<K>[];
}

/** The Endpoints of a namespace (every namespace when undefined), stored and derived, by name. */
export function listEndpoints(source: ObjectLister, namespace?: string): Endpoints[] {
  const stored = source.list('Endpoints', namespace);
  const storedKeys = new Set(stored.map(key));
  const slices = groupSlices(source.list('EndpointSlice', namespace));
  const derived = source
    .list('Service', namespace)
    .filter((svc) => hasEndpoints(svc) && !storedKeys.has(key(svc)))
    .map((svc) => derivedEndpoints(svc, slices.get(key(svc)) ?? []));
  return [...stored, ...derived].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The Endpoints of one Service name, stored or derived; undefined when it has none. */
export function endpointsFor(
  source: ObjectLister,
  namespace: string,
  name: string,
): Endpoints | undefined {
  const stored = source.list('Endpoints', namespace).find((e) => e.metadata.name === name);
  if (stored) return stored;
  const svc = source.list('Service', namespace).find((s) => s.metadata.name === name);
  if (!svc || !hasEndpoints(svc)) return undefined;
  const slices = source
    .list('EndpointSlice', namespace)
    .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
  return derivedEndpoints(svc, slices);
}

/**
 * What the endpoints controller writes for a Service, from its slices: ready addresses and the
 * others, with the slice's ports. A slice without ports of a Service that has ports lists pods
 * serving none of them: no endpoints.
 */
export function derivedEndpoints(svc: Service, slices: readonly EndpointSlice[]): Endpoints {
  const ported = (svc.spec.ports ?? []).length > 0;
  const subsets = slices
    .filter((s) => s.addressType === 'IPv4' && (!ported || s.ports.length > 0))
    .map(subsetOf)
    .filter((s) => s.addresses || s.notReadyAddresses);
  const ns = svc.metadata.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name,
      namespace: ns,
      ...(svc.metadata.labels ? { labels: svc.metadata.labels } : {}),
      ...(svc.metadata.creationTimestamp
        ? { creationTimestamp: svc.metadata.creationTimestamp }
        : {}),
    },
    ...(subsets.length ? { subsets } : {}),
  };
}

function subsetOf(slice: EndpointSlice): EndpointSubset {
  const ready = slice.endpoints.filter((e) => endpointConditions(e).ready);
  const notReady = slice.endpoints.filter((e) => !endpointConditions(e).ready);
  const address = (e: EndpointSlice['endpoints'][number]): EndpointAddress => ({
    ip: e.addresses[0]!,
    ...(e.hostname ? { hostname: e.hostname } : {}),
    ...(e.nodeName ? { nodeName: e.nodeName } : {}),
    ...(e.targetRef ? { targetRef: e.targetRef } : {}),
  });
  return {
    ...(ready.length ? { addresses: ready.map(address) } : {}),
    ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
    ports: slice.ports.map(({ name, port, protocol }) => ({
      ...(name ? { name } : {}),
      port,
      protocol,
    })),
  };
}

function groupSlices(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const out = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const service = s.metadata.labels?.[SERVICE_NAME_LABEL];
    if (service === undefined) continue;
    const k = `${s.metadata.namespace ?? ''}/${service}`;
    out.set(k, [...(out.get(k) ?? []), s]);
  }
  return out;
}

const key = (o: { metadata: { namespace?: string; name: string } }) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
