import type {
  Endpoint,
  EndpointAddress,
  Endpoints,
  EndpointSlice,
  EndpointSubset,
  WatchEvent,
} from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, splitKey } from './types.ts';
import { randomSuffix } from '../names.ts';
import {
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  slicesManagedBy,
} from './endpointSliceController.ts';
import { portMapKey, slicePrefix, type SlicePort } from './endpointSlicePlan.ts';

/** The managed-by value of the slices this controller writes. */
export const MIRRORING_MANAGED_BY = 'endpointslicemirroring-controller.k8s.io';
/** An Endpoints with this label set to "true" is not mirrored. */
const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
/** Annotations of the Endpoints not copied to its slices. */
const NOT_COPIED = new Set([
  'endpoints.kubernetes.io/last-change-trigger-time',
  'kubectl.kubernetes.io/last-applied-configuration',
]);
/** --mirroring-max-endpoints-per-subset, the kube-controller-manager default. */
const MAX_ENDPOINTS_PER_SUBSET = 1000;

interface MirroredSlice {
  addressType: 'IPv4' | 'IPv6';
  ports: SlicePort[];
  endpoints: Endpoint[];
}

/**
 * The EndpointSlice mirroring controller: for each v1 Endpoints a user wrote for a Service that
 * exists and has no selector, EndpointSlices with the same addresses (ready or not) and ports,
 * one per address type and set of ports, labelled with the Service's name and managed by this
 * controller; gone when the Endpoints, or the Service, goes or the Service gets a selector.
 */
export class EndpointSliceMirroringController implements Controller {
  readonly name = 'endpointslicemirroring';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    const ns = o.metadata.namespace ?? 'default';
    if (o.kind === 'Endpoints' || o.kind === 'Service') return [`${ns}/${o.metadata.name}`];
    if (
      o.kind === 'EndpointSlice' &&
      o.metadata.labels?.[MANAGED_BY_LABEL] === MIRRORING_MANAGED_BY
    ) {
      const svc = o.metadata.labels[SERVICE_NAME_LABEL];
      return svc ? [`${ns}/${svc}`] : [];
    }
    return [];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const endpoints = store.get('Endpoints', ns, name);
    const svc = store.get('Service', ns, name);
    const existing = slicesManagedBy(store, ns, name, MIRRORING_MANAGED_BY);
    const mirrored =
      endpoints &&
      svc &&
      svc.spec.selector === undefined &&
      endpoints.metadata.labels?.[SKIP_MIRROR_LABEL] !== 'true';
    const desired = mirrored ? mirroredSlices(endpoints) : [];
    const unused = new Map(existing.map((s) => [contentKey(s), s]));
    for (const want of desired) {
      // The slice of these ports, else one of the address type being let go (its name reused).
      const current =
        unused.get(contentKey(want)) ??
        [...unused.values()].find((s) => s.addressType === want.addressType);
      if (current) unused.delete(contentKey(current));
      const next = this.#slice(endpoints!, want, current);
      if (!current || JSON.stringify(comparable(current)) !== JSON.stringify(comparable(next)))
        store.put(next);
    }
    for (const s of unused.values()) store.remove('EndpointSlice', ns, s.metadata.name);
  }

  #slice(ep: Endpoints, content: MirroredSlice, current: EndpointSlice | undefined): EndpointSlice {
    const ns = ep.metadata.namespace ?? 'default';
    const annotations = Object.fromEntries(
      Object.entries(ep.metadata.annotations ?? {}).filter(([k]) => !NOT_COPIED.has(k)),
    );
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...(current?.metadata ?? {
          uid: this.#ctx.newUid(),
          creationTimestamp: this.#ctx.nowIso(),
        }),
        name: current?.metadata.name ?? this.#newName(ns, ep.metadata.name),
        namespace: ns,
        generateName: slicePrefix(ep.metadata.name),
        labels: {
          ...(ep.metadata.labels ?? {}),
          [SERVICE_NAME_LABEL]: ep.metadata.name,
          [MANAGED_BY_LABEL]: MIRRORING_MANAGED_BY,
        },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        ownerReferences: [controllerRef(ep)],
      },
      addressType: content.addressType,
      endpoints: content.endpoints,
      ports: content.ports,
    };
  }

  #newName(ns: string, endpoints: string): string {
    for (;;) {
      const name = `${slicePrefix(endpoints)}${randomSuffix(5, this.#ctx.random)}`;
      if (!this.#ctx.store.get('EndpointSlice', ns, name)) return name;
    }
  }
}

/**
 * The slices an Endpoints mirrors to: its subsets grouped by address type and set of ports, at
 * most 1000 addresses per subset (the rest is left out, as the controller does).
 */
export function mirroredSlices(ep: Endpoints): MirroredSlice[] {
  const groups = new Map<string, MirroredSlice>();
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset);
    const addresses = [
      ...(subset.addresses ?? []).map((a) => [a, true] as const),
      ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const),
    ].slice(0, MAX_ENDPOINTS_PER_SUBSET);
    for (const [address, ready] of addresses) {
      const addressType = address.ip.includes(':') ? 'IPv6' : 'IPv4';
      const k = `${addressType}|${portMapKey(ports)}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { addressType, ports, endpoints: [] }));
      g.endpoints.push(addressToEndpoint(address, ready));
    }
  }
  return [...groups.values()];
}

function slicePorts(subset: EndpointSubset): SlicePort[] {
  return (subset.ports ?? []).map((p) => ({
    name: p.name ?? '',
    port: p.port,
    protocol: p.protocol ?? 'TCP',
    ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}),
  }));
}

/** addressToEndpoint: only `ready` is set among the conditions. */
function addressToEndpoint(a: EndpointAddress, ready: boolean): Endpoint {
  const ref = a.targetRef;
  return {
    addresses: [a.ip],
    conditions: { ready },
    ...(a.hostname ? { hostname: a.hostname } : {}),
    ...(a.nodeName ? { nodeName: a.nodeName } : {}),
    ...(ref?.kind === 'Pod' && ref.name
      ? {
          targetRef: {
            kind: 'Pod' as const,
            namespace: ref.namespace ?? '',
            name: ref.name,
            uid: ref.uid ?? '',
          },
        }
      : {}),
  };
}

const contentKey = (s: Pick<EndpointSlice, 'addressType' | 'ports'>) =>
  `${s.addressType}|${portMapKey(s.ports)}`;

/** What a write would change: the slice without what the store stamps. */
function comparable(s: EndpointSlice) {
  const { resourceVersion: _rv, ...metadata } = s.metadata;
  return { ...s, metadata };
}
