import type { Pod } from '@l4lab/protocol';

// Readiness and the STATUS column live in protocol, shared with the dashboard; re-exported here for
// the controllers and the packages that ask the cluster.
export { isPodReady } from '@l4lab/protocol';

export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !isPodTerminating(pod);
}
