import type { Container } from '@l4lab/protocol';

/** What the kubelet hands a container runtime to start one pod. */
export interface PodSandbox {
  namespace: string;
  name: string;
  uid: string;
  /** The pod IP (virtual; the runtime asks the PortMapper where it really listens). */
  ip: string;
  node: string;
  containers: Container[];
  /** The pod's hostname (spec.hostname, else its name): the containers' HOSTNAME. */
  hostname?: string;
  /** Files the kubelet manages and mounts in every container (/etc/hosts, /etc/resolv.conf). */
  files?: Readonly<Record<string, string>>;
  /** The Service variables of containers starting now (service links), beside their `env`. */
  serviceEnv?: Readonly<Record<string, string>>;
  /**
   * What each container's volume mounts show (ConfigMap and Secret volumes): by container name,
   * the files by absolute path.
   */
  containerFiles?: ReadonlyMap<string, ReadonlyMap<string, Buffer>>;
}

export interface PodExit {
  code: number | null;
  signal: string | null;
  /**
   * The termination message: a stand-in's terminationMessagePath contents (or its log's tail
   * on failure, under FallbackToLogsOnError); a real process's last stderr line when it failed.
   */
  message?: string;
}

/** A running pod as the runtime sees it. */
export interface PodHandle {
  /** Process id when the pod is a process of this host. */
  readonly pid?: number;
  /** Resolves with the exit code (or signal) when the pod's main process ends for any reason. */
  readonly exited: Promise<PodExit>;
  /** Graceful stop (SIGQUIT for nginx), then SIGKILL after graceMs. Resolves when it is gone. */
  stop(graceMs: number): Promise<void>;
  /** Kills the pod's processes at once (its node went down); `exited` resolves when they are gone. */
  kill(): void;
  /**
   * Its serving process crashes (`POST /api/pods/.../kill`): when the runtime restarts it alone
   * (`onContainerExit`), only its containers end and the stand-ins beside them run on. Without
   * it, `kill`.
   */
  crash?(): void;
  /** Recent access-log lines, newest last. */
  logs(): Promise<string[]>;
  /**
   * One container's lines (`kubectl logs -c`, attach): a stand-in's own, or the real process's
   * for the containers it runs. Without it, `logs()` is every container's.
   */
  containerLogs?(container: string): Promise<string[]>;
  /** Something the user should know about this pod (shown as the pod's status message). */
  readonly note?: string;
  /**
   * The kubelet filled the pod's volumes again (their ConfigMap or Secret changed): a runtime
   * that serves their files (nginx's html directory) shows the new ones.
   */
  updateVolumeFiles?(pod: PodSandbox): Promise<void>;
  /** Resident memory of the pod's processes in bytes, when the runtime can tell. */
  rss?(): Promise<number | undefined>;
  /**
   * Runs an exec probe's or hook's command in a container (`cat /tmp/healthy`, against a
   * stand-in's files): its exit code, -1 when it ran past timeoutMs or `signal` aborted it.
   */
  exec?(
    container: string,
    command: string[],
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<number>;
  /**
   * The containers the runtime runs as real containers (docker), by name: their IDs as the kubelet
   * reports them (`docker://<id>`, and the image's `docker://sha256:...`). The others have none.
   */
  readonly containerIDs?: ReadonlyMap<string, { containerID: string; imageID: string }>;
  /** The containers a stand-in serves in place of their image (the pod's status says so). */
  readonly standIns?: readonly StandInInfo[];
  /**
   * A container whose process is a stand-in's bare shell reading stdin (`kubectl run -it
   * --image=busybox -- sh`): attach talks to the pod's tools in its place, and `finish` ends the
   * process with the shell's exit code. Undefined for any other container.
   */
  interactiveShell?(container: string): { finish(code: number): void } | undefined;
  /**
   * Starts an ephemeral container (`kubectl debug POD --image=busybox -- nslookup web`) in the
   * pod's sandbox: its process is a stand-in's, as the pod (its address, its DNS), and its output
   * is the container's log (`containerLogs`). Rejects when it cannot start.
   */
  startEphemeral?(c: Container): Promise<EphemeralRun>;
  /**
   * A pod of several containers: `listener` hears of each stand-in container whose process ends
   * while the pod runs on (its status and restart are the kubelet's). The pod's `exited` is then
   * its real process's only; without one, the kubelet ends the pod when every container has.
   */
  onContainerExit?(listener: (container: string, exit: PodExit) => void): void;
  /** Starts that stand-in container's process again, in the same sandbox. */
  restartContainer?(container: string): Promise<void>;
  /** The log of that container's run that ended last, once it ended alone (onContainerExit). */
  previousContainerLogs?(container: string): Promise<string[] | undefined>;
}

/** An ephemeral container's process in a pod's sandbox. */
export interface EphemeralRun {
  /** 'shell' when the stand-in runs its command; any other cannot run here (the kubelet says so). */
  readonly kind: StandInInfo['kind'];
  /** Resolves when its process ends, or is ended by `kill` or the pod's stop. */
  readonly exited: Promise<PodExit>;
  kill(): void;
}

/** A container whose image l4lab does not run, and what stands in for it. */
export interface StandInInfo {
  container: string;
  image: string;
  /** `emulated`: a demo image's answers; `shell`: its command in a stand-in shell; `generic`. */
  kind: 'emulated' | 'shell' | 'generic';
}

/**
 * A container that could not start, with the kubelet's waiting reason (`ErrImagePull`,
 * `CreateContainerError`, ...) and a message that says what to do.
 */
export class ContainerStartError extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** A container runtime: `docker` (containers), `nginx` (real nginx processes), `builtin` (in-process servers). */
export interface ContainerRuntime {
  readonly name: 'nginx' | 'builtin' | 'docker';
  start(sandbox: PodSandbox): Promise<PodHandle>;
  /** Removes what an earlier server left behind (a crash, a kill -9); returns what it removed. */
  cleanupOrphans(): Promise<string[]>;
  /** Deletes what it kept for a pod that is gone for good (its directory in the workspace). */
  remove?(pod: Pick<PodSandbox, 'namespace' | 'name' | 'uid'>): Promise<void>;
  /** Releases what the runtime itself holds (connections), after every pod has stopped. */
  close?(): Promise<void>;
}

/**
 * The pod's network tools (wget, curl, nc) for a stand-in container's own process: the tools
 * `kubectl exec` runs, as the pod (from its address, through cluster DNS). Without them a stand-in
 * shell says it did not run them. Resolves with the tool's exit code; `signal` ends it early.
 */
export type PodNetworkTools = (
  /** `container`: the one whose process calls them (its environment and files). */
  pod: { namespace: string; name: string; ip: string; container?: string },
  argv: string[],
  io: { stdin: string; out(text: string): void; err(text: string): void },
  signal: AbortSignal,
) => Promise<number>;

/**
 * Images that run a real web server (nginx); everything else gets a stand-in (standIn/).
 * `bprashanth/nginxhttps` is the docs' nginx for HTTPS ("Connecting Applications with Services"):
 * nginx, configured by the conf.d a ConfigMap mounts (nginxSite.ts).
 */
export function isNginxImage(image: string): boolean {
  const repo = image.split('@')[0]!.split(':')[0]!;
  const last = repo.split('/').pop() ?? repo;
  return last === 'nginx' || last.startsWith('nginx-') || repo === 'bprashanth/nginxhttps';
}
