// What a pod looks like from outside, computed in one place for everyone who shows it: the API's
// `kubectl get pods` (packages/cluster) and the dashboard (apps/web) print the same STATUS.
import type { ContainerStatus, Pod } from './kube.ts';

/** The reason the node lifecycle controller gives a pod on a node that stopped answering. */
export const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

/** The pod's Ready condition is True (it receives traffic from its Services). */
export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Succeeded and Failed are final: nothing runs any more, so a deletion has nothing to wait for. */
function isPodPhaseTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** A container's own word on its state, or undefined when it is running (or says nothing). */
function containerReason(cs: ContainerStatus): string | undefined {
  const { waiting, terminated } = cs.state ?? {};
  if (waiting?.reason) return waiting.reason;
  if (terminated?.reason) return terminated.reason;
  if (terminated) {
    return terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
  }
  return undefined;
}

/**
 * What the first init container that has not completed says (kubectl's printPod): its failure
 * (`Init:Error`, `Init:ExitCode:N`), its waiting reason (`Init:CrashLoopBackOff`), or how many of
 * the init containers are done (`Init:0/2`); undefined once every one completed.
 */
function initReason(pod: Pod): string | undefined {
  const statuses = pod.status?.initContainerStatuses ?? [];
  const total = pod.spec.initContainers?.length ?? statuses.length;
  for (const [i, cs] of statuses.entries()) {
    const { waiting, terminated } = cs.state ?? {};
    if (terminated?.exitCode === 0) continue;
    if (terminated) {
      if (terminated.reason) return `Init:${terminated.reason}`;
      return terminated.signal
        ? `Init:Signal:${terminated.signal}`
        : `Init:ExitCode:${terminated.exitCode}`;
    }
    if (waiting?.reason && waiting.reason !== 'PodInitializing') return `Init:${waiting.reason}`;
    return `Init:${i}/${total}`;
  }
  return undefined;
}

/**
 * The STATUS column of `kubectl get pods`, as kubectl's printPod computes it
 * (pkg/printers/internalversion/printers.go): the pod's reason or phase, overridden by the first
 * container that is waiting or terminated (its reason, else `Signal:N` / `ExitCode:N`); `Completed`
 * while another container still runs reads `Running` (or `NotReady`); a pod being deleted reads
 * `Terminating` until its phase is final, or `Unknown` when its node was lost. While init
 * containers run, the first unfinished one speaks instead (`Init:1/2`, `Init:Error`,
 * `Init:CrashLoopBackOff`).
 */
export function podStatusText(pod: Pod): string {
  // The API server defaults phase to Pending on create; a pod without status is one just created.
  let reason = pod.status?.reason || pod.status?.phase || 'Pending';
  const gated = pod.status?.conditions?.some(
    (c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated',
  );
  if (gated) reason = 'SchedulingGated';
  const init = initReason(pod);
  if (init !== undefined) reason = init;
  const initialized = pod.status?.conditions?.some(
    (c) => c.type === 'Initialized' && c.status === 'True',
  );
  if (init === undefined || initialized) {
    let hasRunning = false;
    // Last to first, as kubectl does, so the first container with something to say wins.
    for (const cs of [...(pod.status?.containerStatuses ?? [])].reverse()) {
      const said = containerReason(cs);
      if (said !== undefined) reason = said;
      else if (cs.ready && cs.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = isPodReady(pod) ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) {
    if (pod.status?.reason === NODE_UNREACHABLE_POD_REASON) return 'Unknown';
    if (!isPodPhaseTerminal(pod)) return 'Terminating';
  }
  return reason;
}
