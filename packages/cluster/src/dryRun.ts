import type { KubeObject } from '@l4lab/protocol';
import type { PlannedWrite } from './apply.ts';
import { prepareJob } from './jobStrategy.ts';

/**
 * What a write would store, for `dryRun=All` (nothing is stored, no address is allocated, no
 * controller hears of it): the applied object with the identity the API server would give it
 * (a new uid and creation time, or the stored object's), and the stored status of an update.
 */
export function dryRunObject(w: PlannedWrite, newUid: () => string, nowIso: string): KubeObject {
  const e = w.existing;
  if (w.action === 'unchanged' && e) return structuredClone(e);
  const o = structuredClone(w.object) as KubeObject & { status?: unknown };
  o.metadata = {
    ...o.metadata,
    uid: e?.metadata.uid ?? newUid(),
    creationTimestamp: e?.metadata.creationTimestamp ?? nowIso,
    ...(e?.metadata.resourceVersion ? { resourceVersion: e.metadata.resourceVersion } : {}),
    ...(e || GENERATED.has(o.kind) ? { generation: (e?.metadata.generation ?? 0) + 1 } : {}),
  };
  if (e && 'status' in e) o.status = e.status;
  // A new Job gets its generated selector and labels, from the uid it would have.
  if (!e && o.kind === 'Job') prepareJob(o);
  // A Service keeps the addresses it holds; a new one shows none (none is taken by a dry run).
  if (o.kind === 'Service' && e?.kind === 'Service') {
    const ports = new Map((e.spec.ports ?? []).map((p) => [`${p.protocol}/${p.port}`, p.nodePort]));
    o.spec = {
      ...o.spec,
      ...(e.spec.clusterIP ? { clusterIP: e.spec.clusterIP, clusterIPs: e.spec.clusterIPs } : {}),
      ports: (o.spec.ports ?? []).map((p) => {
        const kept = ports.get(`${p.protocol}/${p.port}`);
        return p.nodePort === undefined && kept !== undefined ? { ...p, nodePort: kept } : p;
      }),
    };
  }
  return o;
}

/** Kinds whose metadata.generation the API server counts from 1 on create. */
const GENERATED: ReadonlySet<string> = new Set([
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Job',
  'Service',
]);
