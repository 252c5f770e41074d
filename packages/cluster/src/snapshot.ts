import type { KubeKind, KubeObject, Pod } from '@l4lab/protocol';
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import type { AddressPlan } from './addressPlan.ts';
import type { ObjectStore } from './store.ts';

/**
 * What a lab keeps across restarts (etcd's role): every object but the Nodes (each run makes its
 * own from the flags), with the resourceVersion and the address plan the addresses came from.
 * ReplicaSets and EndpointSlices are kept too, so pods keep their names (`<rs>-<suffix>`) and
 * nothing is renamed under a watcher's feet; controllers then bring them up to date. Endpoints are
 * only those users wrote (the others are a view of the slices).
 */
export interface ClusterSnapshot {
  kind: 'L4labClusterState';
  version: typeof CLUSTER_SNAPSHOT_VERSION;
  plan: AddressPlan;
  resourceVersion: string;
  objects: KubeObject[];
}

/** Bumped on any change of the snapshot's shape; a file of another version is set aside. */
export const CLUSTER_SNAPSHOT_VERSION = 1;

const SAVED_KINDS: ReadonlySet<KubeKind> = new Set([
  'Namespace',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'Service',
  'EndpointSlice',
  'Endpoints',
  'DaemonSet',
  'ControllerRevision',
  'Job',
  'StatefulSet',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/** The flag that sets each field of the address plan, to say which one changed. */
const PLAN_FLAGS: Record<keyof AddressPlan, string> = {
  nodeCount: '--nodes',
  nodeBase: '--node-ip',
  podCIDR: '--pod-cidr',
  serviceCIDR: '--service-cidr',
  dnsServiceIP: 'kube-dns address',
  loadBalancerPool: '--lb-pool',
};

export function takeClusterSnapshot(store: ObjectStore, plan: AddressPlan): ClusterSnapshot {
  return {
    kind: 'L4labClusterState',
    version: CLUSTER_SNAPSHOT_VERSION,
    plan,
    resourceVersion: store.resourceVersion,
    objects: store.all().filter((o) => SAVED_KINDS.has(o.kind)),
  };
}

export type SnapshotCheck =
  { ok: true; snapshot: ClusterSnapshot } | { ok: false; reason: string; planChanged?: boolean };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a parsed state file: its version, its address plan against this run's, each object's shape. */
export function checkClusterSnapshot(value: unknown, plan: AddressPlan): SnapshotCheck {
  if (!isRecord(value) || value.kind !== 'L4labClusterState')
    return { ok: false, reason: 'not an l4lab cluster state' };
  if (value.version !== CLUSTER_SNAPSHOT_VERSION)
    return { ok: false, reason: `unknown version ${JSON.stringify(value.version)}` };
  if (!isRecord(value.plan) || typeof value.resourceVersion !== 'string')
    return { ok: false, reason: 'plan or resourceVersion missing' };
  const changed = changedPlanFlags(value.plan, plan);
  if (changed.length > 0) {
    return {
      ok: false,
      planChanged: true,
      reason: `saved with other addresses: ${changed.join(', ')}; start with those to use it`,
    };
  }
  if (!Array.isArray(value.objects)) return { ok: false, reason: 'objects missing' };
  for (const [i, o] of value.objects.entries()) {
    const problem = shapeProblem(o);
    if (problem) return { ok: false, reason: `objects[${i}]: ${problem}` };
  }
  return { ok: true, snapshot: value as unknown as ClusterSnapshot };
}

function changedPlanFlags(saved: Record<string, unknown>, plan: AddressPlan): string[] {
  const changed: string[] = [];
  for (const [field, flag] of Object.entries(PLAN_FLAGS) as [keyof AddressPlan, string][]) {
    if (saved[field] !== plan[field]) changed.push(`${flag} was ${String(saved[field])}`);
  }
  // The kube-dns address follows the service CIDR: name the flag only.
  return changed.length > 1 ? changed.filter((c) => !c.startsWith('kube-dns')) : changed;
}

/** Enough shape that controllers, kubelet and kube-proxy can read the object without throwing. */
function shapeProblem(o: unknown): string | undefined {
  if (!isRecord(o) || !isRecord(o.metadata)) return 'not a Kubernetes object';
  const kind = o.kind as KubeKind;
  if (!SAVED_KINDS.has(kind)) return `kind ${JSON.stringify(o.kind)} is not kept`;
  const { name, namespace } = o.metadata;
  if (typeof name !== 'string' || name === '') return 'metadata.name missing';
  if (!CLUSTER_SCOPED.has(kind) && typeof namespace !== 'string')
    return 'metadata.namespace missing';
  const spec = isRecord(o.spec) ? o.spec : undefined;
  const template = isRecord(spec?.template) ? spec.template : undefined;
  const containersOf = (s: unknown) => isRecord(s) && Array.isArray(s.containers);
  switch (kind) {
    case 'Pod':
      return containersOf(spec) ? undefined : 'spec.containers missing';
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'StatefulSet':
    case 'Job':
      return containersOf(template?.spec) && isRecord(spec?.selector)
        ? undefined
        : 'spec.selector or spec.template missing';
    case 'Service':
      return spec ? undefined : 'spec missing';
    case 'ControllerRevision':
      return typeof o.revision === 'number' && isRecord(o.data) ? undefined : 'revision missing';
    case 'EndpointSlice':
      return Array.isArray(o.endpoints) && Array.isArray(o.ports) ? undefined : 'endpoints missing';
    default:
      return undefined;
  }
}

/**
 * A saved pod as it comes back: bound to the same node with the same IP, but its container starts
 * again, as after a node reboot (the kubelet reports the new status). A pod that was terminating
 * is not brought back (its owner already made its replacement); one that ended keeps its status.
 */
export function restartedPod(pod: Pod): Pod | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  // Succeeded and Failed pods stay so (a Job's, `kubectl run --restart=Never`'s): nothing reruns.
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return pod;
  const { podIP, podIPs, hostIP } = pod.status ?? {};
  return {
    ...pod,
    status: {
      phase: 'Pending',
      ...(podIP ? { podIP } : {}),
      ...(podIPs ? { podIPs } : {}),
      ...(hostIP ? { hostIP } : {}),
    },
  };
}
