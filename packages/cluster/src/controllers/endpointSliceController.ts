import type { EndpointSlice, Service, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, ownedBy, splitKey } from './types.ts';
import { randomSuffix } from '../names.ts';
import { serviceSelects } from '../selectors.ts';
import { isPodReady } from '../podStatus.ts';
import {
  MAX_ENDPOINTS_PER_SLICE,
  desiredGroups,
  sliceLabels,
  slicePrefix,
} from './endpointSlicePlan.ts';
import type { SliceContent } from './endpointSliceReconciler.ts';
import { planSlices } from './endpointSliceReconciler.ts';
import { LABEL_TOPOLOGY_ZONE, reconcileHints, topologyModeAuto } from './endpointSliceHints.ts';

export { MAX_ENDPOINTS_PER_SLICE, resolveTargetPort } from './endpointSlicePlan.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

/** A Service's EndpointSlices that one controller manages (by its `managed-by` label). */
export function slicesManagedBy(
  store: ControllerContext['store'],
  namespace: string,
  service: string,
  managedBy: string,
): EndpointSlice[] {
  return store
    .list('EndpointSlice', namespace)
    .filter(
      (s) =>
        s.metadata.labels?.[SERVICE_NAME_LABEL] === service &&
        s.metadata.labels?.[MANAGED_BY_LABEL] === managedBy,
    );
}
const MANAGED_BY = 'endpointslice-controller.k8s.io';

/**
 * The EndpointSlice controller: for each Service with a selector, slices listing the matching pods
 * that have an IP, with ready / serving / terminating conditions; one group of slices per distinct
 * set of resolved ports (named targetPorts are resolved per pod), at most 100 endpoints a slice.
 */
export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  readonly #ctx: ControllerContext;
  readonly #maxEndpointsPerSlice: number;
  /** Services whose slices carry the topology annotation's hints (topologycache's populated set). */
  readonly #hintsPopulated = new Set<string>();

  constructor(ctx: ControllerContext, maxEndpointsPerSlice = MAX_ENDPOINTS_PER_SLICE) {
    this.#ctx = ctx;
    this.#maxEndpointsPerSlice = maxEndpointsPerSlice;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Service') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'EndpointSlice') {
      const svc = o.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc && event.type === 'DELETED' ? [`${o.metadata.namespace}/${svc}`] : [];
    }
    if (o.kind === 'Pod') {
      return this.#ctx.store
        .list('Service', o.metadata.namespace)
        .map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
    }
    // The zones' shares of CPU changed: the annotation's hints are worked out again.
    if (o.kind === 'Node') {
      return this.#ctx.store
        .list('Service')
        .filter(topologyModeAuto)
        .map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
    }
    return [];
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const svc = store.get('Service', ns, name);
    const managed = slicesManagedBy(store, ns, name, MANAGED_BY);
    if (!svc || !svc.spec.selector || svc.spec.type === 'ExternalName') {
      for (const s of managed) store.remove('EndpointSlice', ns, s.metadata.name);
      this.#hintsPopulated.delete(key);
      return;
    }
    // Slices of an earlier Service of the same name are garbage, never reused.
    const owned = managed.filter((s) => ownedBy(s, svc));
    for (const s of managed)
      if (!ownedBy(s, svc)) store.remove('EndpointSlice', ns, s.metadata.name);

    const pods = store
      .list('Pod', ns)
      .filter((p) => serviceSelects(svc.spec.selector, p.metadata.labels));
    const nodes = store.list('Node');
    const zones = new Map(
      nodes.map((n) => [n.metadata.name, n.metadata.labels?.[LABEL_TOPOLOGY_ZONE]]),
    );
    const hinted = reconcileHints(
      svc,
      planSlices(
        owned,
        desiredGroups(svc, pods, isPodReady, (node) => zones.get(node) || undefined),
        this.#maxEndpointsPerSlice,
      ),
      nodes,
      this.#hintsPopulated.has(key),
    );
    const plan = hinted.plan;
    if (hinted.populated) this.#hintsPopulated.add(key);
    else this.#hintsPopulated.delete(key);
    for (const e of hinted.events)
      this.#ctx.events.record(svc, e.type, e.reason, e.message, {
        component: 'endpoint-slice-controller',
      });
    const labels = sliceLabels(svc, MANAGED_BY);
    const byName = new Map(owned.map((s) => [s.metadata.name, s]));
    for (const content of plan.create) store.put(this.#slice(svc, undefined, content, labels));
    for (const u of plan.update) store.put(this.#slice(svc, byName.get(u.name), u.content, labels));
    for (const s of plan.unchanged) {
      if (JSON.stringify(s.metadata.labels) !== JSON.stringify(labels)) {
        store.put(this.#slice(svc, s, s, labels));
      }
    }
    for (const s of plan.delete) store.remove('EndpointSlice', ns, s.metadata.name);
  }

  #newName(svc: Service): string {
    const ns = svc.metadata.namespace;
    for (;;) {
      const name = `${slicePrefix(svc.metadata.name)}${randomSuffix(5, this.#ctx.random)}`;
      if (!this.#ctx.store.get('EndpointSlice', ns, name)) return name;
    }
  }

  #slice(
    svc: Service,
    current: EndpointSlice | undefined,
    content: SliceContent,
    labels: Record<string, string>,
  ): EndpointSlice {
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...(current?.metadata ?? {
          uid: this.#ctx.newUid(),
          creationTimestamp: this.#ctx.nowIso(),
        }),
        name: current?.metadata.name ?? this.#newName(svc),
        namespace: svc.metadata.namespace ?? 'default',
        generateName: slicePrefix(svc.metadata.name),
        labels,
        ownerReferences: [controllerRef(svc)],
      },
      addressType: 'IPv4',
      endpoints: content.endpoints,
      ports: content.ports,
    };
  }
}
