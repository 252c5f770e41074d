import type { KubeKind, KubeObject, ObjectMeta } from '@l4lab/protocol';
import { KUBERNETES_SERVICE, SERVICE_NAME_LABEL } from '@l4lab/cluster';
import {
  JOB_CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_JOB_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from '@l4lab/manifests';

// What a workspace export carries of the cluster: the objects a user wrote, as `kubectl get -o
// yaml` shows them minus what the API server and the controllers filled in, so that applying
// them to another lab (or this one, emptied) writes the same desired state again.

/** Namespaces the cluster makes itself, with what lives in them (kube-dns, coredns). */
const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);
/** Objects in these namespaces are the add-ons', never a user's. (`default` holds users' too.) */
const ADD_ON_NAMESPACES: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
/** The EndpointSlice controllers' own slices (a user's slice has no managed-by, or another one). */
const CONTROLLER_SLICES: ReadonlySet<string> = new Set([
  'endpointslice-controller.k8s.io',
  'endpointslicemirroring-controller.k8s.io',
]);

/** Labels and annotations the server writes itself. */
const SERVER_LABELS = ['kubernetes.io/metadata.name'];
const SERVER_ANNOTATIONS = [
  'deployment.kubernetes.io/revision',
  // kubectl's client-side bookkeeping: the previous apply's whole text, not desired state.
  'kubectl.kubernetes.io/last-applied-configuration',
];

/** The order objects are applied in: a namespace before what it holds, ConfigMaps and Services before the pods that read them. */
const KIND_ORDER: readonly KubeKind[] = [
  'Namespace',
  'ConfigMap',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Pod',
];

/** Whether a user wrote this object (not a controller, the API server or an add-on). */
export function isUserObject(o: KubeObject): boolean {
  const { namespace, name, ownerReferences, deletionTimestamp } = o.metadata;
  if (deletionTimestamp !== undefined) return false; // on its way out
  if (o.kind === 'Namespace') return !SYSTEM_NAMESPACES.has(name);
  if (namespace !== undefined && ADD_ON_NAMESPACES.has(namespace)) return false;
  // Pods of a ReplicaSet, ReplicaSets of a Deployment: their owner is exported instead.
  if ((ownerReferences ?? []).length > 0) return false;
  const apiServers = namespace === 'default' && name === KUBERNETES_SERVICE;
  switch (o.kind) {
    case 'Service':
      return !apiServers;
    case 'EndpointSlice': {
      const labels = o.metadata.labels ?? {};
      const managedBy = labels[MANAGED_BY_LABEL];
      if (managedBy !== undefined && CONTROLLER_SLICES.has(managedBy)) return false;
      // The API server's own slice carries no managed-by label, only its Service's name.
      return !(apiServers && labels[SERVICE_NAME_LABEL] === KUBERNETES_SERVICE);
    }
    case 'Endpoints':
      // The store holds only Endpoints users wrote; the others are a view of the slices.
      return !apiServers;
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
    case 'PodDisruptionBudget':
    case 'NetworkPolicy':
    case 'ConfigMap':
    case 'Pod':
      return true;
    default:
      return false; // Nodes: each lab makes its own
  }
}

function withoutKeys(
  map: Record<string, string> | undefined,
  drop: readonly string[],
): Record<string, string> | undefined {
  if (!map) return undefined;
  const kept = Object.fromEntries(Object.entries(map).filter(([k]) => !drop.includes(k)));
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** name, namespace, labels and annotations: what a user writes in metadata. */
function cleanMetadata(meta: ObjectMeta, clusterScoped: boolean): ObjectMeta {
  const labels = withoutKeys(meta.labels, SERVER_LABELS);
  const annotations = withoutKeys(meta.annotations, SERVER_ANNOTATIONS);
  return {
    name: meta.name,
    ...(!clusterScoped && meta.namespace !== undefined ? { namespace: meta.namespace } : {}),
    ...(labels ? { labels } : {}),
    ...(annotations ? { annotations } : {}),
  };
}

/**
 * A Service's ClusterIPs come from the exporting lab's Service range: the importing lab allocates
 * its own (another `--service-cidr` would refuse them). A headless Service keeps `None`.
 */
function cleanServiceSpec(spec: Record<string, unknown>): Record<string, unknown> {
  if (spec.clusterIP === 'None') return spec;
  const { clusterIP: _ip, clusterIPs: _ips, ...rest } = spec;
  return rest;
}

/** One object as exported: no status, no server-written metadata, no allocated ClusterIP. */
export function cleanObject(o: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = o as KubeObject & { status?: unknown };
  const cleaned = {
    ...rest,
    metadata: cleanMetadata(metadata, o.kind === 'Namespace' || o.kind === 'Node'),
  } as KubeObject;
  if (cleaned.kind === 'Pod' && cleaned.spec.ephemeralContainers) {
    // `kubectl debug` added them to the running pod; a pod cannot be created with them.
    const { ephemeralContainers: _debug, ...spec } = cleaned.spec;
    cleaned.spec = spec;
  }
  if (cleaned.kind === 'Job' && cleaned.spec.manualSelector !== true) {
    // The selector and labels the API server generated from this lab's uid: the importing lab
    // generates its own.
    const generated = [
      JOB_CONTROLLER_UID_LABEL,
      JOB_NAME_LABEL,
      LEGACY_JOB_CONTROLLER_UID_LABEL,
      LEGACY_JOB_NAME_LABEL,
    ];
    const { selector: _generated, ...spec } = cleaned.spec;
    const templateLabels = withoutKeys(cleaned.spec.template.metadata?.labels, generated);
    const { labels: _l, ...templateMeta } = cleaned.spec.template.metadata ?? {};
    cleaned.spec = {
      ...spec,
      template: {
        ...cleaned.spec.template,
        metadata: { ...templateMeta, ...(templateLabels ? { labels: templateLabels } : {}) },
      },
    };
    const labels = withoutKeys(cleaned.metadata.labels, generated);
    const { labels: _ml, ...meta } = cleaned.metadata;
    cleaned.metadata = { ...meta, ...(labels ? { labels } : {}) };
  }
  if (cleaned.kind === 'Service') {
    cleaned.spec = cleanServiceSpec(
      cleaned.spec as unknown as Record<string, unknown>,
    ) as typeof cleaned.spec;
  }
  return cleaned;
}

function orderOf(o: KubeObject): number {
  const i = KIND_ORDER.indexOf(o.kind);
  return i === -1 ? KIND_ORDER.length : i;
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The user's objects of the cluster, cleaned, in the order they can be applied back. */
export function exportedObjects(all: readonly KubeObject[]): KubeObject[] {
  return all
    .filter(isUserObject)
    .sort((a, b) => orderOf(a) - orderOf(b) || keyOf(a).localeCompare(keyOf(b)))
    .map(cleanObject);
}
