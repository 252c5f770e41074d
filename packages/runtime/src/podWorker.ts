// What the kubelet keeps about one pod it runs (its pod worker): the containers' states, restart
// counts and back-off, its init containers' progress, and the kubelet-managed files it mounts.
import type { Container, ContainerState, ContainerStatus, Pod } from '@l4lab/protocol';
import type { TimerHandle } from '@l4lab/cluster';
import { RestartBackoff } from './backoff.ts';
import type { VolumeFiles } from './podVolumes.ts';
import type { PodHandle } from './types.ts';

/** The init containers' run: one at a time, in order, each to completion. */
export interface InitProgress {
  /** The index of the init container running or to run next; `length` once all completed. */
  next: number;
  statuses: ContainerStatus[];
  backoff: RestartBackoff;
}

/**
 * A container of a pod of several whose process ended on its own (a stand-in sidecar): its own
 * status, restarts and back-off, until the pod's containers start again together.
 */
export interface OwnContainer {
  state: ContainerState;
  lastState: ContainerState | undefined;
  restartCount: number;
  ready: boolean;
  backoff: RestartBackoff;
  runningSince: number;
}

export interface PodWorker {
  pod: Pod;
  ip: string;
  hostIP: string;
  /** The kubelet-managed files every container mounts (/etc/hosts, /etc/resolv.conf, ...). */
  files: Record<string, string>;
  hostname: string;
  /** The Service variables the app containers started with (what `kubectl exec` sees). */
  serviceEnv: Record<string, string>;
  /** The containers as they last started: ConfigMap and Secret references made values. */
  configured: Map<string, Container>;
  /** The pod's ConfigMap and Secret volumes, once mounted (before its first container starts). */
  volumes: Map<string, VolumeFiles> | undefined;
  /** What each container's `subPath` mounts showed when it started: they do not follow changes. */
  subPathFiles: Map<string, ReadonlyMap<string, Buffer>>;
  /** A fill of the volumes in progress, and whether another change came meanwhile. */
  refilling: Promise<void> | undefined;
  refillAgain: boolean;
  /** The runtime is starting a container: nothing may start one again meanwhile. */
  starting: boolean;
  handle: PodHandle | undefined;
  /** The last container started, kept once it ended: `kubectl logs` of a Completed pod reads it. */
  lastHandle: PodHandle | undefined;
  /** The run before lastHandle's: `kubectl logs --previous` of a restarted container reads it. */
  previousHandle: PodHandle | undefined;
  runningSince: number;
  everStarted: boolean;
  restartCount: number;
  backoff: RestartBackoff;
  pullBackoff: RestartBackoff;
  ready: boolean;
  forcedUnready: boolean;
  state: ContainerStatus['state'];
  /** The app containers' previous run, once they restarted (`lastState.terminated`). */
  lastState: ContainerState | undefined;
  message: string | undefined;
  /** The container ended and the restartPolicy keeps it so: the pod's final phase. */
  finished: 'Succeeded' | 'Failed' | undefined;
  /** Undefined for a pod without init containers. */
  init: InitProgress | undefined;
  startTime: string;
  timers: Set<TimerHandle>;
  terminating: boolean;
  /** Aborts a running preStop hook (the pod is gone, or the server stops). */
  preStop: AbortController | undefined;
  removed: boolean;
  /** The pod's node is stopped: no container, no status updates (a dead kubelet posts nothing). */
  nodeStopped: boolean;
  /** Ephemeral containers (`kubectl debug`), by name: their statuses, and whose shell attaches. */
  ephemeral: Map<string, ContainerStatus>;
  /** The containers whose process ended on its own since the pod's last start, by name. */
  own: Map<string, OwnContainer>;
}

/** The init containers' statuses before the first runs: each waiting, PodInitializing. */
export function initProgress(pod: Pod, backoffScale: number): InitProgress | undefined {
  const inits = pod.spec.initContainers ?? [];
  if (inits.length === 0) return undefined;
  return {
    next: 0,
    statuses: inits.map((c) => ({
      name: c.name,
      image: c.image,
      ready: false,
      restartCount: 0,
      started: false,
      state: { waiting: { reason: 'PodInitializing' } },
    })),
    backoff: new RestartBackoff(backoffScale),
  };
}

/** True while an init container has yet to complete. */
export function initializing(w: PodWorker): boolean {
  return w.init !== undefined && w.init.next < w.init.statuses.length;
}

export function newPodWorker(
  pod: Pod,
  o: {
    ip: string;
    hostIP: string;
    files: Record<string, string>;
    hostname: string;
    startTime: string;
    backoffScale: number;
  },
): PodWorker {
  return {
    pod,
    ip: o.ip,
    hostIP: o.hostIP,
    files: o.files,
    hostname: o.hostname,
    serviceEnv: {},
    configured: new Map(),
    volumes: undefined,
    subPathFiles: new Map(),
    refilling: undefined,
    refillAgain: false,
    starting: false,
    handle: undefined,
    lastHandle: undefined,
    previousHandle: undefined,
    runningSince: 0,
    everStarted: false,
    restartCount: 0,
    backoff: new RestartBackoff(o.backoffScale),
    pullBackoff: new RestartBackoff(o.backoffScale),
    ready: false,
    forcedUnready: false,
    // The app containers wait for the init containers, when there are any.
    state: {
      waiting: {
        reason: pod.spec.initContainers?.length ? 'PodInitializing' : 'ContainerCreating',
      },
    },
    lastState: undefined,
    message: undefined,
    finished: undefined,
    init: initProgress(pod, o.backoffScale),
    startTime: o.startTime,
    timers: new Set(),
    terminating: false,
    preStop: undefined,
    removed: false,
    nodeStopped: false,
    ephemeral: new Map(),
    own: new Map(),
  };
}
