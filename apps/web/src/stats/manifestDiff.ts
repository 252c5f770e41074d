import type { KubeObject } from '@l4lab/protocol';
import { CLUSTER_SCOPED } from '@l4lab/protocol';
import type { ClusterMirror } from '../store/clusterMirror.ts';

export interface ObjectDiff {
  kind: string;
  namespace: string | undefined;
  name: string;
  action: 'created' | 'configured' | 'unchanged' | 'unknown';
  /** `spec.replicas: 2 → 5` */
  changes: string[];
}

const MAX_CHANGES = 12;

function live(mirror: ClusterMirror, o: KubeObject): KubeObject | undefined {
  const key =
    o.metadata.namespace && !CLUSTER_SCOPED.has(o.kind)
      ? `${o.metadata.namespace}/${o.metadata.name}`
      : o.metadata.name;
  switch (o.kind) {
    case 'Pod':
      return mirror.pods.get(key);
    case 'Service':
      return mirror.services.get(key);
    case 'Deployment':
      return mirror.deployments.get(key);
    case 'ReplicaSet':
      return mirror.replicaSets.get(key);
    case 'Namespace':
      return mirror.namespaces.get(key);
    case 'Node':
      return mirror.nodes.get(key);
    case 'EndpointSlice':
      return mirror.endpointSlices.get(key);
    default:
      return undefined;
  }
}

const show = (v: unknown) => (v === undefined ? '<none>' : JSON.stringify(v));

/** Leaves of `want` that differ in `have` (fields the server filled in are not compared). */
function compare(want: unknown, have: unknown, path: string, out: string[]) {
  if (out.length > MAX_CHANGES) return;
  if (typeof want === 'object' && want !== null) {
    if (typeof have !== 'object' || have === null || Array.isArray(want) !== Array.isArray(have)) {
      out.push(`${path}: ${show(have)} → ${show(want)}`);
      return;
    }
    if (Array.isArray(want) && Array.isArray(have) && want.length !== have.length) {
      out.push(`${path}: ${have.length} → ${want.length} items`);
    }
    for (const [k, v] of Object.entries(want)) {
      compare(
        v,
        (have as Record<string, unknown>)[k],
        Array.isArray(want) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
        out,
      );
    }
    return;
  }
  if (want !== have) out.push(`${path}: ${show(have)} → ${show(want)}`);
}

/** What applying `objects` would do, per object, like `kubectl diff` in a line or two. */
export function diffObjects(objects: readonly KubeObject[], mirror: ClusterMirror): ObjectDiff[] {
  return objects.map((o) => {
    const base = { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
    const have = live(mirror, o);
    if (!have) return { ...base, action: 'created', changes: [] };
    const changes: string[] = [];
    const want = o as unknown as Record<string, unknown>;
    const current = have as unknown as Record<string, unknown>;
    for (const field of Object.keys(want)) {
      if (field === 'apiVersion' || field === 'kind' || field === 'status') continue;
      if (field === 'metadata') {
        const m = o.metadata;
        compare(
          { labels: m.labels ?? {}, annotations: m.annotations ?? {} },
          { labels: have.metadata.labels ?? {}, annotations: have.metadata.annotations ?? {} },
          'metadata',
          changes,
        );
        continue;
      }
      compare(want[field], current[field], field, changes);
    }
    if (changes.length > MAX_CHANGES) changes.splice(MAX_CHANGES, changes.length, '…');
    return { ...base, action: changes.length > 0 ? 'configured' : 'unchanged', changes };
  });
}
