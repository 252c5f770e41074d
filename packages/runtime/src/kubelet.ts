import {
  type Container,
  type ContainerState,
  type Pod,
  type WatchEvent,
  podContainer,
} from '@l4lab/protocol';
import {
  type Clock,
  type Cluster,
  type PortMapper,
  hostPortsOf,
  hostPortsTaken,
  REASON_NODE_PORTS,
  type TimerHandle,
  realClock,
} from '@l4lab/cluster';
import { type ConfigSource, namesConfig, resolveContainerConfig } from './containerConfig.ts';
import { RestartBackoff } from './backoff.ts';
import { runPreStopHooks } from './lifecycleHooks.ts';
import {
  VolumeMountError,
  asText,
  containerFiles,
  fillVolumes,
  podVolumeFiles,
  subPathFiles,
  volumeReads,
} from './podVolumes.ts';
import { serviceEnvironment } from './podEnvironment.ts';
import { podDNSConfig, podHostname, podNetworkFiles, resolverOf } from './podNetworkFiles.ts';
import { buildPodStatus } from './podStatusBuilder.ts';
import { type PodWorker, initProgress, initializing, newPodWorker } from './podWorker.ts';
import { httpProbe, tcpProbe } from './probe.ts';
import { type ProbeSpec, livenessProbeOf, readinessProbeOf } from './probeSpec.ts';
import { standInNote } from './standIn/standInPod.ts';
import { isBareShell } from './standIn/shellRun.ts';
import {
  containerArgv,
  containerEnv,
  hasOldNslookup,
  imageFiles,
  standInOf,
} from './standIn/standIns.ts';
import type { ContainerRuntime, EphemeralRun, PodExit, PodHandle, PodSandbox } from './types.ts';
import { ContainerStartError } from './types.ts';

/** The kubelet posts its node's status at least this often, unchanged (nodeStatusReportFrequency). */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

export interface KubeletLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Runs one tcpSocket or httpGet probe against a real address: true on success. */
/**
 * One probe of a container at host:port; `from` is the node's address the kubelet probes from
 * (so a NetworkPolicy lets it in, as a pod's own node always is), when addresses are native.
 */
export type Prober = (
  spec: ProbeSpec,
  host: string,
  port: number,
  from?: string,
) => Promise<boolean>;

export interface KubeletOptions {
  cluster: Cluster;
  runtime: ContainerRuntime;
  mapper: PortMapper;
  logger: KubeletLogger;
  /** Period of the implicit readiness probe (a TCP connect to the first port), ms. */
  defaultProbePeriodMs?: number;
  /** Multiplies the CrashLoopBackOff delays (10 s doubling to 5 min); 0.1 for demos. */
  backoffScale?: number;
  clock?: Clock;
  prober?: Prober;
  /** The cluster's DNS domain (the kubelet's --cluster-domain), for pods' resolv.conf and hosts. */
  clusterDomain?: string;
}

/** What a command run in a pod's container sees (kubectl exec): its environment and files. */
export interface ContainerView {
  env: Record<string, string>;
  /** The kubelet-managed files, by path (/etc/hosts, /etc/resolv.conf, ...). */
  files: Readonly<Record<string, string>>;
  /** Its resolver's settings (from that resolv.conf): first nameserver, search path, ndots. */
  dns: { nameserver: string; searches: string[]; ndots: number };
  /** The container's volume mountPaths. */
  mountPoints: string[];
  /** Its image's busybox is older than 1.29: nslookup prints the first format (hasOldNslookup). */
  oldNslookup?: boolean;
}

/** The shortest stop a container gets after its preStop hook (minimumGracePeriodInSeconds). */
const MIN_GRACE_MS = 2000;
/**
 * The least time from a pod's deletion to the kubelet's confirming it gone, about what a
 * kubelet's pod worker and status manager take. Sooner, a client that waits on the name (`kubectl
 * delete`'s wait: a GET, then a LIST and WATCH) can find the StatefulSet's new pod of that name
 * in place of the old one and wait for a deletion it will never see.
 */
const MIN_TERMINATION_MS = 1000;

/** A container whose ConfigMap or Secret (or one of its keys) is missing is not created. */
const CONFIG_ERROR = 'CreateContainerConfigError';
/** How often the kubelet tries such a container again (its pod workers' resync after an error). */
const CONFIG_RETRY_MS = 10_000;
/**
 * When a container kubectl attaches to is first posted Running. The kubelet learns that a
 * container runs from its runtime's next relist (PLEG, every second), so a command that ends
 * sooner (`kubectl run dns-test --image=busybox:1.28 --rm -it --restart=Never -- nslookup nginx`)
 * is never seen Running: kubectl, which attaches to a Running pod and prints a finished one's log,
 * prints the log, instead of attaching to a container gone meanwhile and saying so ("warning:
 * couldn't attach to pod/dns-test, falling back to streaming logs").
 */
const ATTACHED_RELIST_MS = 300;

const realProber: Prober = (spec, host, port, from) =>
  spec.kind === 'http'
    ? httpProbe(host, port, spec.path, spec.timeoutMs, from, spec.https)
    : tcpProbe(host, port, spec.timeoutMs, from);

/**
 * The kubelet of every virtual node: starts the pods the scheduler bound, gives them an IP, probes
 * readiness and liveness for real, restarts crashed containers with back-off, stops pods being
 * deleted, and stops (and later restarts) every pod of a node that is stopped.
 */
export class Kubelet {
  readonly #o: Required<KubeletOptions>;
  readonly #workers = new Map<string, PodWorker>();
  readonly #stoppedNodes = new Set<string>();
  /** Containers being started: stopAll waits for them, so none starts after the server stopped. */
  readonly #starting = new Set<Promise<void>>();
  #unwatch: (() => void) | undefined;
  #statusTimer: TimerHandle | undefined;

  constructor(opts: KubeletOptions) {
    this.#o = {
      defaultProbePeriodMs: 1000,
      backoffScale: 1,
      clock: realClock,
      prober: realProber,
      clusterDomain: 'cluster.local',
      ...opts,
    };
  }

  start(): void {
    this.#unwatch = this.#o.cluster.watch((e) => this.#onEvent(e));
    for (const pod of this.#o.cluster.list('Pod')) this.#onEvent({ type: 'ADDED', object: pod });
    this.#reportNodeStatus();
  }

  /** Every node's kubelet posts its status each nodeStatusReportFrequency (a stopped one does not). */
  #reportNodeStatus(): void {
    this.#statusTimer = this.#o.clock.setTimeout(() => {
      for (const node of this.#o.cluster.list('Node')) {
        if (!this.#stoppedNodes.has(node.metadata.name))
          this.#o.cluster.postNodeStatus(node.metadata.name);
      }
      this.#reportNodeStatus();
    }, NODE_STATUS_REPORT_MS);
  }

  #find(namespace: string, name: string): PodWorker | undefined {
    for (const w of this.#workers.values()) {
      if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) return w;
    }
    return undefined;
  }

  /** Kills a pod's container as a crash would; the kubelet then restarts it. */
  killPod(namespace: string, name: string): boolean {
    const w = this.#find(namespace, name);
    if (!w?.handle) return false;
    if (w.handle.crash) w.handle.crash();
    else w.handle.kill();
    return true;
  }

  /** Toggles a failing readiness probe (`POST /api/pods/.../unready`); returns the new setting. */
  toggleUnready(namespace: string, name: string): boolean | undefined {
    const w = this.#find(namespace, name);
    if (!w) return undefined;
    w.forcedUnready = !w.forcedUnready;
    if (w.forcedUnready && w.ready) {
      w.ready = false;
      this.#writeStatus(w);
    }
    return w.forcedUnready;
  }

  /** The pod's running container, else the last one that ran (its logs stay readable). */
  handleOf(namespace: string, name: string): PodHandle | undefined {
    const w = this.#find(namespace, name);
    return w?.handle ?? w?.lastHandle;
  }

  /**
   * `kubectl logs --previous`: the log of the container's run that ended last (its
   * lastState.terminated; in CrashLoopBackOff, the run that just ended), or undefined when it has
   * none.
   */
  async previousLogs(
    namespace: string,
    name: string,
    container: string,
  ): Promise<string[] | undefined> {
    const w = this.#find(namespace, name);
    if (!w) return undefined;
    const own = w.own.get(container);
    if (own) {
      if (!own.lastState?.terminated) return undefined;
      // Restarted alone: its handle kept the run before (or, in back-off, it is the last one).
      return w.handle?.previousContainerLogs?.(container);
    }
    if (!w.lastState?.terminated) return undefined;
    const h = w.handle ? w.previousHandle : w.lastHandle;
    if (!h) return undefined;
    return h.containerLogs ? h.containerLogs(container) : h.logs();
  }

  /**
   * What `kubectl exec [-c container]` finds in that container (the pod's first without one): the
   * environment it started with (service links included), its volumes and the files the kubelet
   * wrote for the pod.
   */
  containerView(namespace: string, name: string, container?: string): ContainerView | undefined {
    const w = this.#find(namespace, name);
    if (!w) return undefined;
    const spec =
      container === undefined ? w.pod.spec.containers[0] : podContainer(w.pod, container);
    if (!spec) return undefined;
    // Its variables as it started: ConfigMap and Secret keys read then.
    const c = w.configured.get(spec.name) ?? spec;
    const sandbox = this.#sandbox(w, [c]);
    const env = containerEnv(c, { ...sandbox, serviceEnv: w.serviceEnv });
    return {
      env: Object.fromEntries(env),
      // The image's own files a stand-in knows (the tutorial's server.js), under the kubelet's.
      files: { ...imageFiles(c.image), ...(sandbox.files ?? w.files) },
      mountPoints: (c.volumeMounts ?? []).map((m) => m.mountPath.replace(/(.)\/+$/, '$1')),
      dns: resolverOf(this.#dnsConfig(w.pod)),
      ...(hasOldNslookup(c.image) ? { oldNslookup: true } : {}),
    };
  }

  /** Handles of every running pod (for `bench:pods`' RSS figures). */
  handles(): PodHandle[] {
    return [...this.#workers.values()].flatMap((w) => (w.handle ? [w.handle] : []));
  }

  /**
   * The node goes down: its pods' containers die at once (no grace: the machine is off) and the
   * node stops posting status, so its Ready condition becomes Unknown; the node lifecycle
   * controller then taints the node and marks its pods NotReady, and the taint eviction
   * controller evicts them after the eviction timeout. They stay Terminating (nothing confirms
   * their stop) until the node is back or they are deleted with `--force --grace-period=0`.
   */
  async stopNode(node: string): Promise<number> {
    this.#stoppedNodes.add(node);
    const workers = [...this.#workers.values()].filter((w) => w.pod.spec.nodeName === node);
    await Promise.all(
      workers.map(async (w) => {
        this.#endEphemeral(w);
        this.#writeStatus(w);
        w.nodeStopped = true;
        this.#cancelTimers(w);
        const h = w.handle;
        w.handle = undefined;
        w.ready = false;
        if (h) {
          h.kill();
          await h.exited;
        }
      }),
    );
    this.#o.cluster.setNodeReady(node, false);
    return workers.length;
  }

  /** The node is back: Ready again, and the pods still bound to it start again (a reboot). */
  startNode(node: string): number {
    this.#stoppedNodes.delete(node);
    this.#o.cluster.setNodeReady(node, true);
    let n = 0;
    for (const w of this.#workers.values()) {
      if (w.pod.spec.nodeName !== node || !w.nodeStopped || w.removed) continue;
      w.nodeStopped = false;
      if (w.pod.metadata.deletionTimestamp) {
        // Deleted while the node was down (evicted, Terminating since): nothing runs any more,
        // so the kubelet confirms the stop at once and the pod goes.
        const { namespace = 'default', name } = w.pod.metadata;
        this.#o.cluster.removePod(namespace, name);
        continue;
      }
      if (w.finished) continue; // Succeeded and Failed pods stay so after a node's reboot
      n++;
      if (w.everStarted) w.restartCount++;
      // A new sandbox: its init containers run again, first.
      w.init = initProgress(w.pod, this.#o.backoffScale);
      w.state = { waiting: { reason: w.init ? 'PodInitializing' : 'ContainerCreating' } };
      this.#writeStatus(w);
      void this.#runContainer(w);
    }
    for (const pod of this.#o.cluster.list('Pod')) this.#onEvent({ type: 'ADDED', object: pod });
    return n;
  }

  /** Stops every pod (server shutdown). */
  async stopAll(graceMs = 2000): Promise<void> {
    this.#unwatch?.();
    this.#statusTimer?.cancel();
    await Promise.all([...this.#workers.values()].map((w) => this.#stopWorker(w, graceMs)));
    await Promise.all(this.#starting);
    this.#workers.clear();
  }

  #onEvent(e: WatchEvent): void {
    if (e.object.kind === 'ConfigMap' || e.object.kind === 'Secret') {
      if (e.type !== 'DELETED') this.#configArrived(e.object.kind, e.object.metadata);
      return;
    }
    if (e.object.kind !== 'Pod') return;
    const pod = e.object;
    const uid = pod.metadata.uid ?? '';
    const w = this.#workers.get(uid);
    if (e.type === 'DELETED') {
      if (w) {
        w.removed = true;
        void this.#stopWorker(w, 0).then(() => {
          this.#workers.delete(uid);
          // Gone for good: its directory goes too (configs and logs would pile up otherwise).
          const { namespace = 'default', name } = pod.metadata;
          return this.#o.runtime
            .remove?.({ namespace, name, uid })
            .catch((err: unknown) =>
              this.#o.logger.warn({ pod: name, err: String(err) }, 'cannot remove pod directory'),
            );
        });
      }
      return;
    }
    const node = pod.spec.nodeName;
    if (!node) return;
    if (!w) {
      // A pod that ended (restored so from a saved lab) does not run again; deleted, nothing
      // runs to stop, so it goes at once.
      const phase = pod.status?.phase;
      const ended = phase === 'Succeeded' || phase === 'Failed';
      if (ended && pod.metadata.deletionTimestamp && !this.#stoppedNodes.has(node))
        this.#o.cluster.removePod(pod.metadata.namespace ?? 'default', pod.metadata.name);
      if (ended || pod.metadata.deletionTimestamp || this.#stoppedNodes.has(node)) return;
      void this.#startWorker(pod, node);
      return;
    }
    w.pod = pod;
    if (pod.metadata.deletionTimestamp && !w.terminating && !w.nodeStopped) void this.#terminate(w);
    else this.#startEphemeral(w);
  }

  /**
   * Ephemeral containers added by `kubectl debug`. One whose process is a shell reading stdin
   * (`kubectl debug -it POD --image=busybox`) runs as the pod's tools' shell, which attach then
   * talks to. One with a command (`kubectl debug POD -i --image=busybox -- nslookup web`) runs it
   * in a stand-in in the pod's sandbox, as the pod (`localhost` is the pod), its output the
   * container's log; one the stand-in cannot run fails to start, and its status says why. Both wait
   * for the pod's containers to run (a sandbox to join).
   */
  #startEphemeral(w: PodWorker): void {
    if (this.#gone(w) || w.finished) return;
    let changed = false;
    for (const c of w.pod.spec.ephemeralContainers ?? []) {
      if (w.ephemeral.has(c.name)) continue;
      const argv = containerArgv(c, standInOf(c.image));
      const shell = isAttachedShell(c);
      const handle = w.handle;
      if (!shell && !handle?.startEphemeral) continue; // no sandbox yet: the next sync starts it
      changed = true;
      const now = this.#o.cluster.nowIso();
      if (shell) {
        w.ephemeral.set(c.name, {
          ...ephemeralBase(c),
          started: true,
          state: { running: { startedAt: now } },
        });
        this.#ephemeralStartedEvents(w, c);
        continue;
      }
      w.ephemeral.set(c.name, {
        ...ephemeralBase(c),
        started: false,
        state: { waiting: { reason: 'ContainerCreating' } },
      });
      void this.#runEphemeral(w, handle!, c, argv);
    }
    if (changed) this.#writeStatus(w);
  }

  /** An ephemeral container's command in the pod's sandbox (a stand-in), until it ends. */
  async #runEphemeral(w: PodWorker, handle: PodHandle, c: Container, argv: string[]) {
    const failed = (message: string) => {
      const now = this.#o.cluster.nowIso();
      w.ephemeral.set(c.name, {
        ...ephemeralBase(c),
        started: false,
        state: {
          terminated: {
            exitCode: 128,
            reason: 'StartError',
            message,
            startedAt: now,
            finishedAt: now,
          },
        },
      });
      this.#event(w, 'Warning', 'Failed', `Error: ${message}`);
      this.#writeStatus(w);
    };
    let run: EphemeralRun;
    try {
      run = await handle.startEphemeral!(c);
    } catch (err) {
      if (!this.#gone(w)) failed(`cannot start ephemeral container ${c.name}: ${String(err)}`);
      return;
    }
    if (this.#gone(w)) return run.kill();
    if (w.handle !== handle) {
      // The pod's containers restarted meanwhile: its sandbox went, and the container with it.
      run.kill();
      const now = this.#o.cluster.nowIso();
      const ended = { exitCode: 137, reason: 'Error', startedAt: now, finishedAt: now };
      w.ephemeral.set(c.name, {
        ...ephemeralBase(c),
        started: false,
        state: { terminated: ended },
      });
      return this.#writeStatus(w);
    }
    if (run.kind !== 'shell') {
      run.kill();
      return failed(
        `l4lab's stand-in cannot run "${argv.join(' ')}": an ephemeral container runs sh and its commands (${EPHEMERAL_TOOLS}), or an interactive shell (kubectl debug -it ${w.pod.metadata.name} --image=busybox)`,
      );
    }
    w.ephemeral.set(c.name, {
      ...ephemeralBase(c),
      started: true,
      state: { running: { startedAt: this.#o.cluster.nowIso() } },
    });
    this.#ephemeralStartedEvents(w, c);
    this.#writeStatus(w);
    const exit = await run.exited;
    if (this.#gone(w)) return;
    this.#ephemeralExited(w, c.name, exit.code ?? 137);
    this.#writeStatus(w);
  }

  #ephemeralStartedEvents(w: PodWorker, c: Container): void {
    this.#event(w, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
    this.#event(w, 'Normal', 'Created', `Created container ${c.name}`);
    this.#event(w, 'Normal', 'Started', `Started container ${c.name}`);
  }

  /** The pod's sandbox goes (deleted, finished, its node off): its ephemeral containers end too. */
  #endEphemeral(w: PodWorker): void {
    for (const name of w.ephemeral.keys()) this.#ephemeralExited(w, name, 137);
  }

  /** An ephemeral container's process ended with `code` (nothing when it was not running). */
  #ephemeralExited(w: PodWorker, name: string, code: number): void {
    const status = w.ephemeral.get(name);
    const running = status?.state?.running;
    if (!status || !running) return;
    w.ephemeral.set(name, {
      ...status,
      started: false,
      state: {
        terminated: {
          exitCode: code,
          reason: code === 0 ? 'Completed' : 'Error',
          startedAt: running.startedAt,
          finishedAt: this.#o.cluster.nowIso(),
        },
      },
    });
  }

  /**
   * An ephemeral container whose shell attach talks to (`kubectl debug -it`): `finish` ends it
   * with the shell's exit code. Undefined when it is not one, or no longer runs.
   */
  ephemeralShell(
    namespace: string,
    name: string,
    container: string,
  ): { finish(code: number): void } | undefined {
    const w = this.#find(namespace, name);
    if (!w?.ephemeral.get(container)?.state?.running) return undefined;
    const spec = w.pod.spec.ephemeralContainers?.find((c) => c.name === container);
    if (!spec || !isAttachedShell(spec)) return undefined; // a command's: attach follows its output
    return {
      finish: (code) => {
        this.#ephemeralExited(w, container, code);
        this.#writeStatus(w);
      },
    };
  }

  async #startWorker(pod: Pod, node: string): Promise<void> {
    const { cluster } = this.#o;
    if (!this.#admitted(pod, node)) return;
    let ip: string;
    try {
      // On the host network a pod has its node's address (and its name, podHostname); else one of
      // the node's pod CIDR, and a pod restored from an earlier run of the lab the IP it had then.
      const nodeIP = pod.spec.hostNetwork ? cluster.nodeIP(node) : undefined;
      if (pod.spec.hostNetwork && !nodeIP) throw new Error(`node "${node}" has no address`);
      ip = nodeIP ?? cluster.allocatePodIP(node, pod.metadata.uid);
    } catch (err) {
      // A node l4lab does not run (a hand-set nodeName), or a full pod CIDR: the pod stays Pending.
      this.#o.logger.warn({ pod: pod.metadata.name, node, err: String(err) }, 'cannot start pod');
      return;
    }
    const w = newPodWorker(pod, {
      ip,
      hostIP: cluster.nodeIP(node) ?? '',
      files: podNetworkFiles(pod, ip, this.#clusterDNS()),
      hostname: podHostname(pod),
      startTime: cluster.nowIso(),
      backoffScale: this.#o.backoffScale,
    });
    // A pod kept by an earlier run of the lab: its debug shells did not survive the restart.
    for (const st of pod.status?.ephemeralContainerStatuses ?? []) w.ephemeral.set(st.name, st);
    this.#endEphemeral(w);
    this.#workers.set(pod.metadata.uid ?? '', w);
    this.#writeStatus(w);
    this.#startEphemeral(w);
    await this.#runContainer(w);
  }

  /**
   * The kubelet's admission: a pod bound to this node without the scheduler (a hand-set
   * `nodeName`) may still ask for host ports another pod here holds; it is rejected then, Failed
   * with the NodePorts predicate's words, as a kubelet rejects it.
   */
  #admitted(pod: Pod, node: string): boolean {
    if (pod.status?.phase === 'Failed' && pod.status.reason === 'NodePorts') return false;
    const wanted = hostPortsOf(pod);
    if (wanted.length === 0) return true;
    const here = this.#o.cluster
      .list('Pod')
      .filter(
        (p) =>
          p.spec.nodeName === node &&
          p.metadata.uid !== pod.metadata.uid &&
          p.status?.phase !== 'Succeeded' &&
          p.status?.phase !== 'Failed',
      );
    if (!hostPortsTaken(wanted, here)) return true;
    const { namespace = 'default', name } = pod.metadata;
    this.#o.cluster.updatePodStatus(namespace, name, pod.metadata.uid, {
      ...pod.status,
      phase: 'Failed',
      reason: 'NodePorts',
      message: `Pod was rejected: Predicate NodePorts failed: ${REASON_NODE_PORTS}`,
    });
    return false;
  }

  #gone(w: PodWorker): boolean {
    return w.terminating || w.removed || w.nodeStopped;
  }

  /** Starts what comes next: the next init container, else the app containers. */
  #runContainer(w: PodWorker): Promise<void> {
    // Until the runtime answers: a ConfigMap's event or a retry must not start it a second time.
    w.starting = true;
    const next = initializing(w) ? this.#startInit(w) : this.#startContainer(w);
    const run = next.finally(() => this.#starting.delete(run));
    this.#starting.add(run);
    return run;
  }

  #clusterDNS() {
    return { clusterDNS: this.#o.cluster.plan.dnsServiceIP, clusterDomain: this.#o.clusterDomain };
  }

  #dnsConfig(pod: Pod) {
    return podDNSConfig(pod, this.#clusterDNS());
  }

  /** What the runtime gets to start containers of the pod (the CRI's sandbox and configs). */
  #sandbox(w: PodWorker, containers: Container[]): PodSandbox {
    const { pod } = w;
    const volumes = w.volumes ?? new Map();
    const byContainer = new Map(
      containers.map((c) => [c.name, containerFiles(c, volumes, w.subPathFiles.get(c.name))]),
    );
    const mounted: Record<string, string> = Object.assign(
      {},
      ...[...byContainer.values()].map(asText),
    );
    return {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      uid: pod.metadata.uid ?? '',
      ip: w.ip,
      node: pod.spec.nodeName!,
      containers,
      hostname: w.hostname,
      files: { ...w.files, ...mounted },
      containerFiles: byContainer,
      // The Services there now: a container started later sees the ones created since.
      serviceEnv: serviceEnvironment(pod, this.#o.cluster.list('Service')),
    };
  }

  /** Where the kubelet reads the ConfigMaps and Secrets containers name (its watch of the API). */
  readonly #configSource: ConfigSource = {
    configMap: (ns, name) => this.#o.cluster.store.get('ConfigMap', ns, name),
    secret: (ns, name) => this.#o.cluster.store.get('Secret', ns, name),
  };

  /**
   * The containers as they start: their ConfigMap and Secret references read now (a missing one
   * throws CreateContainerConfigError), each kept for `kubectl exec`.
   */
  #configure(w: PodWorker, containers: Container[]): Container[] {
    // The pod's volumes mount once, before its first container (MountVolume.SetUp).
    w.volumes ??= podVolumeFiles(w.pod, this.#configSource);
    const ns = w.pod.metadata.namespace ?? 'default';
    for (const c of containers) w.subPathFiles.set(c.name, subPathFiles(c, w.volumes));
    return containers.map((c) => {
      const container = resolveContainerConfig(c, ns, this.#configSource);
      w.configured.set(c.name, container);
      return container;
    });
  }

  /** The container starting or running now: an init container, or the first app container. */
  #current(w: PodWorker): Container | undefined {
    return initializing(w) ? w.pod.spec.initContainers?.[w.init!.next] : w.pod.spec.containers[0];
  }

  /** Sets the state of the container starting or running now (init or app). */
  #setState(w: PodWorker, state: ContainerState): void {
    if (initializing(w)) w.init!.statuses[w.init!.next]!.state = state;
    else w.state = state;
  }

  #startedEvents(w: PodWorker, containers: Container[], handle: PodHandle): void {
    for (const c of containers) {
      this.#event(w, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      this.#event(w, 'Normal', 'Created', `Created container ${c.name}`);
      this.#event(w, 'Normal', 'Started', `Started container ${c.name}`);
      const standIn = handle.standIns?.find((s) => s.container === c.name);
      if (standIn) this.#event(w, 'Normal', 'StandIn', standInNote([standIn])!);
    }
  }

  /** The next init container, alone, to its end; the app containers start once all completed. */
  async #startInit(w: PodWorker): Promise<void> {
    const init = w.init!;
    const index = init.next;
    const c = w.pod.spec.initContainers![index]!;
    let handle: PodHandle;
    try {
      handle = await this.#o.runtime.start(this.#sandbox(w, this.#configure(w, [c])));
    } catch (err) {
      w.starting = false;
      if (this.#gone(w)) return;
      this.#startFailed(w, err);
      return;
    }
    w.starting = false;
    if (this.#gone(w)) {
      await handle.stop(0);
      return;
    }
    w.handle = handle;
    w.pullBackoff.reset();
    this.#startedEvents(w, [c], handle);
    w.runningSince = this.#o.clock.now();
    const startedAt = this.#o.cluster.nowIso();
    init.statuses[index] = {
      ...init.statuses[index]!,
      started: true,
      state: { running: { startedAt } },
    };
    w.message = handle.note;
    this.#writeStatus(w);
    void handle.exited.then((exit) => {
      if (w.handle !== handle || this.#gone(w)) return;
      w.handle = undefined;
      this.#initExited(w, exit.code ?? 137, exit.message, startedAt);
    });
  }

  /**
   * An init container ended: the next one (or the app containers) starts when it completed;
   * a failure restarts it with back-off, unless restartPolicy is Never (the pod fails).
   */
  #initExited(w: PodWorker, exitCode: number, message: string | undefined, startedAt: string) {
    const init = w.init!;
    const index = init.next;
    const st = init.statuses[index]!;
    const terminated = this.#terminated(exitCode, message, startedAt);
    if (exitCode === 0) {
      init.statuses[index] = { ...st, ready: true, started: false, state: { terminated } };
      init.next++;
      init.backoff.reset();
      this.#writeStatus(w);
      void this.#runContainer(w);
      return;
    }
    init.statuses[index] = { ...st, started: false, state: { terminated } };
    if ((w.pod.spec.restartPolicy ?? 'Always') === 'Never') {
      w.finished = 'Failed';
      this.#endEphemeral(w);
      this.#writeStatus(w);
      return;
    }
    init.statuses[index]!.restartCount++;
    init.statuses[index]!.lastState = { terminated };
    this.#writeStatus(w);
    this.#restartAfterBackoff(w, init.backoff.next(this.#o.clock.now() - w.runningSince), st.name);
  }

  /** The kubelet's terminated state: reason, exit code, message, when it ran. */
  #terminated(exitCode: number, message: string | undefined, startedAt: string | undefined) {
    return {
      reason: exitCode === 0 ? 'Completed' : 'Error',
      exitCode,
      ...(message ? { message } : {}),
      ...(startedAt ? { startedAt } : {}),
      finishedAt: this.#o.cluster.nowIso(),
    };
  }

  /** The app containers, once every init container completed. */
  async #startContainer(w: PodWorker): Promise<void> {
    const { pod } = w;
    let handle: PodHandle;
    try {
      const sandbox = this.#sandbox(w, this.#configure(w, pod.spec.containers));
      w.serviceEnv = sandbox.serviceEnv ?? {};
      handle = await this.#o.runtime.start(sandbox);
    } catch (err) {
      w.starting = false;
      if (this.#gone(w)) return;
      this.#startFailed(w, err);
      return;
    }
    w.starting = false;
    if (this.#gone(w)) {
      await handle.stop(0);
      return;
    }
    w.handle = handle;
    w.previousHandle = w.lastHandle;
    w.lastHandle = handle;
    w.pullBackoff.reset();
    w.everStarted = true;
    this.#startedEvents(w, pod.spec.containers, handle);
    w.runningSince = this.#o.clock.now();
    w.state = { running: { startedAt: this.#o.cluster.nowIso() } };
    w.own.clear();
    w.message = handle.note;
    // Posted Running, and probed (no readiness probe: Ready at once), from when it is seen.
    const seen = () => {
      this.#writeStatus(w);
      this.#startProbes(w);
    };
    if (pod.spec.containers.some((c) => c.stdin))
      this.#after(w, ATTACHED_RELIST_MS, () => {
        if (w.handle === handle) seen();
      });
    else seen();
    this.#startEphemeral(w); // those that waited for the sandbox
    handle.onContainerExit?.((name, exit) => {
      if (w.handle === handle && !this.#gone(w)) this.#ownExited(w, handle, name, exit);
    });
    void handle.exited.then((exit) => {
      if (w.handle !== handle || this.#gone(w)) return;
      this.#o.logger.info({ pod: pod.metadata.name, exit }, 'container exited');
      this.#containerExited(w, exit.code ?? 137, exit.message);
    });
  }

  /**
   * The container's process ended: restarted as the pod's restartPolicy says (Always: whatever
   * the code; OnFailure: unless it is 0; Never: not), or the pod ends Succeeded / Failed.
   */
  #containerExited(w: PodWorker, exitCode: number, message?: string): void {
    const terminated = this.#terminated(exitCode, message, w.state?.running?.startedAt);
    const policy = w.pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0)) {
      this.#containerEnded(w, terminated);
      return;
    }
    this.#cancelTimers(w);
    w.handle = undefined;
    // A container that had ended alone keeps its own end; one running then ended with the pod.
    for (const own of w.own.values()) {
      own.ready = false;
      if (!own.state.terminated) own.state = { terminated };
    }
    w.ready = false;
    const failed = [...w.own.values()].some((o) => o.state.terminated?.exitCode !== 0);
    w.finished = exitCode === 0 && !failed ? 'Succeeded' : 'Failed';
    w.state = { terminated };
    this.#endEphemeral(w);
    this.#writeStatus(w);
  }

  /**
   * One container of a pod of several ended on its own (a stand-in sidecar; the pod runs on): it
   * restarts alone as the restartPolicy says, with its own back-off and restart count, and is not
   * Ready meanwhile, so neither is the pod. When every container has ended for good, so has the
   * pod: Succeeded, or Failed when one failed.
   */
  #ownExited(w: PodWorker, handle: PodHandle, name: string, exit: PodExit): void {
    const now = this.#o.clock.now();
    const prev = w.own.get(name);
    const code = exit.code ?? 137;
    const startedAt = (prev ? prev.state : w.state)?.running?.startedAt;
    const terminated = this.#terminated(code, exit.message, startedAt);
    const own = prev ?? {
      state: { terminated },
      lastState: undefined,
      restartCount: w.restartCount,
      ready: false,
      backoff: new RestartBackoff(this.#o.backoffScale),
      runningSince: w.runningSince,
    };
    w.own.set(name, own);
    own.ready = false;
    own.state = { terminated };
    const policy = w.pod.spec.restartPolicy ?? 'Always';
    if (!(policy === 'Always' || (policy === 'OnFailure' && code !== 0))) {
      const ended = w.pod.spec.containers.map((c) => w.own.get(c.name)?.state.terminated);
      if (ended.every((t) => t !== undefined)) {
        // Every container ended for good: the pod's end, as when its one container ends.
        this.#cancelTimers(w);
        w.handle = undefined;
        void handle.stop(0);
        w.ready = false;
        w.finished = ended.some((t) => t.exitCode !== 0) ? 'Failed' : 'Succeeded';
        this.#endEphemeral(w);
      }
      this.#writeStatus(w);
      return;
    }
    own.restartCount++;
    own.lastState = { terminated };
    const delay = own.backoff.next(now - own.runningSince);
    if (delay > 0) {
      const { name: pod, namespace = 'default', uid = '' } = w.pod.metadata;
      this.#event(
        w,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${name} in pod ${pod}_${namespace}(${uid})`,
      );
      own.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${name} pod=${pod}`,
        },
      };
    }
    this.#writeStatus(w);
    this.#after(w, delay, () => {
      void (async () => {
        if (w.handle !== handle) return;
        try {
          await handle.restartContainer?.(name);
        } catch (err) {
          this.#o.logger.warn(
            { pod: w.pod.metadata.name, name, err: String(err) },
            'restart failed',
          );
          // A start that failed is an end too (StartError's 128): tried again after its back-off.
          if (w.handle === handle && !this.#gone(w))
            this.#ownExited(w, handle, name, { code: 128, signal: null, message: String(err) });
          return;
        }
        if (w.handle !== handle || this.#gone(w)) return;
        const c = w.pod.spec.containers.find((x) => x.name === name);
        if (c) this.#startedEvents(w, [c], handle);
        own.state = { running: { startedAt: this.#o.cluster.nowIso() } };
        own.runningSince = this.#o.clock.now();
        own.ready = true;
        this.#writeStatus(w);
      })();
    });
  }

  /**
   * A ConfigMap or Secret was written: the volumes reading it are filled again, and a pod waiting
   * for it (a volume not mounted yet, a container in CreateContainerConfigError) is tried again
   * now, not at its next retry.
   */
  #configArrived(kind: 'ConfigMap' | 'Secret', meta: { namespace?: string; name: string }): void {
    for (const w of this.#workers.values()) {
      if ((w.pod.metadata.namespace ?? 'default') !== (meta.namespace ?? 'default')) continue;
      if (this.#gone(w) || w.finished) continue;
      const mounts = volumeReads(w.pod, kind, meta.name);
      if (mounts && w.volumes) this.#refillVolumes(w);
      const containers = [...(w.pod.spec.initContainers ?? []), ...w.pod.spec.containers];
      const waitsForIt =
        (mounts && !w.volumes) ||
        (this.#waitingReason(w) === CONFIG_ERROR &&
          containers.some((c) => namesConfig(c, kind, meta.name)));
      if (!waitsForIt || w.handle || w.starting) continue;
      this.#cancelTimers(w);
      void this.#runContainer(w);
    }
  }

  #waitingReason(w: PodWorker): string | undefined {
    return (initializing(w) ? w.init!.statuses[w.init!.next]?.state : w.state)?.waiting?.reason;
  }

  /** Tries the pod's next container again, unless it started meanwhile. */
  #retry(w: PodWorker): void {
    if (!w.starting && !w.handle) void this.#runContainer(w);
  }

  /**
   * A volume's ConfigMap or Secret changed: its files are filled again and the running
   * containers see them. One fill at a time per pod, of the latest objects; a volume whose
   * object is now missing keeps its last files (FailedMount says why).
   */
  #refillVolumes(w: PodWorker): void {
    if (w.refilling) {
      w.refillAgain = true;
      return;
    }
    w.refilling = (async () => {
      do {
        w.refillAgain = false;
        await this.#refillOnce(w);
      } while (w.refillAgain && !this.#gone(w));
    })().finally(() => (w.refilling = undefined));
  }

  async #refillOnce(w: PodWorker): Promise<void> {
    const { volumes, failures } = fillVolumes(w.pod, this.#configSource, w.volumes);
    for (const f of failures) this.#event(w, 'Warning', 'FailedMount', f.event);
    w.volumes = volumes;
    const handle = w.handle;
    if (!handle?.updateVolumeFiles || initializing(w) || this.#gone(w)) return;
    const containers = w.pod.spec.containers.map((c) => w.configured.get(c.name) ?? c);
    await handle
      .updateVolumeFiles(this.#sandbox(w, containers))
      .catch((err: unknown) =>
        this.#o.logger.warn({ pod: w.pod.metadata.name, err: String(err) }, 'volume update failed'),
      );
  }

  #startFailed(w: PodWorker, err: unknown): void {
    const reason = err instanceof ContainerStartError ? err.reason : 'RunContainerError';
    const message = err instanceof Error ? err.message : String(err);
    this.#o.logger.warn({ pod: w.pod.metadata.name, reason, message }, 'container start failed');
    if (err instanceof VolumeMountError) {
      // The containers wait in ContainerCreating; the volume manager tries the mount again.
      this.#event(w, 'Warning', 'FailedMount', err.event);
      this.#after(w, CONFIG_RETRY_MS * this.#o.backoffScale, () => this.#retry(w));
      return;
    }
    if (reason === CONFIG_ERROR) {
      // Not a crash: the kubelet tries again at each sync of the pod, with no back-off, and
      // meanwhile the container waits with the reason (kuberuntime's startContainer).
      this.#event(w, 'Warning', 'Failed', `Error: ${message}`);
      this.#setState(w, { waiting: { reason, message } });
      this.#writeStatus(w);
      this.#after(w, CONFIG_RETRY_MS * this.#o.backoffScale, () => this.#retry(w));
      return;
    }
    const pull = reason === 'ErrImagePull';
    const image = this.#current(w)?.image;
    // A pull that failed: the image manager's events, then the container's error.
    if (pull) this.#event(w, 'Normal', 'Pulling', `Pulling image "${image}"`);
    this.#event(w, 'Warning', 'Failed', message);
    if (pull) this.#event(w, 'Warning', 'Failed', 'Error: ErrImagePull');
    const backoff = initializing(w) ? w.init!.backoff : w.backoff;
    const delay = pull ? w.pullBackoff.nextPull() : backoff.next(0);
    this.#setState(w, { waiting: { reason, message } });
    this.#writeStatus(w);
    // Kubernetes shows the error, then the back-off (ImagePullBackOff / CrashLoopBackOff) while waiting.
    this.#after(w, Math.min(delay, 1000), () => {
      if (delay <= 1000) return void this.#runContainer(w);
      this.#setState(w, {
        waiting: {
          reason: pull ? 'ImagePullBackOff' : 'CrashLoopBackOff',
          message: pull ? `Back-off pulling image "${image}": ${message}` : message,
        },
      });
      if (pull) {
        this.#event(w, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
        this.#event(w, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      }
      this.#writeStatus(w);
      this.#after(w, delay - 1000, () => void this.#runContainer(w));
    });
  }

  /** The container is gone (crash, kill, failed liveness): count a restart, back off, start again. */
  #containerEnded(w: PodWorker, terminated: NonNullable<ContainerState['terminated']>): void {
    this.#cancelTimers(w);
    w.handle = undefined;
    w.own.clear(); // every container of the pod ended with it, and restarts with it
    w.ready = false;
    w.restartCount++;
    w.state = { terminated };
    // What `kubectl describe` shows as Last State: the run that just ended, with its message.
    w.lastState = { terminated };
    this.#writeStatus(w);
    const delay = w.backoff.next(this.#o.clock.now() - w.runningSince);
    this.#restartAfterBackoff(w, delay, w.pod.spec.containers[0]?.name ?? '');
  }

  /** Starts the container that ended again after `delay`, in CrashLoopBackOff meanwhile. */
  #restartAfterBackoff(w: PodWorker, delay: number, container: string): void {
    if (delay > 0) {
      const { name, namespace = 'default', uid = '' } = w.pod.metadata;
      this.#event(
        w,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${container} in pod ${name}_${namespace}(${uid})`,
      );
      this.#setState(w, {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(delay / 1000)}s restarting failed container=${container} pod=${name}`,
        },
      });
      this.#writeStatus(w);
    }
    this.#after(w, delay, () => void this.#runContainer(w));
  }

  #after(w: PodWorker, ms: number, fn: () => void): void {
    const t = this.#o.clock.setTimeout(() => {
      w.timers.delete(t);
      if (!this.#gone(w)) fn();
    }, ms);
    w.timers.add(t);
  }

  #cancelTimers(w: PodWorker): void {
    for (const t of w.timers) t.cancel();
    w.timers.clear();
  }

  /** An Event about the pod, from this node's kubelet. */
  #event(w: PodWorker, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.#o.cluster.events.record(w.pod, type, reason, message, {
      component: 'kubelet',
      ...(w.pod.spec.nodeName ? { host: w.pod.spec.nodeName } : {}),
    });
  }

  #startProbes(w: PodWorker): void {
    const handle = w.handle;
    const readiness = readinessProbeOf(w.pod.spec.containers, this.#o.defaultProbePeriodMs);
    const liveness = livenessProbeOf(w.pod.spec.containers);
    // The kubelet probes from its node (kubelet's own address), not from the lab's 127.0.0.1.
    const node = this.#o.mapper.mode === 'native' ? w.pod.spec.nodeName : undefined;
    const from = node ? this.#o.cluster.nodeIP(node) : undefined;
    const probe = async (spec: ProbeSpec) => {
      // An exec probe runs in the container: against its stand-in's files (`cat /tmp/healthy`).
      if (spec.kind === 'exec')
        return (await handle?.exec?.(spec.container, spec.command, spec.timeoutMs)) === 0;
      const addr = this.#o.mapper.resolve(w.ip, spec.port, 'TCP');
      return this.#o.prober(spec, addr.ip, addr.port, from);
    };
    let successes = 0;
    let failures = 0;
    let wasReady = false;
    const period = readiness?.periodMs ?? this.#o.defaultProbePeriodMs;
    const readinessRound = async () => {
      const ok = !w.forcedUnready && (readiness ? await probe(readiness) : true);
      if (w.handle !== handle || this.#gone(w)) return;
      successes = ok ? successes + 1 : 0;
      failures = ok ? 0 : failures + 1;
      const threshold = readiness ?? { successThreshold: 1, failureThreshold: 1 };
      let ready = w.ready;
      if (ok && successes >= threshold.successThreshold) ready = true;
      if (!ok && failures >= threshold.failureThreshold) ready = false;
      // A probe that fails once the pod has been Ready is news (before, nginx is still starting).
      if (!ok && readiness && wasReady && !w.forcedUnready)
        this.#event(
          w,
          'Warning',
          'Unhealthy',
          `Readiness probe failed: ${failure(readiness, w.ip)}`,
        );
      if (ready !== w.ready) {
        w.ready = ready;
        this.#writeStatus(w);
      }
      wasReady ||= ready;
      // Until it is first Ready, probe every 250 ms at most, so a pod is Ready soon after it listens.
      this.#after(w, wasReady ? period : Math.min(period, 250), readinessRound);
    };
    // A restarted container is probed at the next period, as the kubelet's prober worker does (its
    // result starts as Failure on a new container ID): a killed pod stays out of rotation that long.
    const firstProbeMs = readiness?.initialDelayMs || (w.restartCount > 0 ? period : 0);
    this.#after(w, firstProbeMs, () => void readinessRound());
    if (!liveness) return;
    let livenessFailures = 0;
    const livenessRound = async () => {
      const ok = await probe(liveness);
      if (w.handle !== handle || this.#gone(w)) return;
      livenessFailures = ok ? 0 : livenessFailures + 1;
      if (livenessFailures < liveness.failureThreshold) {
        this.#after(w, liveness.periodMs, livenessRound);
        return;
      }
      this.#o.logger.info({ pod: w.pod.metadata.name }, 'liveness probe failed');
      this.#event(w, 'Warning', 'Unhealthy', `Liveness probe failed: ${failure(liveness, w.ip)}`);
      w.handle = undefined; // the exit handler must not count this restart twice
      this.#cancelTimers(w);
      await handle!.stop((w.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000);
      if (this.#gone(w)) return;
      this.#containerExited(w, 137, 'Container failed liveness probe, will be restarted');
    };
    this.#after(w, liveness.initialDelayMs, () => void livenessRound());
  }

  /**
   * A graceful deletion: the containers' preStop hooks run first (the pod shows Terminating, its
   * endpoint `serving` while its containers still serve), bounded by the grace period; then the
   * stop signal, with what is left of the grace period (at least 2 s) before the kill; then the
   * kubelet tells the API server the pod is gone.
   */
  async #terminate(w: PodWorker): Promise<void> {
    const deleted = this.#o.clock.now();
    this.#endEphemeral(w);
    this.#writeStatus(w);
    w.terminating = true;
    this.#cancelTimers(w); // no more probes: the pod keeps the status it had
    let graceMs = (w.pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const h = w.handle;
    if (h && initializing(w)) {
      // An init container is running: no app container has started, so no preStop hook runs.
      this.#event(w, 'Normal', 'Killing', `Stopping container ${this.#current(w)?.name}`);
    } else if (h) {
      for (const c of w.pod.spec.containers)
        this.#event(w, 'Normal', 'Killing', `Stopping container ${c.name}`);
      const began = this.#o.clock.now();
      w.preStop = new AbortController();
      const { prober, mapper, clock } = this.#o;
      const failures = await runPreStopHooks(
        { pod: w.pod, ip: w.ip, handle: h, prober, mapper, clock },
        graceMs,
        w.preStop.signal,
      );
      w.preStop = undefined;
      for (const f of failures) this.#event(w, 'Warning', 'FailedPreStopHook', f);
      graceMs -= clock.now() - began;
    }
    await this.#stopWorker(w, Math.max(graceMs, MIN_GRACE_MS));
    const left = MIN_TERMINATION_MS - (this.#o.clock.now() - deleted);
    if (left > 0) await new Promise<void>((done) => this.#o.clock.setTimeout(done, left));
    // The node went down meanwhile: its kubelet confirms nothing; the pod goes when it is back.
    if (w.nodeStopped) return;
    const { namespace, name } = w.pod.metadata;
    this.#o.cluster.removePod(namespace ?? 'default', name);
  }

  async #stopWorker(w: PodWorker, graceMs: number): Promise<void> {
    w.terminating = true;
    w.preStop?.abort();
    this.#cancelTimers(w);
    const h = w.handle;
    w.handle = undefined;
    if (h) await h.stop(graceMs);
    if (this.#o.mapper.mode === 'mapped') {
      for (const c of w.pod.spec.containers) {
        for (const p of c.ports ?? [])
          this.#o.mapper.delete(w.ip, p.containerPort, p.protocol === 'UDP' ? 'UDP' : 'TCP');
      }
    }
  }

  #writeStatus(w: PodWorker): void {
    if (w.removed || w.nodeStopped) return;
    const { pod } = w;
    const status = buildPodStatus(pod, w, this.#o.cluster.nowIso());
    this.#o.cluster.updatePodStatus(
      pod.metadata.namespace ?? 'default',
      pod.metadata.name,
      pod.metadata.uid,
      status,
    );
  }
}

/** An ephemeral container whose process is a shell reading stdin (`kubectl debug -it`). */
function isAttachedShell(c: Container): boolean {
  const argv = containerArgv(c, standInOf(c.image));
  return c.stdin === true && (argv.length === 0 || isBareShell(argv));
}

function ephemeralBase(c: Container) {
  return { name: c.name, image: c.image, ready: false, restartCount: 0 };
}

/** What an ephemeral container's command may call (the stand-in shell's tools), as its error says. */
const EPHEMERAL_TOOLS = 'wget, curl, nc, nslookup, hostname, cat, env, echo, sleep';

/** What a failed probe's event says (the kubelet's words, without the cause it cannot see). */
function failure(spec: ProbeSpec, ip: string): string {
  if (spec.kind === 'exec') return `command ${JSON.stringify(spec.command.join(' '))} failed`;
  if (spec.kind === 'http')
    return `Get "http://${ip}:${spec.port}${spec.path}": no answer with a status in 200-399`;
  return `dial tcp ${ip}:${spec.port}: no connection`;
}
