// What the EndpointSlice controller wants for one Service (pkg/controller/endpointslice and
// staging/src/k8s.io/endpointslice reconciler.go, utils.go), as pure functions over objects.
import type { Endpoint, EndpointSlice, Pod, Service } from '@l4lab/protocol';

export type SlicePort = EndpointSlice['ports'][number];

/** maxEndpointsPerSlice, the kube-controller-manager default (--max-endpoints-per-slice). */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** Resolves a Service port's targetPort for one pod: a number as is, a name via containerPorts. */
export function resolveTargetPort(
  pod: Pod,
  targetPort: number | string,
  protocol: string,
): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) {
      if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** getEndpointPorts: the Service's ports this pod serves; a name the pod lacks is left out. */
export function endpointPorts(svc: Service, pod: Pod): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of svc.spec.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    const port = resolveTargetPort(pod, sp.targetPort ?? sp.port, protocol);
    if (port !== undefined) out.push({ name: sp.name ?? '', port, protocol });
  }
  return out;
}

/** NewPortMapKey: slices group endpoints whose ports are the same set, whatever their order. */
export function portMapKey(ports: readonly SlicePort[]): string {
  return ports
    .map((p) => `${p.name}/${p.protocol}/${p.port}`)
    .sort()
    .join(',');
}

/** ShouldPodBeInEndpoints with terminating pods included, as the EndpointSlice controller calls it. */
export function shouldPodBeInEndpoints(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return Boolean(pod.status?.podIP) && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The zone of a node (its `topology.kubernetes.io/zone` label), when it has one. */
export type ZoneOf = (node: string) => string | undefined;

/**
 * podToEndpoint: serving = Ready, terminating = deletionTimestamp set; the node's name and zone.
 * No hints: those are the topology step's (endpointSliceHints.ts).
 */
export function podToEndpoint(
  svc: Service,
  pod: Pod,
  isReady: (p: Pod) => boolean,
  zoneOf: ZoneOf = () => undefined,
): Endpoint {
  const zone = pod.spec.nodeName ? zoneOf(pod.spec.nodeName) : undefined;
  const serving = isReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  return {
    addresses: [pod.status!.podIP!],
    conditions: {
      // "ready" is never true for a terminating pod unless publishNotReadyAddresses is set.
      ready: svc.spec.publishNotReadyAddresses === true || (serving && !terminating),
      serving,
      terminating,
    },
    // ShouldSetHostname: the pod names itself under this (headless) Service's name.
    ...(pod.spec.hostname && pod.spec.subdomain === svc.metadata.name
      ? { hostname: pod.spec.hostname }
      : {}),
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone ? { zone } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      uid: pod.metadata.uid ?? '',
    },
  };
}

/**
 * EndpointsEqualBeyondHash: the same endpoint, hints aside (they are the topology step's to set:
 * an endpoint kept in a slice is compared, and carried, without them).
 */
export function sameBeyondHints(a: Endpoint, b: Endpoint): boolean {
  const { hints: _a, ...x } = a;
  const { hints: _b, ...y } = b;
  return JSON.stringify(x) === JSON.stringify(y);
}

/** The identity of an endpoint across reconciles: the pod and its address. */
export function endpointKey(e: Endpoint): string {
  return `${e.targetRef?.uid ?? ''}/${e.addresses.join(',')}`;
}

export function sortEndpoints(endpoints: Endpoint[]): Endpoint[] {
  return endpoints.sort((a, b) =>
    a.addresses[0]!.localeCompare(b.addresses[0]!, 'en', { numeric: true }),
  );
}

/** The labels of a slice: the Service's, plus service-name, managed-by and headless. */
export function sliceLabels(svc: Service, managedBy: string): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  labels['kubernetes.io/service-name'] = svc.metadata.name;
  labels['endpointslice.kubernetes.io/managed-by'] = managedBy;
  if (svc.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  else delete labels['service.kubernetes.io/headless'];
  return labels;
}

/** getEndpointSlicePrefix + the API server's generateName (base cut to 58 characters). */
export function slicePrefix(serviceName: string): string {
  return `${serviceName}-`.slice(0, 58);
}

export interface DesiredGroup {
  ports: SlicePort[];
  endpoints: Map<string, Endpoint>;
}

/** Desired endpoints grouped by port map: one group per distinct set of resolved ports. */
export function desiredGroups(
  svc: Service,
  pods: readonly Pod[],
  isReady: (p: Pod) => boolean,
  zoneOf?: ZoneOf,
): Map<string, DesiredGroup> {
  const groups = new Map<string, DesiredGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod)) continue;
    const ports = endpointPorts(svc, pod);
    const key = portMapKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: new Map() }));
    const e = podToEndpoint(svc, pod, isReady, zoneOf);
    g.endpoints.set(endpointKey(e), e);
  }
  return groups;
}
