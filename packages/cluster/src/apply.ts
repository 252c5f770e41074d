import { keepDefaultTolerations } from './scheduling/taints.ts';
import type { ApplyResult, Job, KubeObject, Service } from '@l4lab/protocol';
import {
  JOB_CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  LEGACY_JOB_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from '@l4lab/manifests';
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import type { ObjectStore } from './store.ts';
import { stableStringify } from './names.ts';
import { quotaErrors } from './labQuota.ts';
import { keepAdmittedPriority, priorityRefusal } from './priorityAdmission.ts';
import { serviceAccountRefusal } from './serviceAccountAdmission.ts';
import {
  type ApplyError,
  type ApplyLimits,
  clusterIPErrors,
  immutabilityErrors,
  needsClusterIP,
  nodePortErrors,
} from './applyChecks.ts';

export type { ApplyError, ApplyLimits, NamespaceQuota } from './applyChecks.ts';

export interface PlannedWrite {
  index: number;
  object: KubeObject;
  existing: KubeObject | undefined;
  action: ApplyResult['action'];
}

/**
 * What `kubectl apply` compares: everything the user owns (labels, annotations, the spec; the
 * whole body of kinds without one, like EndpointSlices' endpoints and Endpoints' subsets).
 */
function userFields(o: KubeObject, stored?: KubeObject): string {
  const { labels, annotations, finalizers } = o.metadata;
  const {
    apiVersion: _a,
    kind: _k,
    metadata: _m,
    status: _s,
    ...body
  } = o as KubeObject & {
    status?: unknown;
  };
  const spec = 'spec' in o ? userSpec(o, stored) : body;
  return stableStringify({
    labels: labels ?? {},
    annotations: annotations ?? {},
    finalizers: finalizers ?? [],
    spec,
  });
}

/** The spec without what the cluster fills in (allocated addresses, the scheduler's node). */
function userSpec(o: KubeObject, stored: KubeObject | undefined): unknown {
  if (o.kind === 'Pod') {
    if (stored?.kind !== 'Pod' || stored.spec.nodeName === undefined) return o.spec;
    return { ...o.spec, nodeName: o.spec.nodeName ?? stored.spec.nodeName };
  }
  if (o.kind !== 'Service') return (o as { spec?: unknown }).spec;
  const { clusterIP: _c, clusterIPs: _cs, ...rest } = o.spec;
  return { ...rest, ports: (rest.ports ?? []).map(({ nodePort: _n, ...p }) => p) };
}

/** A nodePort or clusterIP the user set that differs from the stored one (userFields omits them). */
function allocationsChanged(next: KubeObject, prev: KubeObject): boolean {
  if (next.kind !== 'Service' || prev.kind !== 'Service') return false;
  if (next.spec.clusterIP && next.spec.clusterIP !== prev.spec.clusterIP) return true;
  if (next.spec.type !== 'NodePort' && next.spec.type !== 'LoadBalancer') return false;
  return (next.spec.ports ?? []).some(
    (p, i) => p.nodePort !== undefined && p.nodePort !== prev.spec.ports?.[i]?.nodePort,
  );
}

/** Kinds only the cluster writes: apply on an existing one of them is refused. */
const READ_ONLY: ReadonlySet<string> = new Set(['Node']);

/**
 * Annotations the controllers keep on objects (the Deployment controller's revision on a
 * Deployment and its ReplicaSets): an apply that does not set them leaves them as they are, as
 * kubectl apply's three-way merge does, so re-applying the same file stays `unchanged`.
 */
export const CONTROLLER_ANNOTATIONS: ReadonlySet<string> = new Set([
  'deployment.kubernetes.io/revision',
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
]);

/**
 * What an apply writes over a stored object: the applied object, plus what controllers set that
 * it does not (their annotations, the owner references of an adopted pod or ReplicaSet).
 */
export function keepControllerFields(next: KubeObject, stored: KubeObject): KubeObject {
  // A pod's ephemeral containers change through their subresource only: an update keeps them.
  if (next.kind === 'Pod' && stored.kind === 'Pod') {
    const { ephemeralContainers: _ignored, ...spec } = next.spec;
    const had = stored.spec.ephemeralContainers;
    next = { ...next, spec: { ...spec, ...(had ? { ephemeralContainers: had } : {}) } };
    // The tolerations the DefaultTolerationSeconds plugin added at creation stay too.
    keepDefaultTolerations(next.spec, stored.spec);
    keepAdmittedPriority(next.spec, stored.spec);
  }
  // A Job's generated selector and labels (the API server's): an apply without them keeps them.
  if (next.kind === 'Job' && stored.kind === 'Job') next = keepGeneratedJobFields(next, stored);
  const kept = Object.entries(stored.metadata.annotations ?? {}).filter(
    ([k]) => CONTROLLER_ANNOTATIONS.has(k) && next.metadata.annotations?.[k] === undefined,
  );
  const refs = stored.metadata.ownerReferences;
  const keepRefs = refs !== undefined && next.metadata.ownerReferences === undefined;
  // Only a delete sets these, and nothing clears them: an update of a Terminating object (a
  // `kubectl label` of a pod on a lost node) leaves it Terminating.
  const { deletionTimestamp: _dt, deletionGracePeriodSeconds: _dg, ...meta } = next.metadata;
  const { deletionTimestamp, deletionGracePeriodSeconds } = stored.metadata;
  const deleting = deletionTimestamp !== undefined;
  const sameDeletion =
    next.metadata.deletionTimestamp === deletionTimestamp &&
    next.metadata.deletionGracePeriodSeconds === deletionGracePeriodSeconds;
  if (kept.length === 0 && !keepRefs && sameDeletion) return next;
  return {
    ...next,
    metadata: {
      ...meta,
      ...(kept.length
        ? { annotations: { ...next.metadata.annotations, ...Object.fromEntries(kept) } }
        : {}),
      ...(keepRefs ? { ownerReferences: refs } : {}),
      ...(deleting ? { deletionTimestamp } : {}),
      ...(deletionGracePeriodSeconds !== undefined ? { deletionGracePeriodSeconds } : {}),
    },
  } as KubeObject;
}

/** The error codes the API server answers 403 Forbidden (a quota's refusal, admission's). */
export const isForbidden = (code: string): boolean =>
  code === 'L4_E_QUOTA' || code === 'L4_E_FORBIDDEN';

/**
 * Plans an apply: decides created / configured / unchanged per object and finds the errors only
 * the cluster's state can show (missing namespace, immutable fields, taken or out-of-range
 * addresses). Nothing is written; the caller writes only when there is no error (all-or-nothing).
 * Objects are checked in request order, each against the state the earlier ones leave, as
 * `kubectl apply` sends them one by one.
 */
export function planApply(
  store: ObjectStore,
  objects: KubeObject[],
  limits: ApplyLimits,
): { writes: PlannedWrite[]; errors: ApplyError[] } {
  const writes: PlannedWrite[] = [];
  const errors: ApplyError[] = [];
  const namespaces = new Set(store.list('Namespace').map((n) => n.metadata.name));
  const seen = new Set<string>();
  /** ServiceAccounts written earlier in this request (`ns/name`): a pod after one may run as it. */
  const accounts = new Set<string>();
  // ClusterIPs held in the store, released or claimed earlier in this request.
  const requestedIPs = new Set<string>();
  const releasedIPs = new Set<string>();
  const ipTaken = (ip: string) =>
    requestedIPs.has(ip) || (!releasedIPs.has(ip) && limits.clusterIPAllocated(ip));
  // Node ports held by stored Services, and claimed earlier in this request: port -> ns/name.
  const nodePortOwners = new Map<number, string>();
  for (const s of store.list('Service')) {
    for (const p of s.spec.ports ?? []) {
      if (p.nodePort !== undefined)
        nodePortOwners.set(p.nodePort, `${s.metadata.namespace}/${s.metadata.name}`);
    }
    if (s.spec.healthCheckNodePort !== undefined)
      nodePortOwners.set(s.spec.healthCheckNodePort, `${s.metadata.namespace}/${s.metadata.name}`);
  }
  objects.forEach((raw, index) => {
    const ns = CLUSTER_SCOPED.has(raw.kind) ? undefined : (raw.metadata.namespace ?? 'default');
    // What is written carries the namespace it was checked against (kubectl's default namespace).
    const object: KubeObject =
      ns !== undefined && raw.metadata.namespace === undefined
        ? { ...raw, metadata: { ...raw.metadata, namespace: ns } }
        : raw;
    const key = `${object.kind}/${ns ?? ''}/${object.metadata.name}`;
    if (seen.has(key)) {
      errors.push({
        index,
        path: 'metadata.name',
        code: 'L4_E_DUPLICATE',
        message: `${object.kind} "${object.metadata.name}" appears twice in this request`,
      });
      return;
    }
    seen.add(key);
    if (READ_ONLY.has(object.kind)) {
      errors.push({
        index,
        path: 'kind',
        code: 'L4_E_READ_ONLY_KIND',
        message: `${object.kind} objects are read-only in l4lab: the cluster's controllers write them`,
      });
      return;
    }
    if (object.kind === 'Namespace') namespaces.add(object.metadata.name);
    if (ns !== undefined && !namespaces.has(ns)) {
      errors.push({
        index,
        path: 'metadata.namespace',
        code: 'L4_E_NAMESPACE_NOT_FOUND',
        message: `namespaces "${ns}" not found`,
      });
      return;
    }
    const existing = store.get(object.kind, ns, object.metadata.name);
    if (object.kind === 'Service') {
      const prev = existing as Service | undefined;
      const band = limits.namespaceNodePorts?.(ns ?? 'default');
      errors.push(
        ...nodePortErrors(
          index,
          object,
          prev,
          nodePortOwners,
          band ? { ...limits, nodePortRange: band } : limits,
        ),
      );
      const allocates = needsClusterIP(object) && (!prev || !needsClusterIP(prev));
      if (allocates) {
        errors.push(...clusterIPErrors(index, object, ipTaken, limits));
        const ip = object.spec.clusterIP;
        if (ip && ip !== 'None') requestedIPs.add(ip);
      }
      const oldIP = prev?.spec.clusterIP;
      if (prev && needsClusterIP(prev) && !needsClusterIP(object) && oldIP && oldIP !== 'None') {
        releasedIPs.add(oldIP);
      }
    }
    if (existing) {
      const next = keepControllerFields(object, existing);
      errors.push(...immutabilityErrors(index, next, existing));
      const same =
        userFields(next, existing) === userFields(existing) && !allocationsChanged(next, existing);
      writes.push({ index, object: next, existing, action: same ? 'unchanged' : 'configured' });
    } else if (object.kind === 'Pod' && object.spec.ephemeralContainers?.length) {
      errors.push({
        index,
        path: 'spec.ephemeralContainers',
        code: 'L4_E_INVALID',
        message: `The Pod "${object.metadata.name}" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create`,
      });
    } else {
      const refused =
        object.kind === 'Pod'
          ? (serviceAccountRefusal(
              store,
              ns ?? 'default',
              object.metadata.name,
              object.spec,
              accounts,
            ) ?? priorityRefusal(object.metadata.name, object.spec))
          : undefined;
      if (refused !== undefined)
        errors.push({ index, path: '', code: 'L4_E_FORBIDDEN', message: refused });
      else writes.push({ index, object, existing: undefined, action: 'created' });
    }
    if (object.kind === 'ServiceAccount') accounts.add(`${ns}/${object.metadata.name}`);
  });
  if (errors.length === 0) errors.push(...quotaErrors(store, writes, limits.namespaceQuota));
  return { writes, errors };
}

/** The selector, template labels and labels the API server generated for a Job, kept. */
function keepGeneratedJobFields(next: Job, stored: Job): Job {
  if (next.spec.manualSelector === true || stored.spec.manualSelector === true) return next;
  const generated = [
    JOB_CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    LEGACY_JOB_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
  ];
  const keep = (labels: Record<string, string> | undefined, from: Record<string, string> = {}) => {
    const out = { ...labels };
    for (const k of generated) if (out[k] === undefined && from[k] !== undefined) out[k] = from[k];
    return out;
  };
  const template = next.spec.template;
  const metaLabels =
    Object.keys(next.metadata.labels ?? {}).length === 0
      ? stored.metadata.labels
      : keep(next.metadata.labels, stored.metadata.labels);
  return {
    ...next,
    metadata: { ...next.metadata, ...(metaLabels ? { labels: metaLabels } : {}) },
    spec: {
      ...next.spec,
      selector: next.spec.selector ?? stored.spec.selector,
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: keep(template.metadata?.labels, stored.spec.template.metadata?.labels),
        },
      },
    },
  };
}
