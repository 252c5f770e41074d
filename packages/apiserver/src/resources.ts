// The API resources l4lab serves, per group-version, as discovery lists them (`kubectl
// api-resources`): built on protocol's one table of resource types, plus Events.
import { CLUSTER_SCOPED, RESOURCE_TYPES, type ResourceType } from '@l4lab/protocol';

export interface ApiResource {
  type: ResourceType | undefined;
  group: string;
  version: string;
  /** `pods`, `events` */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  verbs: readonly string[];
  categories?: readonly string[];
}

const READ = ['get', 'list', 'watch'] as const;
const WRITE = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] as const;
/** Nodes are the lab's: a client labels, annotates, taints and cordons them, never adds or removes. */
const NODE = ['get', 'list', 'patch', 'update', 'watch'] as const;
/** What users write (controllers write ReplicaSets and EndpointSlices too). */
const WRITABLE = new Set([
  'Pod',
  'Service',
  'Deployment',
  'ReplicaSet',
  'Namespace',
  'Endpoints',
  'EndpointSlice',
  'Job',
  'DaemonSet',
  'StatefulSet',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ConfigMap',
  // Stored and served only: the lab authorizes nothing by RBAC objects.
  'ServiceAccount',
  'Secret',
  'ClusterRole',
  'ClusterRoleBinding',
]);
/** `kubectl get all` lists these (the `all` category). */
const ALL = new Set([
  'Pod',
  'Service',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
]);

const VERSION_OF_GROUP: Record<string, string> = {
  '': 'v1',
  apps: 'v1',
  batch: 'v1',
  'discovery.k8s.io': 'v1',
  'events.k8s.io': 'v1',
  'rbac.authorization.k8s.io': 'v1',
  'authorization.k8s.io': 'v1',
  'authentication.k8s.io': 'v1',
  'coordination.k8s.io': 'v1',
  policy: 'v1',
  'networking.k8s.io': 'v1',
};

export const API_RESOURCES: readonly ApiResource[] = [
  ...RESOURCE_TYPES.map((t): ApiResource => ({
    type: t,
    group: t.group,
    version: VERSION_OF_GROUP[t.group] ?? 'v1',
    name: t.plural,
    singularName: t.singular,
    kind: t.kind,
    namespaced: !CLUSTER_SCOPED.has(t.kind),
    shortNames: t.shortNames,
    verbs: WRITABLE.has(t.kind) ? WRITE : t.kind === 'Node' ? NODE : READ,
    ...(ALL.has(t.kind) ? { categories: ['all'] } : {}),
  })),
  // Events: l4lab records none yet; the lists are empty, and describe's Events section says so.
  ...['', 'events.k8s.io'].map((group): ApiResource => ({
    type: undefined,
    group,
    version: 'v1',
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: group ? [] : ['ev'],
    verbs: READ,
  })),
  // The nodes' heartbeats in kube-node-lease (`kubectl describe node`'s Lease), from the Nodes.
  {
    type: undefined,
    group: 'coordination.k8s.io',
    version: 'v1',
    name: 'leases',
    singularName: 'lease',
    kind: 'Lease',
    namespaced: true,
    shortNames: [],
    verbs: READ,
  },
  // `kubectl auth can-i`: the authorizer's answer for the asking user, stored nowhere.
  {
    type: undefined,
    group: 'authorization.k8s.io',
    version: 'v1',
    name: 'selfsubjectaccessreviews',
    singularName: 'selfsubjectaccessreview',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    shortNames: [],
    verbs: ['create'],
  },
  // `kubectl auth can-i --list`: the asking user's rules in a namespace.
  {
    type: undefined,
    group: 'authorization.k8s.io',
    version: 'v1',
    name: 'selfsubjectrulesreviews',
    singularName: 'selfsubjectrulesreview',
    kind: 'SelfSubjectRulesReview',
    namespaced: false,
    shortNames: [],
    verbs: ['create'],
  },
  // `kubectl auth whoami`: the asking user's name and groups.
  {
    type: undefined,
    group: 'authentication.k8s.io',
    version: 'v1',
    name: 'selfsubjectreviews',
    singularName: 'selfsubjectreview',
    kind: 'SelfSubjectReview',
    namespaced: false,
    shortNames: [],
    verbs: ['create'],
  },
];

/** The group-versions served: `v1`, `apps/v1`, ... (core first, as the API server lists them). */
export const GROUP_VERSIONS: readonly { group: string; version: string }[] = Object.entries(
  VERSION_OF_GROUP,
).map(([group, version]) => ({ group, version }));

export function resourcesOf(group: string, version: string): ApiResource[] {
  return API_RESOURCES.filter((r) => r.group === group && r.version === version);
}

export function resourceAt(group: string, version: string, name: string): ApiResource | undefined {
  return API_RESOURCES.find((r) => r.group === group && r.version === version && r.name === name);
}

export const groupVersion = (group: string, version: string) =>
  group ? `${group}/${version}` : version;
