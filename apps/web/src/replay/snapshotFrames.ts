import { PROTOCOL_VERSION, type KubeObject, type ServerMessage } from '@l4lab/protocol';
import type { AppState } from '../store/createAppStore.ts';

type Mirrored = Pick<
  AppState,
  'server' | 'cluster' | 'resourceVersion' | 'mappings' | 'generators' | 'counters'
>;

/**
 * The page's state as the frames a server sends a new viewer (`hello`, then `cluster_snapshot`):
 * where a recording starts. The mirror is at `resourceVersion`, so the next recorded
 * `object_changes` frame continues it exactly as it continued the live mirror.
 */
export function snapshotFrames(s: Mirrored): ServerMessage[] {
  const { cluster } = s;
  // Namespaces and nodes first, as a server lists them; the mirror keys them all the same.
  const objects: KubeObject[] = [
    ...cluster.namespaces.values(),
    ...cluster.nodes.values(),
    ...cluster.deployments.values(),
    ...cluster.replicaSets.values(),
    ...cluster.pods.values(),
    ...cluster.services.values(),
    ...cluster.endpointSlices.values(),
  ];
  const snapshot: ServerMessage = {
    type: 'cluster_snapshot',
    resourceVersion: s.resourceVersion,
    objects,
    mappings: [...s.mappings],
    traffic: [...s.generators.values()],
    counters: [...s.counters.values()],
  };
  if (!s.server) return [snapshot];
  return [{ type: 'hello', protocolVersion: PROTOCOL_VERSION, server: s.server }, snapshot];
}
