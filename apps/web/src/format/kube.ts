import {
  isPodReady,
  qualifiedSingular,
  resourceTypeOfKind,
  type KubeObject,
  type Pod,
  type PortMapping,
  type Service,
} from '@l4lab/protocol';

/** `1/1`: ready containers / containers. */
export function podReadyColumn(pod: Pod): string {
  const total = pod.spec.containers.length;
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = statuses.filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

/** Its containers' restarts, summed as kubectl's RESTARTS column does. */
export function podRestarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/** The colour class of a pod in the graph and tables. */
export type PodHealth =
  'ready' | 'unready' | 'pending' | 'terminating' | 'crashloop' | 'failed' | 'completed';

export function podHealth(pod: Pod): PodHealth {
  if (pod.metadata.deletionTimestamp) return 'terminating';
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Failed' || phase === 'Unknown') return 'failed';
  // Its containers ran to completion (a Job-like pod, busybox `echo`): done, not unhealthy.
  if (phase === 'Succeeded') return 'completed';
  // Any of its containers: a sidecar crashing beside a serving nginx is the pod's trouble too.
  const crashing = (pod.status?.containerStatuses ?? []).some((c) => {
    const waiting = c.state?.waiting?.reason;
    return waiting === 'CrashLoopBackOff' || waiting === 'Error';
  });
  if (crashing) return 'crashloop';
  if (phase === 'Pending') return 'pending';
  return isPodReady(pod) ? 'ready' : 'unready';
}

/** kubectl's resource name for a kind: `deployment.apps`, `service`, `endpointslice.discovery.k8s.io`. */
export function resourceName(kind: string): string {
  const t = resourceTypeOfKind(kind);
  return t ? qualifiedSingular(t) : kind.toLowerCase();
}

export function serviceType(svc: Service): string {
  return svc.spec.type ?? 'ClusterIP';
}

export function clusterIP(svc: Service): string {
  if (svc.spec.type === 'ExternalName') return '<none>';
  return svc.spec.clusterIP ?? '<pending>';
}

export function externalIP(svc: Service): string {
  const ips = [
    ...(svc.status?.loadBalancer?.ingress?.map((i) => i.ip) ?? []),
    ...(svc.spec.externalIPs ?? []),
  ];
  if (ips.length > 0) return ips.join(',');
  if (svc.spec.type === 'ExternalName') return svc.spec.externalName ?? '<none>';
  if (svc.spec.type === 'LoadBalancer') return '<pending>';
  return '<none>';
}

/** `kubectl get svc` PORT(S): `80/TCP`, `80:30080/TCP`. */
export function servicePorts(svc: Service): string {
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
}

/** The host address a virtual ip:port is mapped to (mapped address mode), as `80 -> 127.0.0.1:41080`. */
export function mappingText(
  mappings: readonly PortMapping[],
  ip: string | undefined,
  port: number,
): string | undefined {
  const m = mappings.find((x) => x.ip === ip && x.port === port);
  return m ? `${port} -> ${m.hostIp}:${m.hostPort}` : undefined;
}

export function displayKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

/** A frontend kind as the graph's badge: CIP, NP, LB, EXT. */
export function frontendBadge(kind: string): string {
  if (kind === 'LoadBalancer') return 'LB';
  if (kind === 'ExternalIP') return 'EXT';
  if (kind === 'NodePort') return 'NP';
  return 'CIP';
}
