import type { Pod } from '@l4lab/protocol';

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !isPodTerminating(pod);
}

/** What `kubectl get pods` prints in STATUS. */
export function podStatusText(pod: Pod): string {
  if (isPodTerminating(pod)) return 'Terminating';
  const cs = pod.status?.containerStatuses?.[0];
  if (cs?.state?.waiting?.reason) return cs.state.waiting.reason;
  if (cs?.state?.terminated?.reason) return cs.state.terminated.reason;
  return pod.status?.phase ?? 'Pending';
}
