// What a pod asks of a node and what a node offers, as NodeResourcesFit counts them: cpu in
// millicores, every other resource (memory, ephemeral-storage, nvidia.com/gpu, ...) in whole units.
import type { Container, Node, Pod, ResourceList } from '@l4lab/protocol';
import { quantityMilliValue, quantityValue } from './quantity.ts';

export type Resources = Map<string, number>;

/** How many of `name` a quantity is: millicores for cpu, units otherwise (0 when unreadable). */
function amount(name: string, q: string | number): number {
  const v = name === 'cpu' ? quantityMilliValue(q) : quantityValue(q);
  return Number.isFinite(v) ? v : 0;
}

function toResources(list: ResourceList | undefined): Resources {
  return new Map(Object.entries(list ?? {}).map(([name, q]) => [name, amount(name, q)]));
}

/**
 * A container's requests. A limit without a request stands for the request, as the API server's
 * defaulting sets it (so `limits: {nvidia.com/gpu: 1}` alone asks for one GPU).
 */
function containerRequests(c: Container): Resources {
  const requests = toResources(c.resources?.requests);
  for (const [name, v] of toResources(c.resources?.limits)) {
    if (!requests.has(name)) requests.set(name, v);
  }
  return requests;
}

/**
 * The pod's request (computePodResourceRequest): the sum over its containers, raised to any init
 * container's own request, since init containers run one at a time before the others.
 */
export function podRequests(pod: Pod): Resources {
  const total: Resources = new Map();
  for (const c of pod.spec.containers) {
    for (const [name, v] of containerRequests(c)) total.set(name, (total.get(name) ?? 0) + v);
  }
  for (const c of pod.spec.initContainers ?? []) {
    for (const [name, v] of containerRequests(c)) {
      if (v > (total.get(name) ?? 0)) total.set(name, v);
    }
  }
  return total;
}

export function addResources(into: Resources, more: Resources): void {
  for (const [name, v] of more) into.set(name, (into.get(name) ?? 0) + v);
}

/** status.allocatable (capacity when a node reports no allocatable). */
export function nodeAllocatable(node: Node): Resources {
  return toResources(node.status.allocatable ?? node.status.capacity);
}

export interface InsufficientResource {
  reason: string;
  /** The pod asks for more than the node has at all: removing other pods would not help. */
  unresolvable: boolean;
}

const FIRST = ['cpu', 'memory', 'ephemeral-storage'];

/**
 * NodeResourcesFit's fitsRequest: `Too many pods` past the node's pod capacity, then
 * `Insufficient <resource>` for each resource the pod asks more of than is left (allocatable
 * minus what the pods already on the node request).
 */
export function insufficientResources(
  request: Resources,
  allocatable: Resources,
  requested: Resources,
  podsOnNode: number,
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  if (podsOnNode + 1 > (allocatable.get('pods') ?? 0)) {
    out.push({ reason: 'Too many pods', unresolvable: false });
  }
  const names = [...request.keys()].filter((n) => n !== 'pods');
  const ordered = [
    ...FIRST.filter((n) => names.includes(n)),
    ...names.filter((n) => !FIRST.includes(n)).sort(),
  ];
  for (const name of ordered) {
    const want = request.get(name) ?? 0;
    const has = allocatable.get(name) ?? 0;
    if (want > 0 && want > has - (requested.get(name) ?? 0)) {
      out.push({ reason: `Insufficient ${name}`, unresolvable: want > has });
    }
  }
  return out;
}
