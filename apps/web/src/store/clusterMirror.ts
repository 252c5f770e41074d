import type {
  Deployment,
  EndpointSlice,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '@l4lab/protocol';
import { objectKey } from '@l4lab/protocol';

/** The browser's copy of the cluster: one map per kind, keyed `namespace/name` (or `name`). */
export interface ClusterMirror {
  pods: ReadonlyMap<string, Pod>;
  services: ReadonlyMap<string, Service>;
  endpointSlices: ReadonlyMap<string, EndpointSlice>;
  deployments: ReadonlyMap<string, Deployment>;
  replicaSets: ReadonlyMap<string, ReplicaSet>;
  namespaces: ReadonlyMap<string, Namespace>;
  nodes: ReadonlyMap<string, Node>;
  networkPolicies: ReadonlyMap<string, NetworkPolicy>;
}

export function emptyMirror(): ClusterMirror {
  return {
    pods: new Map(),
    services: new Map(),
    endpointSlices: new Map(),
    deployments: new Map(),
    replicaSets: new Map(),
    namespaces: new Map(),
    nodes: new Map(),
    networkPolicies: new Map(),
  };
}

function withEntry<T>(map: ReadonlyMap<string, T>, key: string, value: T | undefined) {
  const next = new Map(map);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  return next;
}

/**
 * Returns a new mirror with `object` stored (or removed when `deleted`); only the map of the
 * object's kind is replaced, the others keep their identity (so selectors stay quiet).
 */
export function withObject(mirror: ClusterMirror, object: KubeObject, deleted: boolean) {
  const key = objectKey(object);
  switch (object.kind) {
    case 'Pod':
      return { ...mirror, pods: withEntry(mirror.pods, key, deleted ? undefined : object) };
    case 'Service':
      return { ...mirror, services: withEntry(mirror.services, key, deleted ? undefined : object) };
    case 'EndpointSlice':
      return {
        ...mirror,
        endpointSlices: withEntry(mirror.endpointSlices, key, deleted ? undefined : object),
      };
    case 'Deployment':
      return {
        ...mirror,
        deployments: withEntry(mirror.deployments, key, deleted ? undefined : object),
      };
    case 'ReplicaSet':
      return {
        ...mirror,
        replicaSets: withEntry(mirror.replicaSets, key, deleted ? undefined : object),
      };
    case 'Namespace':
      return {
        ...mirror,
        namespaces: withEntry(mirror.namespaces, key, deleted ? undefined : object),
      };
    case 'Node':
      return { ...mirror, nodes: withEntry(mirror.nodes, key, deleted ? undefined : object) };
    case 'NetworkPolicy':
      return {
        ...mirror,
        networkPolicies: withEntry(mirror.networkPolicies, key, deleted ? undefined : object),
      };
    default:
      // A kind this dashboard does not know yet (newer server): ignore it.
      return mirror;
  }
}

/** Builds a mirror from a full list (a snapshot replaces the mirror, it is never merged). */
export function mirrorOf(objects: readonly KubeObject[]): ClusterMirror {
  const maps = {
    Pod: new Map<string, Pod>(),
    Service: new Map<string, Service>(),
    EndpointSlice: new Map<string, EndpointSlice>(),
    Deployment: new Map<string, Deployment>(),
    ReplicaSet: new Map<string, ReplicaSet>(),
    Namespace: new Map<string, Namespace>(),
    Node: new Map<string, Node>(),
    NetworkPolicy: new Map<string, NetworkPolicy>(),
  };
  for (const o of objects) {
    const key = objectKey(o);
    switch (o.kind) {
      case 'Pod':
        maps.Pod.set(key, o);
        break;
      case 'Service':
        maps.Service.set(key, o);
        break;
      case 'EndpointSlice':
        maps.EndpointSlice.set(key, o);
        break;
      case 'Deployment':
        maps.Deployment.set(key, o);
        break;
      case 'ReplicaSet':
        maps.ReplicaSet.set(key, o);
        break;
      case 'Namespace':
        maps.Namespace.set(key, o);
        break;
      case 'Node':
        maps.Node.set(key, o);
        break;
      case 'NetworkPolicy':
        maps.NetworkPolicy.set(key, o);
        break;
    }
  }
  return {
    pods: maps.Pod,
    services: maps.Service,
    endpointSlices: maps.EndpointSlice,
    deployments: maps.Deployment,
    replicaSets: maps.ReplicaSet,
    namespaces: maps.Namespace,
    nodes: maps.Node,
    networkPolicies: maps.NetworkPolicy,
  };
}
