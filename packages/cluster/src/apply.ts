import type { ApplyResult, Deployment, KubeObject, Service } from '@l4lab/protocol';
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import type { ObjectStore } from './store.ts';
import { stableStringify } from './names.ts';

/** A stateful error found while planning an apply (the object's own validation ran before). */
export interface ApplyError {
  /** Index of the object in the request. */
  index: number;
  /** Field path, `''` for the whole object. */
  path: string;
  message: string;
  code: string;
}

export interface PlannedWrite {
  index: number;
  object: KubeObject;
  existing: KubeObject | undefined;
  action: ApplyResult['action'];
}

/** What `kubectl apply` compares: everything the user owns (spec, labels, annotations). */
function userFields(o: KubeObject): string {
  const { labels, annotations } = o.metadata;
  const spec = 'spec' in o ? stripAllocated(o) : undefined;
  return stableStringify({ labels: labels ?? {}, annotations: annotations ?? {}, spec });
}

function stripAllocated(o: KubeObject): unknown {
  if (o.kind !== 'Service') return (o as { spec?: unknown }).spec;
  const { clusterIP: _c, clusterIPs: _cs, ...rest } = o.spec;
  return { ...rest, ports: (rest.ports ?? []).map(({ nodePort: _n, ...p }) => p) };
}

/** A nodePort the user set that differs from the stored one (userFields leaves nodePorts out). */
function nodePortsChanged(next: KubeObject, prev: KubeObject): boolean {
  if (next.kind !== 'Service' || prev.kind !== 'Service') return false;
  if (next.spec.type !== 'NodePort' && next.spec.type !== 'LoadBalancer') return false;
  return (next.spec.ports ?? []).some(
    (p, i) => p.nodePort !== undefined && p.nodePort !== prev.spec.ports?.[i]?.nodePort,
  );
}

function immutabilityErrors(index: number, next: KubeObject, prev: KubeObject): ApplyError[] {
  const errors: ApplyError[] = [];
  const kindName = `The ${next.kind} "${next.metadata.name}" is invalid`;
  if (next.kind === 'Service' && prev.kind === 'Service') {
    const want = next.spec.clusterIP;
    if (want !== undefined && want !== '' && want !== prev.spec.clusterIP) {
      errors.push({
        index,
        path: 'spec.clusterIPs[0]',
        code: 'L4_E_IMMUTABLE',
        message: `${kindName}: spec.clusterIPs[0]: Invalid value: []string{"${want}"}: may not change once set`,
      });
    }
  }
  if (next.kind === 'Deployment' && prev.kind === 'Deployment') {
    if (
      stableStringify(next.spec.selector) !== stableStringify((prev as Deployment).spec.selector)
    ) {
      errors.push({
        index,
        path: 'spec.selector',
        code: 'L4_E_IMMUTABLE',
        message: `${kindName}: spec.selector: Invalid value: ${formatSelectorValue(next)}: field is immutable`,
      });
    }
  }
  return errors;
}

function formatSelectorValue(d: Deployment): string {
  const ml = Object.entries(d.spec.selector.matchLabels ?? {})
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ');
  return `v1.LabelSelector{MatchLabels:map[string]string{${ml}}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`;
}

/**
 * Plans an apply: decides created / configured / unchanged per object and finds the errors only
 * the cluster's state can show (missing namespace, immutable fields, taken clusterIP). Nothing is
 * written; the caller writes only when there is no error (apply is all-or-nothing).
 */
export function planApply(
  store: ObjectStore,
  objects: KubeObject[],
  isClusterIPTaken: (ip: string) => boolean,
): { writes: PlannedWrite[]; errors: ApplyError[] } {
  const writes: PlannedWrite[] = [];
  const errors: ApplyError[] = [];
  const namespaces = new Set(store.list('Namespace').map((n) => n.metadata.name));
  const seen = new Set<string>();
  // ClusterIPs asked for earlier in this request count as taken too.
  const requestedIPs = new Set<string>();
  const ipTaken = (ip: string) => requestedIPs.has(ip) || isClusterIPTaken(ip);
  // Node ports held by stored Services, and claimed earlier in this request: port -> ns/name.
  const nodePortOwners = new Map<number, string>();
  for (const s of store.list('Service')) {
    for (const p of s.spec.ports ?? []) {
      if (p.nodePort !== undefined)
        nodePortOwners.set(p.nodePort, `${s.metadata.namespace}/${s.metadata.name}`);
    }
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
    if (object.kind === 'Service') errors.push(...nodePortErrors(index, object, nodePortOwners));
    const existing = store.get(object.kind, ns, object.metadata.name);
    if (existing) {
      errors.push(...immutabilityErrors(index, object, existing));
      const same =
        userFields(object) === userFields(existing) && !nodePortsChanged(object, existing);
      const action = same ? 'unchanged' : 'configured';
      writes.push({ index, object, existing, action });
    } else {
      if (object.kind === 'Service') {
        errors.push(...clusterIPErrors(index, object, ipTaken));
        const ip = object.spec.clusterIP;
        if (ip && ip !== 'None') requestedIPs.add(ip);
      }
      writes.push({ index, object, existing: undefined, action: 'created' });
    }
  });
  return { writes, errors };
}

function nodePortErrors(index: number, svc: Service, owners: Map<number, string>): ApplyError[] {
  if (svc.spec.type !== 'NodePort' && svc.spec.type !== 'LoadBalancer') return [];
  const self = `${svc.metadata.namespace}/${svc.metadata.name}`;
  const errors: ApplyError[] = [];
  (svc.spec.ports ?? []).forEach((p, i) => {
    if (p.nodePort === undefined) return;
    const owner = owners.get(p.nodePort);
    if (owner !== undefined && owner !== self) {
      errors.push({
        index,
        path: `spec.ports[${i}].nodePort`,
        code: 'L4_E_PORT_ALLOCATED',
        message: `The Service "${svc.metadata.name}" is invalid: spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided port is already allocated`,
      });
    } else owners.set(p.nodePort, self);
  });
  return errors;
}

function clusterIPErrors(
  index: number,
  svc: Service,
  taken: (ip: string) => boolean,
): ApplyError[] {
  const ip = svc.spec.clusterIP;
  if (!ip || ip === 'None' || !taken(ip)) return [];
  return [
    {
      index,
      path: 'spec.clusterIPs[0]',
      code: 'L4_E_IP_ALLOCATED',
      message: `The Service "${svc.metadata.name}" is invalid: spec.clusterIPs[0]: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: provided IP is already allocated`,
    },
  ];
}
