// What the API reads: stored objects by resource, and the three it derives (Endpoints users did not
// write, from a Service's EndpointSlices; Events, from the cluster's recorder; the nodes' Leases
// in kube-node-lease, from the Nodes), filtered like the API server filters a LIST (namespace,
// labelSelector, fieldSelector).
import { createHash } from 'node:crypto';
import type { KubeEvent, KubeObject, Node, ObjectMeta } from '@l4lab/protocol';
import {
  listEndpoints,
  matchesSelector,
  nodeLeaseRenewedAt,
  parseSelector,
  type EventRecorder,
  type ObjectStore,
} from '@l4lab/cluster';
import type { ApiResource } from './resources.ts';

/** A Kubernetes object as the API returns it: apiVersion, kind, metadata, and the rest. */
export type ApiObject = { apiVersion: string; kind: string; metadata: ObjectMeta } & Record<
  string,
  unknown
>;

export interface ListOptions {
  namespace?: string;
  /** The cluster's event recorder, for the events resources. */
  events?: EventRecorder;
  /** The clock, for what is derived from it (a Lease's renewTime). */
  now?: () => number;
  labelSelector?: string;
  fieldSelector?: string;
}

/** A selector the API server would refuse (400 BadRequest), with its words. */
export class SelectorError extends Error {}

/** A LIST's or WATCH's label and field selectors as one test of an object (SelectorError if bad). */
export function selectorOf(o: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>) {
  const labels = o.labelSelector ? parseLabels(o.labelSelector) : undefined;
  const fields = o.fieldSelector ? parseFields(o.fieldSelector) : undefined;
  return (item: ApiObject): boolean =>
    (!labels || matchesSelector(labels, item.metadata.labels ?? {})) &&
    (!fields || fields.every((f) => fieldMatches(item, f)));
}

export function listObjects(
  store: ObjectStore,
  r: ApiResource,
  o: ListOptions,
): { items: ApiObject[]; printed: KubeObject[] } {
  const selected = selectorOf(o);
  const items: ApiObject[] = [];
  const printed: KubeObject[] = [];
  for (const obj of printedObjects(store, r, o.namespace, o)) {
    const item = apiObjectOf(r, obj);
    if (!selected(item)) continue;
    items.push(item);
    printed.push(obj);
  }
  return { items, printed };
}

export function getObject(
  store: ObjectStore,
  r: ApiResource,
  namespace: string | undefined,
  name: string,
  derive: Pick<ListOptions, 'events' | 'now'> = {},
): { item: ApiObject; printed: KubeObject } | undefined {
  const found = printedObjects(store, r, namespace, derive).find((o) => o.metadata.name === name);
  return found && { item: apiObjectOf(r, found), printed: found };
}

function apiObjectOf(r: ApiResource, o: KubeObject): ApiObject {
  if (r.kind === 'Event' && r.group === 'events.k8s.io') return eventsV1(o as unknown as KubeEvent);
  return o as unknown as ApiObject;
}

/** A core v1 Event as events.k8s.io/v1 words it. */
export function eventsV1(e: KubeEvent): ApiObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: null,
    reason: e.reason,
    note: e.message,
    type: e.type,
    regarding: e.involvedObject,
    reportingController: e.reportingComponent,
    reportingInstance: e.source.host ?? '',
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  };
}

/** The objects a resource shows (Endpoints: stored and derived ones). */
function printedObjects(
  store: ObjectStore,
  r: ApiResource,
  namespace: string | undefined,
  derive: Pick<ListOptions, 'events' | 'now'>,
): KubeObject[] {
  if (r.kind === 'Event') return (derive.events?.list(namespace) ?? []) as unknown as KubeObject[];
  if (r.kind === 'Lease') {
    if (namespace !== undefined && namespace !== NODE_LEASE_NAMESPACE) return [];
    const now = derive.now?.() ?? Date.now();
    return store.list('Node').map((n) => nodeLease(n, now) as unknown as KubeObject);
  }
  if (r.kind === 'Endpoints') return listEndpoints(store, namespace);
  const kind = r.kind as KubeObject['kind'];
  return store.list(kind, r.namespaced ? namespace : undefined);
}

function parseLabels(text: string) {
  try {
    return parseSelector(text);
  } catch (err) {
    throw new SelectorError(
      `unable to parse requirement: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

interface FieldRequirement {
  path: string;
  value: string;
  equal: boolean;
}

/** `metadata.name=x,spec.nodeName!=node-1` (fields.ParseSelector: =, ==, !=). */
function parseFields(text: string): FieldRequirement[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim());
      if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${part}'`);
      return { path: m[1]!, value: m[3]!, equal: m[2] !== '!=' };
    });
}

function fieldMatches(o: ApiObject, f: FieldRequirement): boolean {
  let v: unknown = o;
  for (const key of f.path.split('.')) v = (v as Record<string, unknown> | undefined)?.[key];
  const s = v === undefined || v === null ? '' : String(v);
  return (s === f.value) === f.equal;
}

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** How long a node's Lease holds without renewal (the kubelet's nodeLeaseDurationSeconds). */
const LEASE_DURATION_SECONDS = 40;

/**
 * A node's Lease in kube-node-lease, the kubelet's heartbeat (`kubectl describe node`'s Lease):
 * renewed every 10 s while the node is Ready; a stopped node's last renewal is when it stopped.
 */
export function nodeLease(node: Node, now: number): ApiObject {
  const name = node.metadata.name;
  const renewed = nodeLeaseRenewedAt(node, now);
  const uid = createHash('sha256')
    .update(`lease/${node.metadata.uid ?? name}`)
    .digest('hex');
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      uid: `${uid.slice(0, 8)}-${uid.slice(8, 12)}-${uid.slice(12, 16)}-${uid.slice(16, 20)}-${uid.slice(20, 32)}`,
      ...(node.metadata.resourceVersion ? { resourceVersion: node.metadata.resourceVersion } : {}),
      ...(node.metadata.creationTimestamp
        ? { creationTimestamp: node.metadata.creationTimestamp }
        : {}),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
    },
    spec: {
      holderIdentity: name,
      leaseDurationSeconds: LEASE_DURATION_SECONDS,
      // MicroTime: RFC 3339 with microseconds.
      renewTime: new Date(renewed).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z'),
    },
  };
}
