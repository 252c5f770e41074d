// The lab's own quota: every pod is a real process or container and every Service frontend a
// listening socket on this laptop, so their totals are bounded (LAB_LIMITS), and an apply past one
// is refused as a ResourceQuota refuses it: `exceeded quota: l4lab-limits, requested: ..., used:
// ..., limited: ...`, on the first object that goes over, with nothing applied.
import { LAB_LIMITS, LAB_QUOTA_NAME, type KubeObject, type Service } from '@l4lab/protocol';
import type { ApplyError, NamespaceQuota } from './applyChecks.ts';

/** The planned writes of an apply, in request order (apply.ts's PlannedWrite). */
interface QuotaWrite {
  index: number;
  object: KubeObject;
}

interface QuotaStore {
  list(
    kind:
      | 'Deployment'
      | 'ReplicaSet'
      | 'DaemonSet'
      | 'StatefulSet'
      | 'Job'
      | 'Pod'
      | 'Service'
      | 'Node',
  ): KubeObject[];
}

type Resource = 'pods' | 'services' | 'frontends';

const LIMITED: Record<Resource, number> = {
  pods: LAB_LIMITS.pods,
  services: LAB_LIMITS.services,
  frontends: LAB_LIMITS.frontends,
};

/** `deployments.apps`, `services`, `pods`: how the API server names a resource in errors. */
const RESOURCE_OF: Record<string, string> = {
  Deployment: 'deployments.apps',
  ReplicaSet: 'replicasets.apps',
  DaemonSet: 'daemonsets.apps',
  StatefulSet: 'statefulsets.apps',
  Job: 'jobs.batch',
  Service: 'services',
  Pod: 'pods',
};

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * Listening sockets a Service takes: per port, its ClusterIP, a NodePort on every node, its
 * LoadBalancer address, its external IPs. Headless and ExternalName Services take none.
 */
export function frontendCount(svc: Service, nodes: number): number {
  if (svc.spec.type === 'ExternalName' || svc.spec.clusterIP === 'None') return 0;
  const perPort =
    1 +
    (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer' ? nodes : 0) +
    (svc.spec.type === 'LoadBalancer' ? 1 : 0) +
    (svc.spec.externalIPs?.length ?? 0);
  return (svc.spec.ports ?? []).filter((p) => p.protocol !== 'SCTP').length * perPort;
}

/** What an object asks of each limited resource. */
function demands(o: KubeObject, nodes: number): [Resource, number, string][] {
  if (o.kind === 'Deployment' || o.kind === 'StatefulSet')
    return [['pods', o.spec.replicas ?? 1, 'spec.replicas']];
  // A Deployment's ReplicaSets are counted in it; a user's own ReplicaSet asks for its replicas.
  if (o.kind === 'ReplicaSet' && !o.metadata.ownerReferences?.length)
    return [['pods', o.spec.replicas ?? 1, 'spec.replicas']];
  if (o.kind === 'Pod' && !o.metadata.ownerReferences?.length)
    return [['pods', 1, 'metadata.name']];
  // A DaemonSet's pods: one a node at most, as many as the lab has nodes.
  if (o.kind === 'DaemonSet') return [['pods', nodes, 'spec.template']];
  // A Job's running pods: its parallelism until it is finished (its pods then hold no process).
  if (o.kind === 'Job') {
    const finished = (o.status?.conditions ?? []).some(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    return [
      ['pods', finished || o.spec.suspend ? 0 : (o.spec.parallelism ?? 1), 'spec.parallelism'],
    ];
  }
  if (o.kind === 'Service') {
    return [
      ['services', 1, 'metadata.name'],
      ['frontends', frontendCount(o, nodes), 'spec.ports'],
    ];
  }
  return [];
}

export function quotaErrors(
  store: QuotaStore,
  writes: readonly QuotaWrite[],
  namespaceQuota?: (namespace: string) => NamespaceQuota | undefined,
): ApplyError[] {
  const lab = labQuotaErrors(store, writes);
  if (lab.length > 0 || !namespaceQuota) return lab;
  return namespaceQuotaErrors(store, writes, namespaceQuota);
}

/** The kinds whose objects ask the quotas for something (demands). */
const QUOTA_KINDS = [
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'Pod',
  'Service',
] as const;

function labQuotaErrors(store: QuotaStore, writes: readonly QuotaWrite[]): ApplyError[] {
  const nodes = store.list('Node').length;
  const held: Record<Resource, Map<string, number>> = {
    pods: new Map(),
    services: new Map(),
    frontends: new Map(),
  };
  for (const kind of QUOTA_KINDS) {
    for (const o of store.list(kind))
      for (const [r, n] of demands(o, nodes)) held[r].set(keyOf(o), n);
  }
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const used: Record<Resource, number> = {
    pods: sum(held.pods),
    services: sum(held.services),
    frontends: sum(held.frontends),
  };
  const total = { ...used };
  for (const w of writes) {
    const o = w.object;
    for (const [r, n, path] of demands(o, nodes)) {
      const requested = n - (held[r].get(keyOf(o)) ?? 0);
      held[r].set(keyOf(o), n);
      total[r] += requested;
      if (requested <= 0 || total[r] <= LIMITED[r]) continue;
      const what = `${RESOURCE_OF[o.kind] ?? o.kind.toLowerCase()} "${o.metadata.name}"`;
      return [
        {
          index: w.index,
          path,
          code: 'L4_E_QUOTA',
          message:
            `${what} is forbidden: exceeded quota: ${LAB_QUOTA_NAME}, requested: ${r}=${requested}, ` +
            `used: ${r}=${total[r] - requested}, limited: ${r}=${LIMITED[r]}`,
        },
      ];
    }
  }
  return [];
}

/**
 * A namespace's own quota (a workshop student's): pods and Services counted in that namespace
 * only, refused with the same wording under the quota's name.
 */
function namespaceQuotaErrors(
  store: QuotaStore,
  writes: readonly QuotaWrite[],
  quotaOf: (namespace: string) => NamespaceQuota | undefined,
): ApplyError[] {
  const nodes = store.list('Node').length;
  const held = new Map<string, number>(); // "resource|key" -> n
  const used = new Map<string, number>(); // "namespace|resource" -> n
  const add = (ns: string, r: string, n: number) =>
    used.set(`${ns}|${r}`, (used.get(`${ns}|${r}`) ?? 0) + n);
  for (const kind of QUOTA_KINDS) {
    for (const o of store.list(kind)) {
      const ns = o.metadata.namespace ?? 'default';
      if (!quotaOf(ns)) continue;
      for (const [r, n] of demands(o, nodes)) {
        held.set(`${r}|${keyOf(o)}`, n);
        add(ns, r, n);
      }
    }
  }
  for (const w of writes) {
    const o = w.object;
    const ns = o.metadata.namespace ?? 'default';
    const quota = quotaOf(ns);
    if (!quota) continue;
    for (const [r, n, path] of demands(o, nodes)) {
      if (r === 'frontends') continue;
      const requested = n - (held.get(`${r}|${keyOf(o)}`) ?? 0);
      held.set(`${r}|${keyOf(o)}`, n);
      add(ns, r, requested);
      const total = used.get(`${ns}|${r}`)!;
      const limit = quota[r];
      if (requested <= 0 || total <= limit) continue;
      const what = `${RESOURCE_OF[o.kind] ?? o.kind.toLowerCase()} "${o.metadata.name}"`;
      return [
        {
          index: w.index,
          path,
          code: 'L4_E_QUOTA',
          message:
            `${what} is forbidden: exceeded quota: ${quota.name}, requested: ${r}=${requested}, ` +
            `used: ${r}=${total - requested}, limited: ${r}=${limit}`,
        },
      ];
    }
  }
  return [];
}
