// The kubelet's lifecycle on a FakeClock with a fake runtime and a fake prober (no processes, no
// sockets). Addresses: the default plan (pods 127.244.<node>.x), never contacted.
import { describe, expect, it } from 'vitest';
import type { Container, Pod, PodSpec } from '@l4lab/protocol';
import { Cluster, FakeClock, PortMapper } from '@l4lab/cluster';
import { RestartBackoff } from './backoff.ts';
import { Kubelet } from './kubelet.ts';
import type { ContainerRuntime, PodExit, PodHandle, PodSandbox } from './types.ts';
import { ContainerStartError } from './types.ts';

class FakeRuntime implements ContainerRuntime {
  readonly name = 'builtin' as const;
  starts = 0;
  failWith: ContainerStartError | undefined;
  /** What an exec probe's command exits with, and the commands run. */
  execCode = 1;
  readonly execs: string[] = [];
  readonly exits: ((e: PodExit) => void)[] = [];
  /** What the last start was given. */
  sandbox: PodSandbox | undefined;
  /** The pods the kubelet told of new volume files. */
  readonly updates: PodSandbox[] = [];
  /** While set, a start waits for it (a slow runtime). */
  gate: Promise<void> | undefined;
  async start(sandbox: PodSandbox): Promise<PodHandle> {
    this.starts++;
    this.sandbox = sandbox;
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    let exit!: (e: PodExit) => void;
    const exited = new Promise<PodExit>((r) => (exit = r));
    this.exits.push(exit);
    return {
      exited,
      stop: async () => exit({ code: 0, signal: null }),
      kill: () => exit({ code: 137, signal: 'SIGKILL' }),
      logs: async () => [],
      updateVolumeFiles: async (pod: PodSandbox) => void this.updates.push(pod),
      exec: async (container: string, command: string[]) => {
        this.execs.push(`${container}: ${command.join(' ')}`);
        return this.execCode;
      },
    };
  }
  crash(): void {
    this.exits.at(-1)!({ code: 1, signal: null });
  }
  async cleanupOrphans(): Promise<string[]> {
    return [];
  }
  readonly removed: string[] = [];
  async remove(pod: { namespace: string; name: string }): Promise<void> {
    this.removed.push(`${pod.namespace}/${pod.name}`);
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup(
  container: Partial<Container> = {},
  probeOk: () => boolean = () => true,
  spec: Partial<PodSpec> = {},
) {
  const clock = new FakeClock();
  const cluster = new Cluster({ clock });
  const runtime = new FakeRuntime();
  const kubelet = new Kubelet({
    cluster,
    runtime,
    mapper: new PortMapper('native'),
    logger: { info: () => {}, warn: () => {} },
    clock,
    prober: async () => probeOk(),
  });
  kubelet.start();
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], ...container }],
      ...spec,
    },
  };
  expect(cluster.apply([pod]).ok).toBe(true);
  const get = () => cluster.store.get('Pod', 'default', 'web')!;
  const ready = () => get().status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const cs = () => get().status!.containerStatuses![0]!;
  const tick = async (ms: number) => {
    await flush();
    clock.advance(ms);
    await flush();
  };
  return { clock, cluster, runtime, kubelet, get, ready, cs, tick };
}

describe('Kubelet', () => {
  it('goes Pending (ContainerCreating) -> Running -> Ready with its conditions', async () => {
    const t = setup();
    expect(t.get().status?.phase).toBe('Pending');
    expect(t.cs().state?.waiting?.reason).toBe('ContainerCreating');
    await flush();
    expect(t.get().status?.phase).toBe('Running');
    expect(t.ready()).toBe('False');
    await t.tick(0);
    expect(t.ready()).toBe('True');
    expect(t.get().status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'PodReadyToStartContainers=True',
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    expect(t.get().status?.podIP).toMatch(/^127\.244\.\d\.\d+$/);
  });

  it("runs a pod on the host network with its node's address and name (kubectl debug node)", async () => {
    const t = setup({}, () => true, { hostNetwork: true, nodeName: 'node-2' });
    await t.tick(0);
    const node = t.cluster.store.get('Node', undefined, 'node-2')!;
    const nodeIP = node.status!.addresses!.find((a) => a.type === 'InternalIP')!.address;
    expect(t.get().status).toMatchObject({ phase: 'Running', podIP: nodeIP, hostIP: nodeIP });
  });

  it('rejects a pod bound by hand to a node whose host port another pod holds (NodePorts)', async () => {
    const t = setup({ ports: [{ containerPort: 80, hostPort: 80 }] }, () => true, {
      hostNetwork: true,
      nodeName: 'node-2',
    });
    await t.tick(0);
    expect(t.get().status?.phase).toBe('Running');
    const second: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'second', namespace: 'default' },
      spec: {
        hostNetwork: true,
        nodeName: 'node-2',
        containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, hostPort: 80 }] }],
      },
    };
    expect(t.cluster.apply([second]).ok).toBe(true);
    await t.tick(0);
    expect(t.cluster.store.get('Pod', 'default', 'second')!.status).toMatchObject({
      phase: 'Failed',
      reason: 'NodePorts',
      message:
        "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports",
    });
    expect(t.runtime.starts).toBe(1);
  });

  it('has the runtime delete what it kept for a pod once the pod is gone (not at a restart)', async () => {
    const t = setup();
    await t.tick(0);
    t.runtime.crash();
    await t.tick(0);
    expect(t.runtime.removed).toEqual([]);
    t.cluster.delete('Pod', 'default', 'web');
    await t.tick(30_000);
    await t.tick(0);
    expect(t.cluster.store.get('Pod', 'default', 'web')).toBeUndefined();
    expect(t.runtime.removed).toEqual(['default/web']);
  });

  it('restarts a crash at once, then backs off (CrashLoopBackOff, 10 s, 20 s)', async () => {
    const t = setup();
    await t.tick(0);
    t.runtime.crash();
    await t.tick(0);
    expect(t.runtime.starts).toBe(2);
    expect(t.cs().restartCount).toBe(1);
    t.runtime.crash();
    await flush();
    expect(t.cs().restartCount).toBe(2);
    expect(t.cs().state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(t.ready()).toBe('False');
    await t.tick(9_999);
    expect(t.runtime.starts).toBe(2);
    await t.tick(1);
    expect(t.runtime.starts).toBe(3);
    expect(t.cs().state?.running).toBeDefined();
    t.runtime.crash();
    await flush();
    await t.tick(19_999);
    expect(t.runtime.starts).toBe(3);
    await t.tick(1);
    expect(t.runtime.starts).toBe(4);
  });

  it('restarts a container whose livenessProbe fails failureThreshold times', async () => {
    let healthy = true;
    const t = setup(
      { livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5, failureThreshold: 2 } },
      () => healthy,
    );
    await t.tick(0);
    healthy = false;
    await t.tick(5_000);
    expect(t.runtime.starts).toBe(1);
    await t.tick(5_000);
    await t.tick(0); // the first restart is immediate (no back-off yet)
    expect(t.runtime.starts).toBe(2);
    expect(t.cs().restartCount).toBe(1);
  });

  it('follows readinessProbe initialDelaySeconds, periodSeconds and the thresholds', async () => {
    let ok = true;
    const probe = {
      httpGet: { path: '/healthz', port: 80 },
      initialDelaySeconds: 3,
      periodSeconds: 5,
      failureThreshold: 2,
      successThreshold: 2,
    };
    const t = setup({ readinessProbe: probe }, () => ok);
    await t.tick(2_999);
    expect(t.ready()).toBe('False');
    await t.tick(1); // first success: not enough (successThreshold 2); next probes every 250 ms
    expect(t.ready()).toBe('False');
    await t.tick(250);
    expect(t.ready()).toBe('True');
    ok = false;
    await t.tick(5_000);
    expect(t.ready()).toBe('True'); // one failure of two
    await t.tick(5_000);
    expect(t.ready()).toBe('False');
  });

  it('keeps a pod without readinessProbe Ready through two failed implicit probes (failureThreshold 3)', async () => {
    let ok = true;
    const t = setup({}, () => ok);
    await t.tick(0);
    expect(t.ready()).toBe('True');
    ok = false; // one slow answer on a busy machine, then another
    await t.tick(1_000);
    await t.tick(1_000);
    expect(t.ready()).toBe('True');
    ok = true;
    await t.tick(1_000);
    ok = false; // the count starts again after a success
    await t.tick(1_000);
    await t.tick(1_000);
    expect(t.ready()).toBe('True');
    await t.tick(1_000);
    expect(t.ready()).toBe('False');
  });

  it('takes a killed container out at once, without waiting for the probe', async () => {
    const t = setup();
    await t.tick(0);
    expect(t.ready()).toBe('True');
    t.runtime.crash();
    await flush();
    expect(t.ready()).toBe('False');
  });

  it('toggles a failing readiness (the unready fault) and back', async () => {
    const t = setup();
    await t.tick(0);
    expect(t.kubelet.toggleUnready('default', 'web')).toBe(true);
    expect(t.ready()).toBe('False');
    await t.tick(5_000);
    expect(t.ready()).toBe('False');
    expect(t.kubelet.toggleUnready('default', 'web')).toBe(false);
    await t.tick(1_000);
    expect(t.ready()).toBe('True');
  });

  it('shows ErrImagePull, then ImagePullBackOff, and keeps trying', async () => {
    const t = setup();
    await t.tick(0);
    t.runtime.failWith = new ContainerStartError('ErrImagePull', 'no registry');
    t.runtime.crash(); // the running container ends; the next start fails to pull
    await t.tick(0);
    expect(t.cs().state?.waiting?.reason).toBe('ErrImagePull');
    await t.tick(1_000);
    expect(t.cs().state?.waiting?.reason).toBe('ImagePullBackOff');
    // The kubelet's words, as `kubectl describe pod` lists them.
    const said = t.cluster.events
      .list('default')
      .filter((e) => ['Pulling', 'Failed', 'BackOff'].includes(e.reason))
      .map((e) => `${e.type} ${e.reason}: ${e.message}`);
    expect(said).toEqual([
      'Normal Pulling: Pulling image "nginx"',
      'Warning Failed: no registry',
      'Warning Failed: Error: ErrImagePull',
      'Normal BackOff: Back-off pulling image "nginx"',
      'Warning Failed: Error: ImagePullBackOff',
    ]);
    const starts = t.runtime.starts;
    t.runtime.failWith = undefined;
    await t.tick(10_000);
    expect(t.runtime.starts).toBe(starts + 1);
    expect(t.cs().state?.running).toBeDefined();
  });

  it('waits in CreateContainerConfigError for a missing ConfigMap, without back-off, and starts once it is written', async () => {
    const t = setup({
      env: [
        { name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'color' } } },
      ],
    });
    await t.tick(0);
    expect(t.runtime.starts).toBe(0);
    expect(t.cs().state?.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'configmap "app-config" not found',
    });
    const failed = () =>
      t.cluster.events
        .list('default')
        .filter((e) => e.reason === 'Failed')
        .map((e) => [e.message, e.count]);
    expect(failed()).toEqual([['Error: configmap "app-config" not found', 1]]);
    await t.tick(10_000); // tried again at the pod's next sync: the same reason, no CrashLoopBackOff
    expect(t.cs().state?.waiting?.reason).toBe('CreateContainerConfigError');
    expect(failed()).toEqual([['Error: configmap "app-config" not found', 2]]);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app-config', namespace: 'default' },
      data: { color: 'blue' },
    } as const;
    expect(t.cluster.apply([cm]).ok).toBe(true);
    await t.tick(0); // at once, not at the next retry
    expect(t.runtime.starts).toBe(1);
    expect(t.cs().state?.running).toBeDefined();
    expect(t.runtime.sandbox?.containers[0]?.env).toEqual([{ name: 'COLOR', value: 'blue' }]);
    expect(t.kubelet.containerView('default', 'web')?.env.COLOR).toBe('blue');
    // A running container keeps what it read; its next start reads again.
    expect(t.cluster.apply([{ ...cm, data: { color: 'green' } }]).ok).toBe(true);
    await t.tick(0);
    expect(t.kubelet.containerView('default', 'web')?.env.COLOR).toBe('blue');
    t.runtime.crash();
    await t.tick(0);
    expect(t.kubelet.containerView('default', 'web')?.env.COLOR).toBe('green');
  });

  it('starts a container once when its ConfigMap is written again while the runtime is still starting it', async () => {
    const t = setup({
      env: [{ name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'c', key: 'color' } } }],
    });
    await t.tick(0);
    let open!: () => void;
    t.runtime.gate = new Promise((r) => (open = r));
    const cm = (color: string) =>
      ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'default' },
        data: { color },
      }) as const;
    expect(t.cluster.apply([cm('blue')]).ok).toBe(true);
    await t.tick(0);
    expect(t.runtime.starts).toBe(1); // in flight
    expect(t.cluster.apply([cm('green')]).ok).toBe(true);
    await t.tick(10_000); // the event and the retry timer alike find it starting
    open();
    await t.tick(0);
    expect(t.runtime.starts).toBe(1);
    expect(t.cs().state?.running).toBeDefined();
  });

  it("waits in ContainerCreating for a volume's ConfigMap (FailedMount), then shows its files and their changes", async () => {
    const t = setup(
      { volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/html' }] },
      () => true,
      { volumes: [{ name: 'html', configMap: { name: 'web-html' } }] },
    );
    await t.tick(0);
    expect(t.runtime.starts).toBe(0);
    expect(t.cs().state?.waiting?.reason).toBe('ContainerCreating');
    const mounts = () =>
      t.cluster.events
        .list('default')
        .filter((e) => e.reason === 'FailedMount')
        .map((e) => [e.type, e.message, e.count]);
    expect(mounts()).toEqual([
      ['Warning', 'MountVolume.SetUp failed for volume "html" : configmap "web-html" not found', 1],
    ]);
    await t.tick(10_000);
    expect(mounts()[0]![2]).toBe(2);
    expect(t.cs().state?.waiting?.reason).toBe('ContainerCreating');
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'web-html', namespace: 'default' },
      data: { 'index.html': 'v1' },
    } as const;
    expect(t.cluster.apply([cm]).ok).toBe(true);
    await t.tick(0);
    expect(t.cs().state?.running).toBeDefined();
    const file = '/usr/share/nginx/html/index.html';
    expect(t.runtime.sandbox?.containerFiles?.get('web')?.get(file)?.toString()).toBe('v1');
    expect(t.kubelet.containerView('default', 'web')?.files[file]).toBe('v1');
    expect(t.cluster.apply([{ ...cm, data: { 'index.html': 'v2' } }]).ok).toBe(true);
    await t.tick(0);
    expect(
      t.runtime.updates.map((p) => p.containerFiles?.get('web')?.get(file)?.toString()),
    ).toEqual(['v2']);
    expect(t.kubelet.containerView('default', 'web')?.files[file]).toBe('v2');
    // Deleted, the volume keeps its last files.
    t.cluster.store.remove('ConfigMap', 'default', 'web-html');
    await t.tick(0);
    expect(t.kubelet.containerView('default', 'web')?.files[file]).toBe('v2');
  });

  it('kills the pods of a stopped node and starts them again when it is back', async () => {
    const t = setup();
    await t.tick(0);
    const node = t.get().spec.nodeName!;
    await t.kubelet.stopNode(node);
    expect(
      t.cluster.store
        .get('Node', undefined, node)
        ?.status.conditions.find((c) => c.type === 'Ready')?.status,
    ).toBe('Unknown');
    expect(t.ready()).toBe('False');
    t.kubelet.startNode(node);
    await t.tick(0);
    expect(t.runtime.starts).toBe(2);
    expect(t.cs().restartCount).toBe(1);
    // A restarted container is probed at the next period (1 s by default), not at once.
    expect(t.ready()).toBe('False');
    await t.tick(999);
    expect(t.ready()).toBe('False');
    await t.tick(1);
    expect(t.ready()).toBe('True');
  });

  it('leaves a pod evicted from a stopped node Terminating, and removes it (not restarted) when the node is back', async () => {
    const t = setup();
    await t.tick(0);
    const node = t.get().spec.nodeName!;
    await t.kubelet.stopNode(node);
    await t.tick(10_000); // the eviction timeout (DefaultTolerationSeconds)
    expect(t.get().metadata.deletionTimestamp).toBeDefined();
    await t.tick(60_000); // well past its grace period: nothing confirmed the stop
    expect(t.get()).toBeDefined();
    t.kubelet.startNode(node);
    await t.tick(0);
    expect(t.cluster.store.get('Pod', 'default', 'web')).toBeUndefined();
    expect(t.runtime.starts).toBe(1);
  });

  it('keeps a pod that was stopping when its node went down Terminating until the node is back', async () => {
    const t = setup();
    await t.tick(0);
    const node = t.get().spec.nodeName!;
    t.cluster.deletePod('default', 'web'); // 30 s to stop
    await t.tick(0);
    await t.kubelet.stopNode(node);
    await t.tick(60_000);
    expect(t.get().metadata.deletionTimestamp).toBeDefined();
    t.kubelet.startNode(node);
    await t.tick(0);
    expect(t.cluster.store.get('Pod', 'default', 'web')).toBeUndefined();
  });

  it('does not restart a crash under restartPolicy Never: Failed, even after its node restarts', async () => {
    const t = setup({}, () => true, { restartPolicy: 'Never' });
    await t.tick(0);
    t.runtime.crash();
    await t.tick(10_000);
    expect(t.runtime.starts).toBe(1);
    expect(t.get().status?.phase).toBe('Failed');
    expect(t.cs().state?.terminated).toEqual({
      reason: 'Error',
      exitCode: 1,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
    });
    const node = t.get().spec.nodeName!;
    await t.kubelet.stopNode(node);
    t.kubelet.startNode(node);
    await t.tick(1_000);
    expect(t.runtime.starts).toBe(1);
    expect(t.get().status?.phase).toBe('Failed');
  });

  it('runs an exec probe in the container through the runtime, not a TCP connect', async () => {
    const probe = { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 2 };
    const t = setup({ readinessProbe: probe }, () => true);
    await t.tick(0);
    expect(t.ready()).toBe('False');
    expect(t.runtime.execs).toEqual(['web: cat /tmp/ready']);
    t.runtime.execCode = 0;
    await t.tick(2_000);
    expect(t.ready()).toBe('True');
  });

  it('leaves a pod bound to a node that does not exist Pending, without throwing', async () => {
    const t = setup();
    const stray: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: 'default' },
      spec: { nodeName: 'node-9', containers: [{ name: 'c', image: 'nginx' }] },
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(t.cluster.apply([stray]).ok).toBe(true);
      await t.tick(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(t.cluster.store.get('Pod', 'default', 'stray')?.status?.podIP).toBeUndefined();
    expect(t.runtime.starts).toBe(1); // only the pod on a real node
  });

  it('stopAll waits for a container still starting, and stops it', async () => {
    const clock = new FakeClock();
    const cluster = new Cluster({ clock });
    let release!: () => void;
    const started = new Promise<void>((r) => (release = r));
    let stopped = false;
    const runtime: ContainerRuntime = {
      name: 'builtin',
      async start(): Promise<PodHandle> {
        await started;
        return {
          exited: new Promise<PodExit>(() => {}),
          stop: async () => void (stopped = true),
          kill: () => {},
          logs: async () => [],
        };
      },
      cleanupOrphans: async () => [],
    };
    const kubelet = new Kubelet({
      cluster,
      runtime,
      mapper: new PortMapper('native'),
      logger: { info: () => {}, warn: () => {} },
      clock,
      prober: async () => true,
    });
    kubelet.start();
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'slow', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    expect(cluster.apply([pod]).ok).toBe(true);
    await flush();
    let done = false;
    const stopping = kubelet.stopAll(0).then(() => void (done = true));
    await flush();
    expect(done).toBe(false); // the container is not started yet: stopAll must wait for it
    release();
    await stopping;
    expect(stopped).toBe(true);
  });
});

describe('RestartBackoff', () => {
  it('is 0, 10 s, 20 s ... 5 min, scaled, and resets after 10 minutes of running', () => {
    const b = new RestartBackoff(1);
    const delays = Array.from({ length: 8 }, () => b.next(1_000));
    expect(delays).toEqual([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(b.next(600_000)).toBe(0);
    expect(new RestartBackoff(0.1).next(0) + new RestartBackoff(0.1).nextPull()).toBe(1_000);
  });
});
