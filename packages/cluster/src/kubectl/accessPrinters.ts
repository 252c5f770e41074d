// kubectl's columns for DaemonSets, StatefulSets, Jobs, NetworkPolicies, PodDisruptionBudgets, ControllerRevisions, ServiceAccounts, Secrets, ConfigMaps, ClusterRoles and ClusterRoleBindings
// (pkg/printers/internalversion/printers.go), as pure functions.
import type {
  ClusterRole,
  ClusterRoleBinding,
  ConfigMap,
  ControllerRevision,
  DaemonSet,
  Job,
  KubeObject,
  NetworkPolicy,
  PodDisruptionBudget,
  Secret,
  ServiceAccount,
  StatefulSet,
} from '@l4lab/protocol';
import { age, humanDuration } from './duration.ts';
import { formatLabels, formatLabelSelector, type PrintContext, type Printer } from './printers.ts';

const created = (o: KubeObject, c: PrintContext) => age(o.metadata.creationTimestamp, c.now);

export const daemonSetPrinter: Printer<DaemonSet> = {
  headers: [
    'NAME',
    'DESIRED',
    'CURRENT',
    'READY',
    'UP-TO-DATE',
    'AVAILABLE',
    'NODE SELECTOR',
    'AGE',
  ],
  wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  row: (d, c) => [
    d.metadata.name,
    String(d.status?.desiredNumberScheduled ?? 0),
    String(d.status?.currentNumberScheduled ?? 0),
    String(d.status?.numberReady ?? 0),
    String(d.status?.updatedNumberScheduled ?? 0),
    String(d.status?.numberAvailable ?? 0),
    formatLabels(d.spec.template.spec.nodeSelector),
    created(d, c),
  ],
  wideRow: (d) => [
    d.spec.template.spec.containers.map((x) => x.name).join(','),
    d.spec.template.spec.containers.map((x) => x.image).join(','),
    formatLabelSelector(d.spec.selector),
  ],
};

/** printStatefulSet: READY is the ready replicas of those asked for. */
export const statefulSetPrinter: Printer<StatefulSet> = {
  headers: ['NAME', 'READY', 'AGE'],
  wide: ['CONTAINERS', 'IMAGES'],
  row: (s, c) => [
    s.metadata.name,
    `${s.status?.readyReplicas ?? 0}/${s.spec.replicas ?? 1}`,
    created(s, c),
  ],
  wideRow: (s) => [
    s.spec.template.spec.containers.map((x) => x.name).join(','),
    s.spec.template.spec.containers.map((x) => x.image).join(','),
  ],
};

/** printPodDisruptionBudget: a bound not set is N/A. */
export const podDisruptionBudgetPrinter: Printer<PodDisruptionBudget> = {
  headers: ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'],
  row: (p, c) => [
    p.metadata.name,
    p.spec.minAvailable === undefined ? 'N/A' : String(p.spec.minAvailable),
    p.spec.maxUnavailable === undefined ? 'N/A' : String(p.spec.maxUnavailable),
    String(p.status?.disruptionsAllowed ?? 0),
    created(p, c),
  ],
  wide: [],
  wideRow: () => [],
};

/** printNetworkPolicy: the pods it selects. */
export const networkPolicyPrinter: Printer<NetworkPolicy> = {
  headers: ['NAME', 'POD-SELECTOR', 'AGE'],
  row: (p, c) => [p.metadata.name, formatLabelSelector(p.spec.podSelector), created(p, c)],
  wide: [],
  wideRow: () => [],
};

/** printJob: STATUS from the conditions, COMPLETIONS succeeded of wanted, DURATION start to end. */
export const jobPrinter: Printer<Job> = {
  headers: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'],
  wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  row: (j, c) => {
    const succeeded = j.status?.succeeded ?? 0;
    const parallelism = j.spec.parallelism ?? 0;
    const completions =
      j.spec.completions !== undefined
        ? `${succeeded}/${j.spec.completions}`
        : parallelism > 1
          ? `${succeeded}/1 of ${parallelism}`
          : `${succeeded}/1`;
    const start = j.status?.startTime ? Date.parse(j.status.startTime) : undefined;
    const end = j.status?.completionTime ? Date.parse(j.status.completionTime) : c.now;
    const duration = start === undefined ? '' : humanDuration(end - start);
    const has = (type: string) =>
      (j.status?.conditions ?? []).some((x) => x.type === type && x.status === 'True');
    const status = has('Complete')
      ? 'Complete'
      : has('Failed')
        ? 'Failed'
        : j.metadata.deletionTimestamp
          ? 'Terminating'
          : has('Suspended')
            ? 'Suspended'
            : has('FailureTarget')
              ? 'FailureTarget'
              : 'Running';
    return [j.metadata.name, status, completions, duration, created(j, c)];
  },
  wideRow: (j) => [
    j.spec.template.spec.containers.map((x) => x.name).join(','),
    j.spec.template.spec.containers.map((x) => x.image).join(','),
    formatLabelSelector(j.spec.selector),
  ],
};

/** printControllerRevision: CONTROLLER is `<kind>.<group>/<name>` of its controller owner. */
export const controllerRevisionPrinter: Printer<ControllerRevision> = {
  headers: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'],
  wide: [],
  row: (r, c) => {
    const owner = r.metadata.ownerReferences?.find((o) => o.controller);
    const group = owner?.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
    const controller = owner
      ? `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`
      : '<none>';
    return [r.metadata.name, controller, String(r.revision), created(r, c)];
  },
  wideRow: () => [],
};

export const serviceAccountPrinter: Printer<ServiceAccount> = {
  headers: ['NAME', 'SECRETS', 'AGE'],
  wide: [],
  row: (s, c) => [s.metadata.name, String((s.secrets ?? []).length), created(s, c)],
  wideRow: () => [],
};

export const secretPrinter: Printer<Secret> = {
  headers: ['NAME', 'TYPE', 'DATA', 'AGE'],
  wide: [],
  row: (s, c) => [
    s.metadata.name,
    s.type ?? 'Opaque',
    String(Object.keys(s.data ?? {}).length),
    created(s, c),
  ],
  wideRow: () => [],
};

export const configMapPrinter: Printer<ConfigMap> = {
  headers: ['NAME', 'DATA', 'AGE'],
  wide: [],
  row: (m, c) => [
    m.metadata.name,
    String(Object.keys(m.data ?? {}).length + Object.keys(m.binaryData ?? {}).length),
    created(m, c),
  ],
  wideRow: () => [],
};

export const clusterRolePrinter: Printer<ClusterRole> = {
  headers: ['NAME', 'CREATED AT'],
  wide: [],
  // metav1.Time's RFC 3339, to the second.
  row: (r) => [r.metadata.name, (r.metadata.creationTimestamp ?? '').replace(/\.\d+Z$/, 'Z')],
  wideRow: () => [],
};

const subjectsOf = (b: ClusterRoleBinding, kind: string) =>
  (b.subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');

export const clusterRoleBindingPrinter: Printer<ClusterRoleBinding> = {
  headers: ['NAME', 'ROLE', 'AGE'],
  wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'],
  row: (b, c) => [b.metadata.name, `${b.roleRef.kind}/${b.roleRef.name}`, created(b, c)],
  wideRow: (b) => [subjectsOf(b, 'User'), subjectsOf(b, 'Group'), subjectsOf(b, 'ServiceAccount')],
};
