import type { ContainerStatus, Pod, PodStatus, WatchEvent } from '@l4lab/protocol';
import type { Cluster, PortMapper } from '@l4lab/cluster';
import { httpProbe, tcpProbe } from './probe.ts';
import type { ContainerRuntime, PodHandle } from './types.ts';
import { isNginxImage } from './types.ts';

export interface KubeletLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface KubeletOptions {
  cluster: Cluster;
  runtime: ContainerRuntime;
  mapper: PortMapper;
  logger: KubeletLogger;
  /** Period of the implicit readiness probe (a TCP connect to the first port), ms. */
  defaultProbePeriodMs?: number;
  /** Multiplies the CrashLoopBackOff delays (10 s doubling to 5 min); 0.1 for demos. */
  backoffScale?: number;
}

interface ProbeSpec {
  kind: 'tcp' | 'http';
  port: number;
  path: string;
  periodMs: number;
  initialDelayMs: number;
  failureThreshold: number;
}

interface PodWorker {
  pod: Pod;
  ip: string;
  hostIP: string;
  handle: PodHandle | undefined;
  restartCount: number;
  ready: boolean;
  failures: number;
  state: ContainerStatus['state'];
  startedAt: string;
  probeTimer: NodeJS.Timeout | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  terminating: boolean;
  removed: boolean;
}

/**
 * The kubelet of every virtual node: starts the pods the scheduler bound, gives them an IP, probes
 * readiness for real, restarts crashed containers with back-off, and stops pods being deleted.
 */
export class Kubelet {
  readonly #o: Required<KubeletOptions>;
  readonly #workers = new Map<string, PodWorker>();
  #unwatch: (() => void) | undefined;

  constructor(opts: KubeletOptions) {
    this.#o = { defaultProbePeriodMs: 1000, backoffScale: 1, ...opts };
  }

  start(): void {
    this.#unwatch = this.#o.cluster.watch((e) => this.#onEvent(e));
    for (const pod of this.#o.cluster.list('Pod')) this.#onEvent({ type: 'ADDED', object: pod });
  }

  /** Kills a pod's container as a crash would; the kubelet then restarts it. */
  killPod(namespace: string, name: string): boolean {
    const w = [...this.#workers.values()].find(
      (x) => x.pod.metadata.namespace === namespace && x.pod.metadata.name === name,
    );
    if (!w?.handle) return false;
    w.handle.kill();
    return true;
  }

  handleOf(namespace: string, name: string): PodHandle | undefined {
    for (const w of this.#workers.values()) {
      if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === name) return w.handle;
    }
    return undefined;
  }

  /** Stops every pod (server shutdown). */
  async stopAll(graceMs = 2000): Promise<void> {
    this.#unwatch?.();
    await Promise.all([...this.#workers.values()].map((w) => this.#stopWorker(w, graceMs)));
    this.#workers.clear();
  }

  #onEvent(e: WatchEvent): void {
    if (e.object.kind !== 'Pod') return;
    const pod = e.object;
    const uid = pod.metadata.uid ?? '';
    const w = this.#workers.get(uid);
    if (e.type === 'DELETED') {
      if (w) {
        w.removed = true;
        void this.#stopWorker(w, 0).then(() => this.#workers.delete(uid));
      }
      return;
    }
    if (!pod.spec.nodeName) return;
    if (!w) {
      if (pod.metadata.deletionTimestamp) return;
      void this.#startWorker(pod);
      return;
    }
    w.pod = pod;
    if (pod.metadata.deletionTimestamp && !w.terminating) void this.#terminate(w);
  }

  async #startWorker(pod: Pod): Promise<void> {
    const { cluster } = this.#o;
    const node = pod.spec.nodeName!;
    const ip = cluster.allocatePodIP(node);
    const w: PodWorker = {
      pod,
      ip,
      hostIP: cluster.nodeIP(node) ?? '',
      handle: undefined,
      restartCount: 0,
      ready: false,
      failures: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      startedAt: cluster.nowIso(),
      probeTimer: undefined,
      restartTimer: undefined,
      terminating: false,
      removed: false,
    };
    this.#workers.set(pod.metadata.uid ?? '', w);
    this.#writeStatus(w);
    await this.#runContainer(w);
  }

  async #runContainer(w: PodWorker): Promise<void> {
    const { pod } = w;
    try {
      w.handle = await this.#o.runtime.start({
        namespace: pod.metadata.namespace ?? 'default',
        name: pod.metadata.name,
        uid: pod.metadata.uid ?? '',
        ip: w.ip,
        node: pod.spec.nodeName!,
        containers: pod.spec.containers,
      });
    } catch (err) {
      this.#o.logger.warn({ pod: pod.metadata.name, err: String(err) }, 'container start failed');
      w.state = { waiting: { reason: 'RunContainerError', message: String(err) } };
      this.#writeStatus(w);
      this.#scheduleRestart(w);
      return;
    }
    if (w.terminating || w.removed) {
      await w.handle.stop(0);
      return;
    }
    const handle = w.handle;
    w.state = { running: { startedAt: this.#o.cluster.nowIso() } };
    w.failures = 0;
    this.#writeStatus(w);
    this.#startProbes(w);
    void handle.exited.then((exit) => {
      if (w.handle !== handle || w.terminating || w.removed) return;
      this.#stopProbes(w);
      w.handle = undefined;
      w.ready = false;
      w.restartCount++;
      const code = exit.code ?? 137;
      w.state = { terminated: { reason: code === 0 ? 'Completed' : 'Error', exitCode: code } };
      this.#o.logger.info({ pod: pod.metadata.name, exit }, 'container exited; restarting');
      this.#writeStatus(w);
      this.#scheduleRestart(w);
    });
  }

  #scheduleRestart(w: PodWorker): void {
    // Kubernetes' back-off: immediate at first, then 10 s doubling up to 5 min.
    const n = w.restartCount;
    const delay = n <= 1 ? 0 : Math.min(10_000 * 2 ** (n - 2), 300_000) * this.#o.backoffScale;
    if (delay > 0) {
      w.state = {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${Math.round(delay / 1000)}s restarting failed container`,
        },
      };
      this.#writeStatus(w);
    }
    w.restartTimer = setTimeout(() => {
      w.restartTimer = undefined;
      if (!w.terminating && !w.removed) void this.#runContainer(w);
    }, delay);
  }

  #probeSpec(w: PodWorker): ProbeSpec | undefined {
    const c = w.pod.spec.containers.find((x) => isNginxImage(x.image));
    if (!c) return undefined;
    const rp = (c as { readinessProbe?: RawProbe }).readinessProbe;
    const firstPort = c.ports?.find((p) => (p.protocol ?? 'TCP') === 'TCP')?.containerPort ?? 80;
    if (rp) {
      const portOf = (p: number | string | undefined) =>
        typeof p === 'number'
          ? p
          : (c.ports?.find((x) => x.name === p)?.containerPort ?? firstPort);
      return {
        kind: rp.httpGet ? 'http' : 'tcp',
        port: portOf(rp.httpGet?.port ?? rp.tcpSocket?.port),
        path: rp.httpGet?.path ?? '/',
        periodMs: (rp.periodSeconds ?? 10) * 1000,
        initialDelayMs: (rp.initialDelaySeconds ?? 0) * 1000,
        failureThreshold: rp.failureThreshold ?? 3,
      };
    }
    const tcpPorts = (c.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
    if (c.ports?.length && tcpPorts.length === 0) return undefined; // UDP only: ready once started
    return {
      kind: 'tcp',
      port: firstPort,
      path: '/',
      periodMs: this.#o.defaultProbePeriodMs,
      initialDelayMs: 0,
      failureThreshold: 1,
    };
  }

  #startProbes(w: PodWorker): void {
    const spec = this.#probeSpec(w);
    if (!spec) {
      w.ready = true;
      this.#writeStatus(w);
      return;
    }
    const run = async () => {
      w.probeTimer = undefined;
      if (!w.handle || w.terminating) return;
      const addr = this.#o.mapper.resolve(w.ip, spec.port, 'TCP');
      const ok =
        spec.kind === 'http'
          ? await httpProbe(addr.ip, addr.port, spec.path)
          : await tcpProbe(addr.ip, addr.port);
      if (!w.handle || w.terminating) return;
      w.failures = ok ? 0 : w.failures + 1;
      const ready = ok ? true : w.failures >= spec.failureThreshold ? false : w.ready;
      if (ready !== w.ready) {
        w.ready = ready;
        this.#writeStatus(w);
      }
      w.probeTimer = setTimeout(run, ready ? spec.periodMs : Math.min(spec.periodMs, 250));
    };
    w.probeTimer = setTimeout(run, spec.initialDelayMs);
  }

  #stopProbes(w: PodWorker): void {
    if (w.probeTimer) clearTimeout(w.probeTimer);
    w.probeTimer = undefined;
  }

  async #terminate(w: PodWorker): Promise<void> {
    w.terminating = true;
    const graceMs = (w.pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    await this.#stopWorker(w, graceMs);
    const { namespace, name } = w.pod.metadata;
    this.#o.cluster.removePod(namespace ?? 'default', name);
  }

  async #stopWorker(w: PodWorker, graceMs: number): Promise<void> {
    w.terminating = true;
    this.#stopProbes(w);
    if (w.restartTimer) clearTimeout(w.restartTimer);
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
    if (w.removed) return;
    const { pod } = w;
    const running = w.state?.running !== undefined;
    const now = this.#o.cluster.nowIso();
    const status: PodStatus = {
      phase: running || w.restartCount > 0 ? 'Running' : 'Pending',
      podIP: w.ip,
      podIPs: [{ ip: w.ip }],
      hostIP: w.hostIP,
      startTime: w.startedAt,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: w.ready ? 'True' : 'False' },
        { type: 'Ready', status: w.ready ? 'True' : 'False', lastTransitionTime: now },
      ],
      containerStatuses: pod.spec.containers.map((x) => ({
        name: x.name,
        image: x.image,
        ready: w.ready,
        restartCount: w.restartCount,
        started: running,
        ...(w.state ? { state: w.state } : {}),
      })),
    };
    const prevReady = pod.status?.conditions?.find((x) => x.type === 'Ready');
    if (prevReady && prevReady.status === (w.ready ? 'True' : 'False')) {
      status.conditions![3]!.lastTransitionTime = prevReady.lastTransitionTime ?? now;
    }
    this.#o.cluster.updatePodStatus(
      pod.metadata.namespace ?? 'default',
      pod.metadata.name,
      pod.metadata.uid,
      status,
    );
  }
}

interface RawProbe {
  tcpSocket?: { port?: number | string };
  httpGet?: { port?: number | string; path?: string };
  periodSeconds?: number;
  initialDelaySeconds?: number;
  failureThreshold?: number;
}
