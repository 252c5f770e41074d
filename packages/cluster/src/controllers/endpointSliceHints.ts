// The topology step of the EndpointSlice reconciler: which zones (and nodes) each ready endpoint
// is hinted for, so that kube-proxy on a node may keep its connections close. Two sources, as in
// staging/src/k8s.io/endpointslice: the `service.kubernetes.io/topology-mode: Auto` annotation
// (topologycache: endpoints shared out between zones in proportion to their nodes' CPU, or no
// hints at all, with a Warning event saying why) and, without it, `spec.trafficDistribution`
// (trafficdist: every ready endpoint hinted for its own zone, and for its node with
// PreferSameNode). Neither: no hints.
import type { Endpoint, EndpointSlice, Node, Service } from '@l4lab/protocol';
import { quantityMilliValue } from '../scheduling/quantity.ts';
import type { SliceContent, SlicePlan } from './endpointSliceReconciler.ts';

export const ANNOTATION_TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
export const DEPRECATED_ANNOTATION_TOPOLOGY_AWARE_HINTS =
  'service.kubernetes.io/topology-aware-hints';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

/** The most an endpoint's zone may be over its share (topologycache's overloadThreshold). */
const OVERLOAD_THRESHOLD = 0.2;

export const HINTS_MESSAGES = {
  noZoneSpecified: 'One or more endpoints do not have a zone specified',
  noAllocatedHintsForZones: 'No hints allocated for zones',
  enabled: 'Topology Aware Hints has been enabled',
  disabled: 'Topology Aware Hints has been disabled',
  insufficientNodeInfo:
    'Insufficient Node information: allocatable CPU or zone not specified on one or more nodes',
  nodesReadyInOneZoneOnly: 'Nodes only ready in one zone',
  insufficientNumberOfEndpoints: 'Insufficient number of endpoints',
  minAllocationExceedsOverloadThreshold:
    'Unable to allocate minimum required endpoints to each zone without exceeding overload threshold',
} as const;

/** FormatWithAddressType: every topology event names the slices' address type. */
const withAddressType = (message: string) => `${message}, addressType: IPv4`;

export interface HintsEvent {
  type: 'Normal' | 'Warning';
  reason: 'TopologyAwareHintsEnabled' | 'TopologyAwareHintsDisabled';
  message: string;
}

/**
 * hintsEnabled: either annotation set to Auto (or auto); the deprecated one, when both are set,
 * has precedence.
 */
export function topologyModeAuto(svc: Service): boolean {
  const a = svc.metadata.annotations ?? {};
  const v = a[DEPRECATED_ANNOTATION_TOPOLOGY_AWARE_HINTS] ?? a[ANNOTATION_TOPOLOGY_MODE];
  return v === 'Auto' || v === 'auto';
}

const CLOSE = new Set(['PreferClose', 'PreferSameZone', 'PreferSameNode']);

/** What the topology step does for one Service. */
export type HintsMode = 'none' | 'auto' | 'PreferClose' | 'PreferSameZone' | 'PreferSameNode';

export function hintsMode(svc: Service): HintsMode {
  if (topologyModeAuto(svc)) return 'auto';
  const td = svc.spec.trafficDistribution;
  return td && CLOSE.has(td) ? (td as HintsMode) : 'none';
}

/** EndpointReady: the topology step looks only at endpoints whose ready condition is set true. */
const ready = (e: Endpoint) => e.conditions?.ready === true;

/** The zones' shares of the Ready nodes' allocatable CPU (topologycache SetNodes), or why none. */
export function cpuRatiosByZone(nodes: readonly Node[]): Map<string, number> | string {
  const byZone = new Map<string, number>();
  let total = 0;
  for (const n of nodes) {
    const labels = n.metadata.labels ?? {};
    if ('node-role.kubernetes.io/control-plane' in labels) continue;
    if ('node-role.kubernetes.io/master' in labels) continue;
    const isReady = n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    if (!isReady) continue;
    const zone = labels[LABEL_TOPOLOGY_ZONE];
    const cpu = quantityMilliValue(n.status.allocatable?.cpu ?? '0');
    if (!zone || !(cpu > 0)) return HINTS_MESSAGES.insufficientNodeInfo;
    total += cpu;
    byZone.set(zone, (byZone.get(zone) ?? 0) + cpu);
  }
  if (total === 0) return HINTS_MESSAGES.insufficientNodeInfo;
  if (byZone.size < 2) return HINTS_MESSAGES.nodesReadyInOneZoneOnly;
  return new Map([...byZone].map(([z, cpu]) => [z, cpu / total]));
}

interface Allocation {
  minimum: number;
  maximum: number;
  desired: number;
}

/** getAllocations: each zone's share of `count` endpoints, within the overload threshold. */
export function allocations(
  ratios: ReadonlyMap<string, number>,
  count: number,
): Map<string, Allocation> | string {
  if (ratios.size > count)
    return `${HINTS_MESSAGES.insufficientNumberOfEndpoints} (${count} endpoints, ${ratios.size} zones)`;
  let remaining = count;
  let minTotal = 0;
  const out = new Map<string, Allocation>();
  for (const [zone, ratio] of ratios) {
    const desired = ratio * count;
    const minimum = Math.ceil(desired * (1 / (1 + OVERLOAD_THRESHOLD)));
    out.set(zone, { minimum, maximum: 0, desired: Math.max(desired, minimum) });
    minTotal += minimum;
    remaining -= minimum;
    if (remaining < 0)
      return `${HINTS_MESSAGES.minAllocationExceedsOverloadThreshold} (${count} endpoints, ${ratios.size} zones)`;
  }
  for (const a of out.values()) a.maximum = a.minimum + count - minTotal;
  return out;
}

/** The key of the largest value (getMost); ties go to the first. */
function most(m: Map<string, number>): [string, number] {
  let best: [string, number] = ['', 0];
  for (const [k, v] of m) if (v > best[1]) best = [k, v];
  return best;
}

/** getGivingAndReceivingZones: whole endpoints each zone gives, or receives, to meet its share. */
function givingAndReceiving(
  alloc: ReadonlyMap<string, Allocation>,
  hinted: ReadonlyMap<string, number>,
): { giving: Map<string, number>; receiving: Map<string, number> } {
  const give = new Map<string, number>();
  const take = new Map<string, number>();
  for (const [zone, a] of [...alloc].sort(([x], [y]) => x.localeCompare(y))) {
    const have = hinted.get(zone) ?? 0;
    if (have > a.desired) give.set(zone, have - a.desired);
    else if (have < a.desired) take.set(zone, a.desired - have);
  }
  const giving = new Map<string, number>();
  const receiving = new Map<string, number>();
  for (;;) {
    const [g, toGive] = most(give);
    const [r, toTake] = most(take);
    if (!g || !r || (toGive < 1 && toTake < 1) || toGive < 0.5 || toTake < 0.5) break;
    giving.set(g, (giving.get(g) ?? 0) + 1);
    give.set(g, toGive - 1);
    receiving.set(r, (receiving.get(r) ?? 0) + 1);
    take.set(r, toTake - 1);
  }
  return { giving, receiving };
}

const zoneHint = (zone: string) => ({ forZones: [{ name: zone }] });

/** Whether two endpoint lists differ in their hints (everything else is the same). */
const sameHints = (a: readonly Endpoint[], b: readonly Endpoint[]) =>
  a.every((e, i) => JSON.stringify(e.hints) === JSON.stringify(b[i]!.hints));

/**
 * The slices of one Service with their hints, as the reconciler would write them: `plan` with
 * hints set on what it creates and updates, and the unchanged slices whose hints must change
 * moved to its updates. `populated` is whether the annotation's hints were in force before (for
 * the Enabled / Disabled events).
 */
export function reconcileHints(
  svc: Service,
  plan: SlicePlan,
  nodes: readonly Node[],
  populated: boolean,
): { plan: SlicePlan; events: HintsEvent[]; populated: boolean } {
  const mode = hintsMode(svc);
  const events: HintsEvent[] = [];
  // Every slice this sync leaves in place, with the endpoints it would hold.
  const slices: { name?: string; content: SliceContent; unchanged?: EndpointSlice }[] = [
    ...plan.create.map((content) => ({ content })),
    ...plan.update.map((u) => ({ name: u.name, content: u.content })),
    ...plan.unchanged.map((s) => ({
      name: s.metadata.name,
      content: { ports: s.ports, endpoints: s.endpoints },
      unchanged: s,
    })),
  ];
  let hinted: Endpoint[][];
  let nowPopulated = false;
  if (mode === 'auto') {
    const r = autoHints(
      slices.map((s) => s.content.endpoints),
      nodes,
    );
    if (typeof r === 'string') {
      events.push({
        type: 'Warning',
        reason: 'TopologyAwareHintsDisabled',
        message: withAddressType(r),
      });
      hinted = slices.map((s) => s.content.endpoints.map(withoutHints));
    } else {
      hinted = r;
      nowPopulated = true;
      if (!populated)
        events.push({
          type: 'Normal',
          reason: 'TopologyAwareHintsEnabled',
          message: withAddressType(HINTS_MESSAGES.enabled),
        });
    }
  } else {
    if (populated)
      events.push({
        type: 'Warning',
        reason: 'TopologyAwareHintsDisabled',
        message: withAddressType(HINTS_MESSAGES.disabled),
      });
    hinted = slices.map((s) =>
      s.content.endpoints.map((e) => (mode === 'none' ? withoutHints(e) : closeHints(e, mode))),
    );
  }
  const out: SlicePlan = { create: [], update: [], unchanged: [], delete: plan.delete };
  slices.forEach((s, i) => {
    const endpoints = hinted[i]!;
    if (s.unchanged && sameHints(s.unchanged.endpoints, endpoints)) out.unchanged.push(s.unchanged);
    else if (s.name) out.update.push({ name: s.name, content: { ...s.content, endpoints } });
    else out.create.push({ ...s.content, endpoints });
  });
  return { plan: out, events, populated: nowPopulated };
}

function withoutHints(e: Endpoint): Endpoint {
  if (!e.hints) return e;
  const { hints: _, ...rest } = e;
  return rest;
}

/** trafficdist's preferCloseHeuristic: a ready endpoint is hinted for its own zone (and node). */
function closeHints(e: Endpoint, mode: HintsMode): Endpoint {
  if (!ready(e)) return e;
  const bare = withoutHints(e);
  const forZones = e.zone ? [{ name: e.zone }] : undefined;
  const forNodes = mode === 'PreferSameNode' && e.nodeName ? [{ name: e.nodeName }] : undefined;
  if (!forZones && !forNodes) return bare;
  return {
    ...bare,
    hints: { ...(forZones ? { forZones } : {}), ...(forNodes ? { forNodes } : {}) },
  };
}

/**
 * topologycache AddHints over every slice: each ready endpoint hinted for its own zone, then
 * endpoints of zones over their share hinted for zones under theirs. A string: why none is.
 */
export function autoHints(lists: Endpoint[][], nodes: readonly Node[]): Endpoint[][] | string {
  const total = lists.reduce((n, l) => n + l.filter(ready).length, 0);
  const ratios = cpuRatiosByZone(nodes);
  if (typeof ratios === 'string') return ratios;
  const alloc = allocations(ratios, total);
  if (typeof alloc === 'string') return alloc;
  const hintedByZone = new Map<string, number>();
  const out: Endpoint[][] = [];
  for (const list of lists) {
    const next: Endpoint[] = [];
    for (const e of list) {
      if (!ready(e)) {
        next.push(withoutHints(e));
        continue;
      }
      if (!e.zone) return HINTS_MESSAGES.noZoneSpecified;
      hintedByZone.set(e.zone, (hintedByZone.get(e.zone) ?? 0) + 1);
      next.push({ ...withoutHints(e), hints: zoneHint(e.zone) });
    }
    out.push(next);
  }
  const { giving, receiving } = givingAndReceiving(alloc, hintedByZone);
  // redistributeHints: endpoints of giving zones, in slice order, go to receiving zones.
  for (const list of out) {
    for (let i = 0; i < list.length; i++) {
      const e = list[i]!;
      if (!ready(e) || !e.zone) continue;
      if (giving.size === 0 || receiving.size === 0) break;
      const toGive = giving.get(e.zone);
      if (!toGive) continue;
      const [to, toTake] = [...receiving].sort(([x], [y]) => x.localeCompare(y))[0]!;
      list[i] = { ...e, hints: zoneHint(to) };
      if (toGive === 1) giving.delete(e.zone);
      else giving.set(e.zone, toGive - 1);
      if (toTake === 1) receiving.delete(to);
      else receiving.set(to, toTake - 1);
      hintedByZone.set(to, (hintedByZone.get(to) ?? 0) + 1);
      hintedByZone.set(e.zone, hintedByZone.get(e.zone)! - 1);
    }
  }
  if (hintedByZone.size === 0) return HINTS_MESSAGES.noAllocatedHintsForZones;
  return out;
}
