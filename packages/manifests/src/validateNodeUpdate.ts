// What a client may change of a Node (`kubectl label`, `annotate`, `taint`, `cordon`): its labels,
// annotations, `spec.taints` and `spec.unschedulable`, checked as the API server checks them. The
// rest of a node is the lab's own: its pod CIDR and its status (the kubelet's) stay as they are.
import type { Node, Taint, TaintEffect } from '@l4lab/protocol';
import { duplicate, forbidden, invalid, notSupported, required } from './fieldError.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import type { FieldError } from './types.ts';
import { validateAnnotations, validateLabels } from './validateMeta.ts';

export interface NodeEdit {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
}

const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown, path: string, errors: FieldError[]): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isMap(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    errors.push(invalid(path, v, 'must be a map of strings'));
    return {};
  }
  return v as Record<string, string>;
}

function taintsOf(v: unknown, errors: FieldError[]): Taint[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errors.push(invalid('spec.taints', v, 'must be a list of taints'));
    return [];
  }
  const seen = new Set<string>();
  const out: Taint[] = [];
  for (const [i, raw] of v.entries()) {
    const path = `spec.taints[${i}]`;
    const t = isMap(raw) ? raw : {};
    const key = typeof t.key === 'string' ? t.key : '';
    const value = typeof t.value === 'string' ? t.value : undefined;
    const effect = t.effect as TaintEffect;
    if (!key) errors.push(required(`${path}.key`));
    else for (const m of isQualifiedName(key)) errors.push(invalid(`${path}.key`, key, m));
    if (value)
      for (const m of isValidLabelValue(value)) errors.push(invalid(`${path}.value`, value, m));
    if (!effect) errors.push(required(`${path}.effect`));
    else if (!EFFECTS.includes(effect))
      errors.push(notSupported(`${path}.effect`, effect, EFFECTS));
    // The API server allows one taint per key and effect.
    const id = `${key}:${String(effect)}`;
    if (seen.has(id)) errors.push(duplicate(path, `${key}=${value ?? ''}:${String(effect)}`));
    seen.add(id);
    out.push({
      key,
      effect,
      ...(value !== undefined ? { value } : {}),
      ...(typeof t.timeAdded === 'string' ? { timeAdded: t.timeAdded } : {}),
    } as Taint);
  }
  return out;
}

/** The edit a client's new version of a node asks for, and what the API server refuses of it. */
export function validateNodeUpdate(
  old: Node,
  next: Record<string, unknown>,
): { edit: NodeEdit; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const meta = isMap(next.metadata) ? next.metadata : {};
  const spec = isMap(next.spec) ? next.spec : {};
  const labels = stringMap(meta.labels, 'metadata.labels', errors);
  const annotations = stringMap(meta.annotations, 'metadata.annotations', errors);
  errors.push(...validateLabels(labels, 'metadata.labels'));
  errors.push(...validateAnnotations(annotations, 'metadata.annotations'));
  const taints = taintsOf(spec.taints, errors);
  if (spec.unschedulable !== undefined && typeof spec.unschedulable !== 'boolean')
    errors.push(invalid('spec.unschedulable', spec.unschedulable, 'must be a boolean'));
  if (spec.podCIDR !== undefined && spec.podCIDR !== old.spec.podCIDR)
    errors.push(
      forbidden('spec.podCIDR', 'node updates may not change podCIDR except from "" to valid'),
    );
  return {
    edit: { labels, annotations, taints, unschedulable: spec.unschedulable === true },
    errors,
  };
}
