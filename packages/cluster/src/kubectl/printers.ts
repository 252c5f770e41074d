// kubectl's table columns per kind (pkg/printers/internalversion/printers.go), as pure functions.
import type {
  Deployment,
  Endpoints,
  EndpointSlice,
  KubeObject,
  LabelSelector,
  Namespace,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '@l4lab/protocol';
import { podStatusText } from '@l4lab/protocol';
import { age } from './duration.ts';

export interface PrintContext {
  now: number;
}

export interface Printer<T extends KubeObject = KubeObject> {
  headers: string[];
  wide: string[];
  row(o: T, c: PrintContext): string[];
  wideRow(o: T, c: PrintContext): string[];
}

const none = (s: string | undefined) => (s ? s : '<none>');

/** labels.FormatLabels: `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.FormatLabelSelector: every requirement, matchLabels' and expressions', sorted by key. */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  const parts: [key: string, text: string][] = Object.entries(sel.matchLabels ?? {}).map(
    ([k, v]) => [k, `${k}=${v}`],
  );
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push([e.key, `${e.key} in (${values})`]);
    else if (e.operator === 'NotIn') parts.push([e.key, `${e.key} notin (${values})`]);
    else if (e.operator === 'Exists') parts.push([e.key, e.key]);
    else if (e.operator === 'DoesNotExist') parts.push([e.key, `!${e.key}`]);
  }
  // labels.Selector's String(): requirements in key order (a stable sort keeps ties as written).
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return parts.length === 0 ? '<none>' : parts.map((p) => p[1]).join(',');
}

const created = (o: KubeObject, c: PrintContext) => age(o.metadata.creationTimestamp, c.now);

export const podPrinter: Printer<Pod> = {
  headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
  row(p, c) {
    const statuses = p.status?.containerStatuses ?? [];
    const ready = statuses.filter((s) => s.ready).length;
    const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
    return [
      p.metadata.name,
      `${ready}/${p.spec.containers.length}`,
      podStatusText(p),
      String(restarts),
      created(p, c),
    ];
  },
  wideRow: (p) => [none(p.status?.podIP), none(p.spec.nodeName), '<none>', '<none>'],
};

function servicePorts(s: Service): string {
  const ports = s.spec.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) =>
      p.nodePort
        ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}`
        : `${p.port}/${p.protocol ?? 'TCP'}`,
    )
    .join(',');
}

function serviceExternalIP(s: Service): string {
  const external = s.spec.externalIPs ?? [];
  switch (s.spec.type ?? 'ClusterIP') {
    case 'ExternalName':
      return s.spec.externalName ?? '<none>';
    case 'LoadBalancer': {
      const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
      const all = [...external, ...lb];
      if (lb.length > 0 || external.length > 0) return all.join(',');
      return '<pending>';
    }
    default:
      return external.length > 0 ? external.join(',') : '<none>';
  }
}

export const servicePrinter: Printer<Service> = {
  headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
  wide: ['SELECTOR'],
  row: (s, c) => [
    s.metadata.name,
    s.spec.type ?? 'ClusterIP',
    s.spec.type === 'ExternalName' ? '<none>' : none(s.spec.clusterIP),
    serviceExternalIP(s),
    servicePorts(s),
    created(s, c),
  ],
  wideRow: (s) => [formatLabels(s.spec.selector)],
};

/**
 * printers.go formatEndpoints: ready `ip:port` per subset and port (an address alone for a subset
 * without ports), at most 3, then `+ N more...`; `<none>` without subsets.
 */
function formatEndpoints(e: Endpoints): string {
  const subsets = e.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    const hostPorts = ports.length === 0 ? [''] : ports.map((p) => `:${p.port}`);
    for (const port of hostPorts) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(`${a.ip}${port}`);
    }
  }
  const text = list.join(',');
  return count > 3 ? `${text} + ${count - 3} more...` : text;
}

export const endpointsPrinter: Printer<Endpoints> = {
  headers: ['NAME', 'ENDPOINTS', 'AGE'],
  wide: [],
  row: (e, c) => [e.metadata.name, formatEndpoints(e), created(e, c)],
  wideRow: () => [],
};

function formatMore(list: string[], count: number): string {
  if (count === 0) return '<unset>';
  const shown = list.slice(0, 3).join(',');
  return count > 3 ? `${shown} + ${count - 3} more...` : shown;
}

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  headers: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
  wide: [],
  row(s, c) {
    const addresses = s.endpoints.flatMap((e) => e.addresses);
    const ports = s.ports.map((p) => String(p.port));
    return [
      s.metadata.name,
      s.addressType,
      formatMore(ports, ports.length),
      formatMore(addresses, addresses.length),
      created(s, c),
    ];
  },
  wideRow: () => [],
};

const containers = (t: Pod['spec']) => t.containers.map((x) => x.name).join(',');
const images = (t: Pod['spec']) => t.containers.map((x) => x.image).join(',');

export const deploymentPrinter: Printer<Deployment> = {
  headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
  wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  row: (d, c) => [
    d.metadata.name,
    `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`,
    String(d.status?.updatedReplicas ?? 0),
    String(d.status?.availableReplicas ?? 0),
    created(d, c),
  ],
  wideRow: (d) => [
    containers(d.spec.template.spec),
    images(d.spec.template.spec),
    formatLabelSelector(d.spec.selector),
  ],
};

export const replicaSetPrinter: Printer<ReplicaSet> = {
  headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
  wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
  row: (r, c) => [
    r.metadata.name,
    String(r.spec.replicas),
    String(r.status?.replicas ?? 0),
    String(r.status?.readyReplicas ?? 0),
    created(r, c),
  ],
  wideRow: (r) => [
    containers(r.spec.template.spec),
    images(r.spec.template.spec),
    formatLabelSelector(r.spec.selector),
  ],
};

function nodeStatus(n: Node): string {
  const ready = n.status.conditions.find((x) => x.type === 'Ready');
  const base = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  const unschedulable = (n.spec as { unschedulable?: boolean }).unschedulable === true;
  return unschedulable ? `${base},SchedulingDisabled` : base;
}

/** `control-plane,worker` from the node-role.kubernetes.io/ labels; `<none>` without one. */
export function nodeRoles(n: Node): string {
  const prefix = 'node-role.kubernetes.io/';
  const roles = Object.keys(n.metadata.labels ?? {})
    .filter((k) => k.startsWith(prefix) && k.length > prefix.length)
    .map((k) => k.slice(prefix.length))
    .sort();
  return roles.length === 0 ? '<none>' : roles.join(',');
}

interface NodeInfo {
  kubeletVersion?: string;
  osImage?: string;
  kernelVersion?: string;
  containerRuntimeVersion?: string;
}

const nodeInfo = (n: Node): NodeInfo => (n.status as { nodeInfo?: NodeInfo }).nodeInfo ?? {};
const unknown = (s: string | undefined) => (s ? s : '<unknown>');

export const nodePrinter: Printer<Node> = {
  headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
  wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
  row: (n, c) => [
    n.metadata.name,
    nodeStatus(n),
    nodeRoles(n),
    created(n, c),
    nodeInfo(n).kubeletVersion ?? '',
  ],
  wideRow: (n) => [
    none(n.status.addresses.find((a) => a.type === 'InternalIP')?.address),
    none(n.status.addresses.find((a) => (a.type as string) === 'ExternalIP')?.address),
    unknown(nodeInfo(n).osImage),
    unknown(nodeInfo(n).kernelVersion),
    unknown(nodeInfo(n).containerRuntimeVersion),
  ],
};

export const namespacePrinter: Printer<Namespace> = {
  headers: ['NAME', 'STATUS', 'AGE'],
  wide: [],
  row: (n, c) => [n.metadata.name, n.status?.phase ?? 'Active', created(n, c)],
  wideRow: () => [],
};
