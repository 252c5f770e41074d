// The watched objects of a real cluster (Services, discovery.k8s.io/v1 EndpointSlices, Nodes,
// Pods, as Kubernetes JSON from a watch) turned into the state the lab's kube-proxy code reads:
// a RulesSnapshot (Service ports, their endpoints, nodes, pods by IP, every frontend). Fed by
// informers: `upsert(kind, obj)` for an add or an update, `remove(kind, obj)` for a delete,
// `replace(objects)` for a list (or a resync). Service-side state is rebuilt lazily, at the first
// `snapshot()` after a change; pods are indexed by IP as they come.
import type { Endpoint, ObjectMeta, Service } from '@l4lab/protocol';
import { endpointConditions } from '@l4lab/protocol';
import { LABEL_TOPOLOGY_ZONE, SERVICE_NAME_LABEL, parseCidr } from '@l4lab/cluster';
import {
  desiredFrontends,
  servicePortName,
  servicePorts,
  type EndpointInfo,
  type NodeInfo,
  type RulesSnapshot,
  type ServicePortInfo,
  type ServicePortName,
} from '@l4lab/dataplane';

/** A v1 Service, as the API serves it (the lab's type covers what kube-proxy reads). */
export type WatchedService = Service;

/** A discovery.k8s.io/v1 EndpointSlice; the API leaves empty lists out (or null). */
export interface WatchedEndpointSlice {
  metadata: ObjectMeta;
  addressType: string;
  endpoints?: Endpoint[] | null;
  ports?: { name?: string | null; port?: number | null; protocol?: string | null }[] | null;
}

/** A v1 Node: its addresses (InternalIP, ExternalIP, Hostname, ...), podCIDR, Ready condition. */
export interface WatchedNode {
  metadata: ObjectMeta;
  spec?: { podCIDR?: string | null } | null;
  status?: {
    addresses?: { type: string; address: string }[] | null;
    conditions?: { type: string; status: string }[] | null;
  } | null;
}

/** A v1 Pod: where it runs and its IP (a client of a connection is named by it). */
export interface WatchedPod {
  metadata: ObjectMeta;
  spec?: { nodeName?: string | null; hostNetwork?: boolean | null } | null;
  status?: { phase?: string | null; podIP?: string | null } | null;
}

export interface WatchedKinds {
  Service: WatchedService;
  EndpointSlice: WatchedEndpointSlice;
  Node: WatchedNode;
  Pod: WatchedPod;
}
export type WatchedKind = keyof WatchedKinds;

/** A full list of each kind (an informer's initial list). */
export interface WatchedObjects {
  services?: Iterable<WatchedService>;
  endpointSlices?: Iterable<WatchedEndpointSlice>;
  nodes?: Iterable<WatchedNode>;
  pods?: Iterable<WatchedPod>;
}

/** Only the name and namespace of a deleted object are read. */
export interface ObjectRef {
  metadata: Pick<ObjectMeta, 'name' | 'namespace'>;
}

const keyOf = (o: ObjectRef) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The node addresses kube-proxy accepts NodePorts on (its default: the node's own addresses). */
const NODE_PORT_ADDRESS_TYPES = new Set(['InternalIP', 'ExternalIP']);

export class ClusterView {
  readonly #objects: { [K in WatchedKind]: Map<string, WatchedKinds[K]> } = {
    Service: new Map(),
    EndpointSlice: new Map(),
    Node: new Map(),
    Pod: new Map(),
  };
  /** Pod IP -> the pod ("ns/name") and its node; hostNetwork and finished pods left out. */
  readonly #podsByIP = new Map<string, { name: string; node: string }>();
  #snapshot: RulesSnapshot | undefined;
  #nodeAddresses = new Map<string, string>();
  #generation = 0;

  upsert<K extends WatchedKind>(kind: K, obj: WatchedKinds[K]): void {
    const key = keyOf(obj);
    if (kind === 'Pod') this.#unindexPod(key);
    this.#objects[kind].set(key, obj);
    if (kind === 'Pod') this.#indexPod(key);
    else this.#snapshot = undefined;
  }

  remove(kind: WatchedKind, obj: ObjectRef): void {
    const key = keyOf(obj);
    if (kind === 'Pod') this.#unindexPod(key);
    if (this.#objects[kind].delete(key) && kind !== 'Pod') this.#snapshot = undefined;
  }

  /** Replaces every kind given (a kind left out keeps its objects). */
  replace(objects: WatchedObjects): void {
    const lists: [WatchedKind, Iterable<WatchedKinds[WatchedKind]> | undefined][] = [
      ['Service', objects.services],
      ['EndpointSlice', objects.endpointSlices],
      ['Node', objects.nodes],
      ['Pod', objects.pods],
    ];
    for (const [kind, list] of lists) {
      if (!list) continue;
      this.#objects[kind].clear();
      if (kind === 'Pod') this.#podsByIP.clear();
      for (const o of list) this.upsert(kind, o);
    }
    this.#snapshot = undefined;
  }

  /** The state as kube-proxy would have programmed it from these objects. */
  snapshot(): RulesSnapshot {
    if (!this.#snapshot) this.#snapshot = this.#build();
    return this.#snapshot;
  }

  /** The node an address belongs to (InternalIP or ExternalIP), if it is a node's. */
  nodeOfAddress(ip: string): string | undefined {
    this.snapshot();
    return this.#nodeAddresses.get(ip);
  }

  #indexPod(key: string): void {
    const pod = this.#objects.Pod.get(key);
    const ip = pod?.status?.podIP;
    const phase = pod?.status?.phase;
    // A hostNetwork pod has its node's IP; a finished pod's IP may already be another pod's.
    if (!ip || pod.spec?.hostNetwork || phase === 'Succeeded' || phase === 'Failed') return;
    this.#podsByIP.set(ip, { name: key, node: pod.spec?.nodeName ?? '' });
  }

  #unindexPod(key: string): void {
    const ip = this.#objects.Pod.get(key)?.status?.podIP;
    if (ip && this.#podsByIP.get(ip)?.name === key) this.#podsByIP.delete(ip);
  }

  #build(): RulesSnapshot {
    const nodes: NodeInfo[] = [];
    // One entry per address a NodePort is served on (desiredFrontends makes one per entry).
    const nodePortAddresses: NodeInfo[] = [];
    this.#nodeAddresses = new Map();
    for (const n of this.#objects.Node.values()) {
      const info = nodeInfoOf(n);
      nodes.push(info);
      for (const a of n.status?.addresses ?? []) {
        if (!NODE_PORT_ADDRESS_TYPES.has(a.type) || !a.address) continue;
        this.#nodeAddresses.set(a.address, info.name);
        nodePortAddresses.push({ ...info, ip: a.address });
      }
    }
    const serviceMap = new Map<ServicePortName, ServicePortInfo>();
    for (const svc of this.#objects.Service.values()) {
      for (const p of servicePorts(svc)) serviceMap.set(p.name, withVipIngressOnly(p, svc));
    }
    return {
      generation: ++this.#generation,
      routing: {
        serviceMap,
        endpointsMap: endpointsOf(this.#objects.EndpointSlice.values()),
        nodes,
        podsByIP: this.#podsByIP,
      },
      // The lab routes an externalIP to one node; in a cluster it enters at whichever node it
      // is routed to, and every node's kube-proxy translates it.
      frontends: [...desiredFrontends(serviceMap.values(), nodePortAddresses).values()].map((f) =>
        f.kind === 'ExternalIP'
          ? { key: f.key, protocol: f.protocol, kind: f.kind, ip: f.ip, port: f.port, spn: f.spn }
          : f,
      ),
    };
  }
}

function nodeInfoOf(n: WatchedNode): NodeInfo {
  const addresses = n.status?.addresses ?? [];
  const ip = addresses.find((a) => a.type === 'InternalIP')?.address ?? '';
  let podCIDR = { base: 0, size: 0 };
  try {
    if (n.spec?.podCIDR) podCIDR = parseCidr(n.spec.podCIDR);
  } catch {
    // an IPv6 or unusual CIDR: only the lab's nftables rules read it, not this join
  }
  return {
    name: n.metadata.name,
    ip,
    podCIDR: { base: podCIDR.base, size: podCIDR.size },
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    ...(n.metadata.labels?.[LABEL_TOPOLOGY_ZONE]
      ? { zone: n.metadata.labels[LABEL_TOPOLOGY_ZONE] }
      : {}),
  };
}

/** kube-proxy leaves a LoadBalancer ingress with `ipMode: Proxy` to the load balancer. */
function withVipIngressOnly(p: ServicePortInfo, svc: WatchedService): ServicePortInfo {
  const proxied = (svc.status?.loadBalancer?.ingress ?? []).filter((i) => i.ipMode === 'Proxy');
  if (proxied.length === 0) return p;
  const skip = new Set(proxied.map((i) => i.ip));
  return { ...p, loadBalancerIPs: p.loadBalancerIPs.filter((ip) => !skip.has(ip)) };
}

/**
 * The endpoints of every Service port from all slices (kube-proxy's EndpointSliceCache): IPv4
 * slices, ports matched by name, one endpoint per IP:port (a ready copy wins over one that is
 * not, while a pod moves between slices). Unlike the lab's endpointsFromSlices, any address.
 */
export function endpointsOf(
  slices: Iterable<WatchedEndpointSlice>,
): Map<ServicePortName, EndpointInfo[]> {
  const byKey = new Map<ServicePortName, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!service || slice.addressType !== 'IPv4') continue;
    const namespace = slice.metadata.namespace ?? 'default';
    for (const port of slice.ports ?? []) {
      if (!port.port) continue;
      const spn = servicePortName(namespace, service, port.name ?? '');
      let eps = byKey.get(spn);
      if (!eps) byKey.set(spn, (eps = new Map()));
      for (const ep of slice.endpoints ?? []) {
        const { ready, serving, terminating } = endpointConditions(ep);
        for (const ip of ep.addresses) {
          const k = `${ip}:${port.port}`;
          if (eps.get(k)?.ready) continue;
          eps.set(k, {
            ip,
            port: port.port,
            ready,
            serving,
            terminating,
            nodeName: ep.nodeName ?? '',
            pod: ep.targetRef?.name ?? ip,
            namespace: ep.targetRef?.namespace ?? namespace,
            ...(ep.hints?.forZones?.length
              ? { zoneHints: ep.hints.forZones.map((z) => z.name) }
              : {}),
            ...(ep.hints?.forNodes?.length
              ? { nodeHints: ep.hints.forNodes.map((x) => x.name) }
              : {}),
          });
        }
      }
    }
  }
  return new Map([...byKey].map(([spn, eps]) => [spn, [...eps.values()]]));
}
