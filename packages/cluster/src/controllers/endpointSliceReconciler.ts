// The slice packing of the EndpointSlice reconciler (reconcileByPortMapping + finalize): endpoints
// stay in the slice they are in, new ones fill slices already being changed, then new slices of at
// most `max` endpoints; a Service with nothing to list keeps one empty placeholder slice; a slice
// that would be deleted while another is created is reused under its name.
import type { Endpoint, EndpointSlice } from '@l4lab/protocol';
import type { DesiredGroup, SlicePort } from './endpointSlicePlan.ts';
import { endpointKey, portMapKey, sameBeyondHints, sortEndpoints } from './endpointSlicePlan.ts';

export interface SliceContent {
  ports: SlicePort[];
  endpoints: Endpoint[];
}

export interface SlicePlan {
  /** New slices (no name yet). */
  create: SliceContent[];
  /** Existing slices (by name) and their new content. */
  update: { name: string; content: SliceContent }[];
  /** Existing slices kept as they are. */
  unchanged: EndpointSlice[];
  delete: EndpointSlice[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function chunk(endpoints: Endpoint[], max: number): Endpoint[][] {
  const out: Endpoint[][] = [];
  for (let i = 0; i < endpoints.length; i += max) out.push(endpoints.slice(i, i + max));
  return out;
}

function planGroup(group: DesiredGroup, existing: EndpointSlice[], max: number, plan: SlicePlan) {
  const desired = new Map(group.endpoints);
  const updating: { name: string; content: SliceContent }[] = [];
  const unchanged: EndpointSlice[] = [];
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = !same(slice.ports, group.ports);
    for (const e of slice.endpoints) {
      const k = endpointKey(e);
      const want = desired.get(k);
      if (!want) continue;
      kept.push(want);
      if (!sameBeyondHints(want, e)) changed = true;
      desired.delete(k);
    }
    if (!changed && kept.length === slice.endpoints.length) unchanged.push(slice);
    else if (kept.length === 0) plan.delete.push(slice);
    else
      updating.push({
        name: slice.metadata.name,
        content: { ports: group.ports, endpoints: kept },
      });
  }
  const rest = sortEndpoints([...desired.values()]);
  // Fill the slices already being updated, fullest first.
  updating.sort((a, b) => b.content.endpoints.length - a.content.endpoints.length);
  for (const u of updating) {
    const room = max - u.content.endpoints.length;
    if (room > 0 && rest.length > 0) u.content.endpoints.push(...rest.splice(0, room));
  }
  const created = chunk(rest, max).map((endpoints) => ({ ports: group.ports, endpoints }));
  // The last new slice goes into an unchanged slice when it fits there.
  const last = created.at(-1);
  if (last) {
    const i = unchanged.findIndex((s) => s.endpoints.length + last.endpoints.length <= max);
    if (i >= 0) {
      const [slice] = unchanged.splice(i, 1);
      created.pop();
      updating.push({
        name: slice!.metadata.name,
        content: { ports: group.ports, endpoints: [...slice!.endpoints, ...last.endpoints] },
      });
    }
  }
  for (const u of updating) sortEndpoints(u.content.endpoints);
  plan.update.push(...updating);
  plan.unchanged.push(...unchanged);
  plan.create.push(...created);
}

/** Plans the slices of one Service from its existing (owned) slices and the desired groups. */
export function planSlices(
  existing: readonly EndpointSlice[],
  groups: ReadonlyMap<string, DesiredGroup>,
  max: number,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], unchanged: [], delete: [] };
  const byKey = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const k = portMapKey(s.ports);
    byKey.set(k, [...(byKey.get(k) ?? []), s]);
  }
  for (const [k, slices] of byKey) if (!groups.has(k)) plan.delete.push(...slices);
  for (const [k, group] of groups) planGroup(group, byKey.get(k) ?? [], max, plan);

  if (plan.update.length + plan.unchanged.length + plan.create.length === 0) {
    // A Service with a selector always has at least one (placeholder) slice.
    const only = existing.length === 1 ? existing[0]! : undefined;
    if (only && only.ports.length === 0 && only.endpoints.length === 0) {
      plan.delete = plan.delete.filter((s) => s !== only);
      plan.unchanged.push(only);
    } else {
      plan.create.push({ ports: [], endpoints: [] });
    }
  }
  // Reuse the names of slices about to be deleted for slices about to be created.
  while (plan.create.length > 0 && plan.delete.length > 0) {
    const content = plan.create.pop()!;
    const slice = plan.delete.shift()!;
    plan.update.push({ name: slice.metadata.name, content });
  }
  return plan;
}
