import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from '@l4lab/protocol';
import type { PodHandle } from './types.ts';

/** What the kubelet knows about one pod, from which it writes `status`. */
export interface PodState {
  ip: string;
  hostIP: string;
  startTime: string;
  /** True once a container of this pod has started (the phase never goes back to Pending). */
  everStarted: boolean;
  ready: boolean;
  restartCount: number;
  state: ContainerStatus['state'];
  /** The app containers' previous run, once they restarted. */
  lastState?: ContainerState | undefined;
  message?: string | undefined;
  /** Its container ended for good (restartPolicy Never or OnFailure): the final phase. */
  finished?: 'Succeeded' | 'Failed' | undefined;
  /** The init containers' statuses, and how many have completed. */
  init?: { next: number; statuses: ContainerStatus[] } | undefined;
  /** Ephemeral containers' statuses (`kubectl debug`). */
  ephemeral?: ReadonlyMap<string, ContainerStatus>;
  /** The running containers' runtime (their IDs, when they are real containers). */
  handle?: Pick<PodHandle, 'containerIDs'> | undefined;
  /** Containers of a pod of several whose process ended on its own: their own status. */
  own?: ReadonlyMap<
    string,
    {
      state: ContainerState;
      lastState: ContainerState | undefined;
      restartCount: number;
      ready: boolean;
    }
  >;
}

/** The kubelet's conditions in the order it writes them (generateAPIPodStatus, 1.29+). */
const CONDITIONS: PodCondition['type'][] = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

/** Why a condition is False: the kubelet's reason and, for Initialized, its message. */
function falseBecause(type: PodCondition['type'], s: PodState, unready: string[]) {
  // The sandbox's condition says no more than its status.
  if (type === 'PodReadyToStartContainers') return {};
  if (type !== 'Initialized') {
    if (s.finished) return { reason: 'PodCompleted' };
    return {
      reason: 'ContainersNotReady',
      message: `containers with unready status: [${unready.join(' ')}]`,
    };
  }
  const incomplete = (s.init?.statuses ?? [])
    .filter((c) => c.state?.terminated?.exitCode !== 0)
    .map((c) => c.name);
  return {
    reason: 'ContainersNotInitialized',
    message: `containers with incomplete status: [${incomplete.join(' ')}]`,
  };
}

/**
 * The pod's status as the kubelet reports it: phase Pending until an app container starts (init
 * containers run first, one at a time), Running after (a crashed container keeps the pod Running,
 * in CrashLoopBackOff), Succeeded or Failed once it ended and will not restart; the four
 * conditions, each keeping its lastTransitionTime until its status changes.
 */
export function buildPodStatus(pod: Pod, s: PodState, now: string): PodStatus {
  const previous = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const initialized = !s.init || s.init.next >= s.init.statuses.length;
  const containerStatuses = pod.spec.containers.map((c): ContainerStatus => {
    const own = s.own?.get(c.name);
    const st = own?.state ?? s.state;
    const last = own ? own.lastState : s.lastState;
    const ids = st?.running ? s.handle?.containerIDs?.get(c.name) : undefined;
    return {
      name: c.name,
      image: c.image,
      ...(ids ? { imageID: ids.imageID, containerID: ids.containerID } : {}),
      ready: own ? own.ready && s.ready : s.ready,
      restartCount: own?.restartCount ?? s.restartCount,
      started: st?.running !== undefined,
      ...(st ? { state: st } : {}),
      ...(last ? { lastState: last } : {}),
    };
  });
  const unready = containerStatuses.filter((c) => !c.ready).map((c) => c.name);
  const ready = unready.length === 0;
  const want: Record<PodCondition['type'], boolean> = {
    // The pod's sandbox (its address, its network) is up from its start to its end.
    PodReadyToStartContainers: !s.finished,
    PodScheduled: true,
    Initialized: initialized,
    ContainersReady: ready,
    Ready: ready,
  };
  const conditions = CONDITIONS.map((type): PodCondition => {
    const status = want[type] ? 'True' : 'False';
    const prev = previous.get(type);
    const since = prev?.status === status ? (prev.lastTransitionTime ?? now) : now;
    return {
      type,
      status,
      lastTransitionTime: since,
      ...(!want[type] ? falseBecause(type, s, unready) : {}),
    };
  });
  return {
    phase: s.finished ?? (s.everStarted ? 'Running' : 'Pending'),
    podIP: s.ip,
    podIPs: [{ ip: s.ip }],
    hostIP: s.hostIP,
    startTime: s.startTime,
    conditions,
    ...(s.init ? { initContainerStatuses: s.init.statuses } : {}),
    containerStatuses,
    ...(s.ephemeral?.size ? { ephemeralContainerStatuses: [...s.ephemeral.values()] } : {}),
    ...(s.message ? { message: s.message } : {}),
  };
}
