import type { KubeKind } from '@l4lab/protocol';
import type { ObjectOf } from '@l4lab/cluster';
import { TargetError, isIPv4, type Target } from './target.ts';

/** What the lookups read: the watched objects (remote mode's mirror of a real cluster). */
export interface WatchedObjectsSource {
  list<K extends KubeKind>(kind: K, namespace?: string): ObjectOf<K>[];
}

/**
 * A Service frontend this machine can reach from outside the cluster: a node's address with a
 * nodePort, a LoadBalancer ingress IP, or an externalIP, with the Service port behind it.
 */
export interface ReachableFrontend {
  kind: 'NodePort' | 'LoadBalancer' | 'ExternalIP';
  ip: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  /** The node whose address it is (NodePort). */
  node?: string;
  /** kube-proxy's ServicePortName: the port's name, or its number when it has none. */
  service: { namespace: string; name: string; port: string | number };
}

/** Where to send it instead of a ClusterIP, a pod IP or a Service's DNS name. */
export const INSIDE_ONLY_HINT =
  'use a NodePort or LoadBalancer Service (a node address with its nodePort, or the load balancer IP), or send it from a pod: kubectl run client --rm -it --image=busybox -- wget -qO- http://SERVICE';

/** A real cluster's Nodes list both (the mirror keeps what the API server says). */
const NODE_ADDRESS_TYPES: ReadonlySet<string> = new Set(['InternalIP', 'ExternalIP']);

/** `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local` (the cluster's own domain, in any case). */
const SERVICE_NAME = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\.svc(?:\.[a-z0-9.-]+)?)?$/;

/**
 * The frontend `target` names, found in the watched objects, or a TargetError saying why this
 * machine cannot send to it: a ClusterIP, a pod IP and cluster DNS are reachable only inside the
 * cluster, and anything else is no Service's frontend.
 */
export function findReachableFrontend(
  objects: WatchedObjectsSource,
  target: Target,
  protocol: 'TCP' | 'UDP',
): ReachableFrontend {
  const { host, port } = target;
  const where = `${host}:${port}`;
  if (!isIPv4(host)) {
    const m = SERVICE_NAME.exec(host);
    const svc = m ? objects.list('Service', m[2]).find((s) => s.metadata.name === m[1]) : undefined;
    const what = svc
      ? `${host} is Service ${svc.metadata.namespace}/${svc.metadata.name}'s cluster DNS name (ClusterIP ${svc.spec.clusterIP ?? 'None'})`
      : `${host} is a name, and l4lab resolves no names in remote mode (cluster DNS answers only inside the cluster)`;
    throw new TargetError(
      'L4_E_INSIDE_CLUSTER_ONLY',
      `target ${where}: ${what}: ${INSIDE_ONLY_HINT}`,
    );
  }
  const services = objects.list('Service');
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? 'default';
    const ref = (p: { name?: string; port: number }) => ({
      namespace: ns,
      name: svc.metadata.name,
      port: p.name || p.port,
    });
    for (const p of svc.spec.ports ?? []) {
      if ((p.protocol ?? 'TCP') !== protocol) continue;
      if (p.nodePort === port) {
        const node = objects
          .list('Node')
          .find((n) =>
            (n.status?.addresses ?? []).some(
              (a) => a.address === host && NODE_ADDRESS_TYPES.has(a.type),
            ),
          );
        if (node)
          return {
            kind: 'NodePort',
            ip: host,
            port,
            protocol,
            node: node.metadata.name,
            service: ref(p),
          };
      }
      if (p.port !== port) continue;
      if (svc.status?.loadBalancer?.ingress?.some((i) => i.ip === host))
        return { kind: 'LoadBalancer', ip: host, port, protocol, service: ref(p) };
      if (svc.spec.externalIPs?.includes(host))
        return { kind: 'ExternalIP', ip: host, port, protocol, service: ref(p) };
    }
  }
  const byClusterIP = services.find(
    (s) => s.spec.clusterIP === host || s.spec.clusterIPs?.includes(host),
  );
  if (byClusterIP) {
    throw new TargetError(
      'L4_E_INSIDE_CLUSTER_ONLY',
      `target ${where}: ${host} is Service ${byClusterIP.metadata.namespace ?? 'default'}/${byClusterIP.metadata.name}'s ClusterIP, reachable only inside the cluster: ${INSIDE_ONLY_HINT}`,
    );
  }
  const pod = objects.list('Pod').find((p) => p.status?.podIP === host && !p.spec?.hostNetwork);
  if (pod) {
    throw new TargetError(
      'L4_E_INSIDE_CLUSTER_ONLY',
      `target ${where}: ${host} is pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}'s IP, reachable only inside the cluster: ${INSIDE_ONLY_HINT}`,
    );
  }
  throw new TargetError(
    'L4_E_NOT_A_FRONTEND',
    `target ${where}/${protocol}: no Service has this frontend (a node address with a nodePort, a LoadBalancer ingress IP or an externalIP, with the Service's port); l4lab sends only to a Service's frontends`,
  );
}
