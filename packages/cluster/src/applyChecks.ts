// The checks of an apply that need the cluster's state, with the API server's messages: allocations
// (nodePort range and owner, clusterIP range and owner) and immutable fields (clusterIP, Deployment
// and ReplicaSet selectors, an EndpointSlice's addressType, Pod spec).
import type { KubeObject, LabelSelector, Pod, Service, StatefulSet } from '@l4lab/protocol';
import { applyDefaults } from '@l4lab/manifests';
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

/** What the allocators allow, as the API server's registry sees it. */
export interface ApplyLimits {
  serviceCIDR: string;
  nodePortRange: { first: number; last: number };
  /** The address is inside the service CIDR. */
  clusterIPInRange(ip: string): boolean;
  /** The address is held by a Service (or reserved, like kube-dns's). */
  clusterIPAllocated(ip: string): boolean;
  /** A namespace's own node ports (a workshop student's band), instead of the whole range. */
  namespaceNodePorts?: (namespace: string) => { first: number; last: number } | undefined;
  /** A namespace's own quota (a workshop student's), beside the lab's. */
  namespaceQuota?: (namespace: string) => NamespaceQuota | undefined;
}

/** What a namespace may hold, as a ResourceQuota's `hard` would say it. */
export interface NamespaceQuota {
  /** The name its refusals give (`exceeded quota: <name>, ...`). */
  name: string;
  pods: number;
  services: number;
}

export const invalidPrefix = (o: KubeObject) => `The ${o.kind} "${o.metadata.name}" is invalid`;

const hasNodePorts = (s: Service) => s.spec.type === 'NodePort' || s.spec.type === 'LoadBalancer';

/** ExternalName Services have no cluster IP; every other type has one (or `None`). */
export const needsClusterIP = (s: Service) => (s.spec.type ?? 'ClusterIP') !== 'ExternalName';

/**
 * Node ports: in the range, and not held by another Service. `owners` maps port -> `ns/name`, from
 * the store and from Services planned earlier in the request; it is updated, releasing the ports this
 * Service gives up (so one request may move a port from one Service to another, in that order).
 */
export function nodePortErrors(
  index: number,
  svc: Service,
  previous: Service | undefined,
  owners: Map<number, string>,
  limits: ApplyLimits,
): ApplyError[] {
  const self = `${svc.metadata.namespace}/${svc.metadata.name}`;
  const wanted = new Set(hasNodePorts(svc) ? (svc.spec.ports ?? []).map((p) => p.nodePort) : []);
  for (const p of previous?.spec.ports ?? []) {
    const kept = (svc.spec.ports ?? []).some(
      (q) => q.nodePort === undefined && q.port === p.port && q.protocol === p.protocol,
    );
    if (p.nodePort !== undefined && !wanted.has(p.nodePort) && !(kept && hasNodePorts(svc))) {
      if (owners.get(p.nodePort) === self) owners.delete(p.nodePort);
    }
  }
  // healthCheckNodePort comes from the same allocator: kept when unset, released otherwise.
  const hc = svc.spec.healthCheckNodePort;
  const hasHC = svc.spec.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
  const prevHC = previous?.spec.healthCheckNodePort;
  if (prevHC !== undefined && !(hasHC && (hc === undefined || hc === prevHC))) {
    if (owners.get(prevHC) === self) owners.delete(prevHC);
  }
  if (!hasNodePorts(svc)) return [];
  const errors: ApplyError[] = [];
  const { first, last } = limits.nodePortRange;
  const claim = (port: number, path: string) => {
    const fail = (code: string, detail: string) =>
      errors.push({
        index,
        path,
        code,
        message: `${invalidPrefix(svc)}: ${path}: Invalid value: ${port}: ${detail}`,
      });
    if (port < first || port > last) {
      fail(
        'L4_E_PORT_RANGE',
        `provided port is not in the valid range. The range of valid ports is ${first}-${last}`,
      );
      return;
    }
    const owner = owners.get(port);
    if (owner !== undefined && owner !== self) {
      fail('L4_E_PORT_ALLOCATED', 'provided port is already allocated');
    } else owners.set(port, self);
  };
  (svc.spec.ports ?? []).forEach((p, i) => {
    if (p.nodePort !== undefined) claim(p.nodePort, `spec.ports[${i}].nodePort`);
  });
  if (hasHC && hc !== undefined) claim(hc, 'spec.healthCheckNodePort');
  return errors;
}

/** A clusterIP the user asks for on a Service that gets a new allocation. */
export function clusterIPErrors(
  index: number,
  svc: Service,
  taken: (ip: string) => boolean,
  limits: ApplyLimits,
): ApplyError[] {
  const ip = svc.spec.clusterIP;
  if (!ip || ip === 'None' || !needsClusterIP(svc)) return [];
  const fail = (code: string, detail: string): ApplyError[] => [
    {
      index,
      path: 'spec.clusterIPs',
      code,
      message: `${invalidPrefix(svc)}: spec.clusterIPs: Invalid value: []string{"${ip}"}: failed to allocate IP ${ip}: ${detail}`,
    },
  ];
  if (!isIPv4(ip)) {
    // The registry infers the family from the address: IPv6 is not configured here. (Manifests
    // checked by @l4lab/manifests never get here; objects applied directly may.)
    const [path, message] = ip.includes(':')
      ? [
          'spec.clusterIPs[0]',
          `Invalid value: []string{"${ip}"}: IPv6 is not configured on this cluster`,
        ]
      : [
          'spec.clusterIPs[0]',
          `Invalid value: "${ip}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`,
        ];
    return [
      {
        index,
        path: 'spec.clusterIP',
        code: 'L4_E_INVALID',
        message: `${invalidPrefix(svc)}: ${path}: ${message}`,
      },
    ];
  }
  if (!limits.clusterIPInRange(ip)) {
    return fail(
      'L4_E_IP_RANGE',
      `the provided IP (${ip}) is not in the valid range. The IPs of the service CIDR are ${limits.serviceCIDR}`,
    );
  }
  return taken(ip) ? fail('L4_E_IP_ALLOCATED', 'provided IP is already allocated') : [];
}

const POD_MUTABLE =
  'pod updates may not change fields other than `spec.containers[*].image`,' +
  '`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` ' +
  '(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` ' +
  '(allow it to be set to 1 if it was previously negative)';

/**
 * A pod spec without what an update may change (images, deadlines, tolerations), defaulted as the
 * API server defaults both sides of an update (a pod kept by an older lab may lack a default).
 */
function podSpecSkeleton(p: Pod, keepNodeName: boolean): string {
  const bare = structuredClone(p.spec) as Pod['spec'] & Record<string, unknown>;
  for (const c of [...bare.containers, ...((bare.initContainers as typeof bare.containers) ?? [])])
    c.image = '';
  const spec = applyDefaults<Pod>({ ...p, spec: bare }).spec as typeof bare;
  delete spec.activeDeadlineSeconds;
  delete spec.tolerations;
  delete spec.terminationGracePeriodSeconds;
  // Scheduling gates may be removed (additions are refused on their own, below).
  delete spec.schedulingGates;
  // Ephemeral containers change through their subresource; an update keeps the pod's own.
  delete spec.ephemeralContainers;
  if (!keepNodeName) delete spec.nodeName;
  return stableStringify(spec);
}

export function immutabilityErrors(
  index: number,
  next: KubeObject,
  prev: KubeObject,
): ApplyError[] {
  const errors: ApplyError[] = [];
  const push = (path: string, detail: string) =>
    errors.push({
      index,
      path,
      code: 'L4_E_IMMUTABLE',
      message: `${invalidPrefix(next)}: ${path}: ${detail}`,
    });
  if (next.kind === 'Service' && prev.kind === 'Service') {
    const want = next.spec.clusterIP;
    const had = prev.spec.clusterIP;
    if (needsClusterIP(next) && needsClusterIP(prev) && want && had && want !== had) {
      push('spec.clusterIPs[0]', `Invalid value: []string{"${want}"}: may not change once set`);
    }
  }
  if (
    (next.kind === 'Deployment' && prev.kind === 'Deployment') ||
    (next.kind === 'ReplicaSet' && prev.kind === 'ReplicaSet') ||
    (next.kind === 'DaemonSet' && prev.kind === 'DaemonSet') ||
    (next.kind === 'Job' && prev.kind === 'Job')
  ) {
    if (stableStringify(next.spec.selector) !== stableStringify(prev.spec.selector)) {
      push(
        'spec.selector',
        `Invalid value: ${formatSelectorValue(next.spec.selector ?? {})}: field is immutable`,
      );
    }
  }
  if (next.kind === 'StatefulSet' && prev.kind === 'StatefulSet') {
    // ValidateStatefulSetUpdate: the spec but for these fields is fixed at create.
    const fixed = (spec: StatefulSet['spec']) => {
      const {
        replicas: _r,
        ordinals: _o,
        template: _t,
        updateStrategy: _u,
        revisionHistoryLimit: _h,
        persistentVolumeClaimRetentionPolicy: _p,
        minReadySeconds: _m,
        ...rest
      } = spec;
      return stableStringify(rest);
    };
    if (fixed(next.spec) !== fixed(prev.spec))
      push(
        'spec',
        "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      );
  }
  if (next.kind === 'Job' && prev.kind === 'Job') {
    // ValidateJobSpecUpdate. Kubernetes prints the whole template as a Go struct (%#v); its
    // middle is left out here.
    if (stableStringify(next.spec.template) !== stableStringify(prev.spec.template))
      push('spec.template', 'Invalid value: core.PodTemplateSpec{…}: field is immutable');
    const completions = next.spec.completions;
    if (
      completions !== prev.spec.completions &&
      !(next.spec.completionMode === 'Indexed' && completions === next.spec.parallelism)
    )
      push('spec.completions', `Invalid value: ${completions ?? 'null'}: field is immutable`);
  }
  if (next.kind === 'ClusterRoleBinding' && prev.kind === 'ClusterRoleBinding') {
    const r = next.roleRef;
    if (stableStringify(r) !== stableStringify(prev.roleRef)) {
      const value = `rbac.RoleRef{APIGroup:${JSON.stringify(r.apiGroup)}, Kind:${JSON.stringify(r.kind)}, Name:${JSON.stringify(r.name)}}`;
      push('roleRef', `Invalid value: ${value}: cannot change roleRef`);
    }
  }
  if (next.kind === 'Secret' && prev.kind === 'Secret' && next.type !== prev.type)
    push('type', `Invalid value: ${JSON.stringify(next.type ?? '')}: field is immutable`);
  if (next.kind === 'Secret' && prev.kind === 'Secret' && prev.immutable) {
    const locked = 'Forbidden: field is immutable when `immutable` is set';
    if (!next.immutable) push('immutable', locked);
    if (stableStringify(next.data ?? {}) !== stableStringify(prev.data ?? {})) push('data', locked);
  }
  if (next.kind === 'ConfigMap' && prev.kind === 'ConfigMap' && prev.immutable) {
    const locked = 'Forbidden: field is immutable when `immutable` is set';
    if (!next.immutable) push('immutable', locked);
    if (stableStringify(next.data ?? {}) !== stableStringify(prev.data ?? {})) push('data', locked);
    if (stableStringify(next.binaryData ?? {}) !== stableStringify(prev.binaryData ?? {}))
      push('binaryData', locked);
  }
  if (next.kind === 'EndpointSlice' && prev.kind === 'EndpointSlice') {
    if (next.addressType !== prev.addressType)
      push('addressType', `Invalid value: "${next.addressType}": field is immutable`);
  }
  if (next.kind === 'Pod' && prev.kind === 'Pod') {
    const keep = next.spec.nodeName !== undefined;
    if (podSpecSkeleton(next, keep) !== podSpecSkeleton(prev, keep)) {
      push('spec', `Forbidden: ${POD_MUTABLE}`);
    }
    for (const [path, detail] of addedSchedulingGates(next, prev)) push(path, detail);
  }
  return errors;
}

/** validateOnlyDeletedSchedulingGates: an update may drop gates, never add one. */
function addedSchedulingGates(next: Pod, prev: Pod): [string, string][] {
  const had = new Set((prev.spec.schedulingGates ?? []).map((g) => g.name));
  return (next.spec.schedulingGates ?? []).flatMap((g, i): [string, string][] =>
    had.has(g.name)
      ? []
      : [
          [
            `spec.schedulingGates[${i}].name`,
            `Forbidden: only deletion is allowed, but found new scheduling gate '${g.name}'`,
          ],
        ],
  );
}

function formatSelectorValue(selector: LabelSelector): string {
  const ml = Object.entries(selector.matchLabels ?? {})
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ');
  const me = selector.matchExpressions;
  const exprs =
    me && me.length > 0
      ? `[]v1.LabelSelectorRequirement{${me
          .map(
            (e) =>
              `v1.LabelSelectorRequirement{Key:"${e.key}", Operator:"${e.operator}", Values:[]string{${(e.values ?? []).map((v) => `"${v}"`).join(', ')}}}`,
          )
          .join(', ')}}`
      : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:map[string]string{${ml}}, MatchExpressions:${exprs}}`;
}

/** A dotted IPv4 address (four numbers 0-255). */
function isIPv4(ip: string): boolean {
  const parts = ip.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
