// What the DaemonSet and StatefulSet controllers share about their ControllerRevisions: a template's
// hash, and a template as a revision's data in the byte form `kubectl rollout undo` compares.
import type { Container, ControllerRevision, PodTemplateSpec } from '@l4lab/protocol';
import { podTemplateHash } from '../names.ts';

/**
 * The template's hash, the same for the template and for one put back from a revision by `kubectl
 * rollout undo` (which carries Go's zero values: `creationTimestamp: null`, `resources: {}`).
 */
export function templateHash(t: PodTemplateSpec): string {
  const { creationTimestamp, ...metadata } = (t.metadata ?? {}) as Record<string, unknown>;
  const bare = (cs: Container[] | undefined) =>
    cs?.map((c) => {
      if (!c.resources || Object.keys(c.resources).length > 0) return c;
      const { resources: _empty, ...rest } = c;
      return rest;
    });
  const spec = { ...t.spec, containers: bare(t.spec.containers)! };
  if (t.spec.initContainers) spec.initContainers = bare(t.spec.initContainers);
  const meta =
    creationTimestamp === null || creationTimestamp === undefined ? metadata : t.metadata;
  return podTemplateHash({ ...t, metadata: meta, spec });
}

/**
 * A revision's data as kubectl's getDaemonSetPatch and getStatefulSetPatch write it, so `kubectl rollout undo` can tell
 * (byte for byte) that the DaemonSet already runs it: the template through Go's encoding/json and
 * a map, keys sorted at every level, with Go's zero values (`creationTimestamp: null` in its
 * metadata, `resources: {}` in each container) and `"$patch":"replace"`.
 */
export function goTemplate(t: PodTemplateSpec): PodTemplateSpec & { $patch: 'replace' } {
  const copy = structuredClone(t) as PodTemplateSpec & { $patch: 'replace' };
  copy.$patch = 'replace';
  copy.metadata = { creationTimestamp: null, ...copy.metadata } as typeof copy.metadata;
  for (const c of [...copy.spec.containers, ...(copy.spec.initContainers ?? [])])
    c.resources ??= {};
  return sortedKeys(copy);
}

function sortedKeys<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortedKeys) as T;
  if (!v || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortedKeys((v as Record<string, unknown>)[k]);
  return out as T;
}

/** The pod template a revision holds (what `kubectl rollout undo` would put back). */
export function revisionTemplate(r: ControllerRevision): PodTemplateSpec {
  const { $patch: _replace, ...template } = structuredClone(r.data.spec.template);
  const meta = template.metadata as Record<string, unknown> | undefined;
  if (meta && meta.creationTimestamp === null) delete meta.creationTimestamp;
  for (const c of [...template.spec.containers, ...(template.spec.initContainers ?? [])])
    if (c.resources && Object.keys(c.resources).length === 0) delete c.resources;
  return template;
}
