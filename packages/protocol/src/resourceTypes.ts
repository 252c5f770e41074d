// The resource types l4lab knows, named the way `kubectl api-resources` names them: one table for
// every place that reads a type the user typed (the API's kubectl, the dashboard's console and
// `kubectl explain`).
import type { KubeKind } from './kube.ts';

export interface ResourceType {
  /** The API's name for the resource: `pods`, `deployments`. */
  plural: string;
  /** `pod`, `deployment`; `endpoints` is its own singular, as in Kubernetes. */
  singular: string;
  shortNames: readonly string[];
  /** The API group, `''` for the core group. */
  group: string;
  /** `Endpoints` written by users are stored; the others are a view of Services' EndpointSlices. */
  kind: KubeKind;
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { plural: 'pods', singular: 'pod', shortNames: ['po'], group: '', kind: 'Pod' },
  { plural: 'services', singular: 'service', shortNames: ['svc'], group: '', kind: 'Service' },
  { plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], group: '', kind: 'Endpoints' },
  {
    plural: 'endpointslices',
    singular: 'endpointslice',
    shortNames: [],
    group: 'discovery.k8s.io',
    kind: 'EndpointSlice',
  },
  {
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    group: 'apps',
    kind: 'Deployment',
  },
  {
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    group: 'apps',
    kind: 'ReplicaSet',
  },
  {
    plural: 'daemonsets',
    singular: 'daemonset',
    shortNames: ['ds'],
    group: 'apps',
    kind: 'DaemonSet',
  },
  {
    plural: 'statefulsets',
    singular: 'statefulset',
    shortNames: ['sts'],
    group: 'apps',
    kind: 'StatefulSet',
  },
  { plural: 'jobs', singular: 'job', shortNames: [], group: 'batch', kind: 'Job' },
  {
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    shortNames: ['pdb'],
    group: 'policy',
    kind: 'PodDisruptionBudget',
  },
  {
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    shortNames: ['netpol'],
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
  },
  {
    plural: 'controllerrevisions',
    singular: 'controllerrevision',
    shortNames: [],
    group: 'apps',
    kind: 'ControllerRevision',
  },
  { plural: 'nodes', singular: 'node', shortNames: ['no'], group: '', kind: 'Node' },
  { plural: 'namespaces', singular: 'namespace', shortNames: ['ns'], group: '', kind: 'Namespace' },
  {
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    shortNames: ['sa'],
    group: '',
    kind: 'ServiceAccount',
  },
  { plural: 'secrets', singular: 'secret', shortNames: [], group: '', kind: 'Secret' },
  { plural: 'configmaps', singular: 'configmap', shortNames: ['cm'], group: '', kind: 'ConfigMap' },
  {
    plural: 'clusterroles',
    singular: 'clusterrole',
    shortNames: [],
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
  },
  {
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    shortNames: [],
    group: 'rbac.authorization.k8s.io',
    kind: 'ClusterRoleBinding',
  },
];

/** Every name kubectl accepts for a type: plural, singular, short names, each of the first two with its group. */
function namesOf(t: ResourceType): string[] {
  const names = [t.plural, t.singular, ...t.shortNames];
  if (t.group) names.push(`${t.plural}.${t.group}`, `${t.singular}.${t.group}`);
  return names;
}

const BY_NAME: ReadonlyMap<string, ResourceType> = new Map(
  RESOURCE_TYPES.flatMap((t) => namesOf(t).map((n) => [n, t] as const)),
);

/** The type a user means by `po`, `Services`, `deploy`, `deployments.apps`; undefined if none. */
export function resourceTypeOf(name: string): ResourceType | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** The type that holds objects of a kind (`Deployment` -> deployments). */
export function resourceTypeOfKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}

/** `deployments.apps`, `pods`: how kubectl names the type in messages (`... "x" not found`). */
export function qualifiedPlural(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

/** `deployment.apps`, `pod`: kubectl's `<type>/<name>` prefix and the word of `created`/`deleted`. */
export function qualifiedSingular(t: ResourceType): string {
  return t.group ? `${t.singular}.${t.group}` : t.singular;
}
