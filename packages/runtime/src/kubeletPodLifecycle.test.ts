// The kubelet's side of a pod's life with stand-in containers (builtin runtime, no ports, no
// sockets), on fake clocks moved together: init containers in order, preStop hooks and the grace
// period on delete, the last state and termination message of a restarted container, and what
// the kubelet gives a container (Service variables, /etc/hosts, /etc/resolv.conf).
// Addresses: the default plan (pods 127.244.<node>.x, Services 127.96.x.x), never contacted.
import { describe, expect, it } from 'vitest';
import type { Container, Pod, PodSpec, Service } from '@l4lab/protocol';
import { podStatusText } from '@l4lab/protocol';
import { Cluster, FakeClock, PortMapper } from '@l4lab/cluster';
import { BuiltinRuntime } from './builtinRuntime.ts';
import { Kubelet } from './kubelet.ts';

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

function setup(spec: Partial<PodSpec> & { containers?: Container[] }, before: Service[] = []) {
  const clock = new FakeClock();
  const runtimeClock = new FakeClock();
  const cluster = new Cluster({ clock });
  const mapper = new PortMapper('native');
  /** The HTTP GETs the kubelet made (probes, hooks): none reach a socket here. */
  const gets: string[] = [];
  const kubelet = new Kubelet({
    cluster,
    runtime: new BuiltinRuntime({ mapper, clock: runtimeClock }),
    mapper,
    logger: { info: () => {}, warn: () => {} },
    clock,
    prober: async (spec, host, port) => {
      gets.push(`${spec.kind} http://${host}:${port}${spec.path}`);
      return true;
    },
  });
  kubelet.start();
  if (before.length) expect(cluster.apply(before).ok).toBe(true);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 30,
      containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '3600'] }],
      ...spec,
    },
  };
  expect(cluster.apply([pod]).ok).toBe(true);
  const get = () => cluster.store.get('Pod', 'default', 'app');
  const cs = () => get()!.status!.containerStatuses![0]!;
  const inits = () => get()!.status!.initContainerStatuses ?? [];
  /** Moves both clocks by ms, a second at a time, letting promises settle in between. */
  const tick = async (ms: number) => {
    let left = ms;
    do {
      await flush();
      runtimeClock.advance(Math.min(1000, left));
      clock.advance(Math.min(1000, left));
      left -= 1000;
    } while (left > 0);
    await flush();
  };
  const logs = async () => (await kubelet.handleOf('default', 'app')?.logs()) ?? [];
  const events = () => cluster.events.about(get()!).map((e) => `${e.reason}: ${e.message}`);
  return { cluster, kubelet, runtimeClock, gets, get, cs, inits, tick, logs, events };
}

const service = (name: string, port: number): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ports: [{ port, protocol: 'TCP' }] },
});

describe('init containers', () => {
  const waitFor = (file: string) => ({
    name: `wait-${file}`,
    image: 'busybox:1.28',
    command: ['sh', '-c', `until test -f /tmp/${file}; do sleep 2; done; sleep 3`],
  });

  it('run one at a time, in order, before the app container: Init:0/2, Init:1/2, Running', async () => {
    const t = setup({
      initContainers: [
        { name: 'first', image: 'busybox:1.28', command: ['sleep', '5'] },
        { name: 'second', image: 'busybox:1.28', command: ['sh', '-c', 'sleep 5; exit 0'] },
      ],
      containers: [
        { name: 'main', image: 'busybox:1.28', command: ['sh', '-c', 'echo started; sleep 3600'] },
      ],
    });
    await t.tick(0);
    expect(t.get()!.status?.phase).toBe('Pending');
    expect(podStatusText(t.get()!)).toBe('Init:0/2');
    expect(t.inits().map((s) => Object.keys(s.state ?? {})[0])).toEqual(['running', 'waiting']);
    expect(t.inits()[1]!.state?.waiting?.reason).toBe('PodInitializing');
    expect(t.cs().state?.waiting?.reason).toBe('PodInitializing');
    expect(t.get()!.status?.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [first second]',
    });
    await t.tick(5_000);
    expect(podStatusText(t.get()!)).toBe('Init:1/2');
    expect(t.inits()[0]).toMatchObject({
      ready: true,
      state: { terminated: { reason: 'Completed', exitCode: 0 } },
    });
    expect(await t.logs()).toEqual([]);
    await t.tick(5_000);
    expect(t.get()!.status?.phase).toBe('Running');
    expect(podStatusText(t.get()!)).toBe('Running');
    expect(t.get()!.status?.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(await t.logs()).toEqual(['started']);
  });

  it('each init container gets its own files: what the first wrote, the second does not see', async () => {
    const t = setup({
      initContainers: [
        { name: 'writer', image: 'busybox', command: ['touch', '/tmp/ready'] },
        waitFor('ready'),
      ],
    });
    await t.tick(10_000);
    expect(podStatusText(t.get()!)).toBe('Init:1/2');
  });

  it('restarts a failing init container with back-off: Init:Error, then Init:CrashLoopBackOff', async () => {
    const t = setup({
      initContainers: [{ name: 'check', image: 'busybox', command: ['sh', '-c', 'exit 1'] }],
    });
    await t.tick(0);
    expect(t.inits()[0]!.restartCount).toBeGreaterThanOrEqual(1);
    await t.tick(0);
    expect(podStatusText(t.get()!)).toBe('Init:CrashLoopBackOff');
    expect(t.inits()[0]!.lastState?.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(t.get()!.status?.phase).toBe('Pending');
    expect(t.events()).toContain(
      `BackOff: Back-off restarting failed container check in pod app_default(${t.get()!.metadata.uid})`,
    );
  });

  it('with restartPolicy Never, a failing init container fails the pod: Init:Error', async () => {
    const t = setup({
      restartPolicy: 'Never',
      initContainers: [{ name: 'check', image: 'busybox', command: ['sh', '-c', 'exit 2'] }],
    });
    await t.tick(1_000);
    expect(t.get()!.status?.phase).toBe('Failed');
    expect(podStatusText(t.get()!)).toBe('Init:Error');
    expect(t.cs().state?.waiting?.reason).toBe('PodInitializing');
  });
});

describe('graceful deletion: preStop hooks and the grace period', () => {
  const preStop = (command: string[]) => ({
    containers: [
      {
        name: 'main',
        image: 'busybox:1.36',
        command: ['sleep', '3600'],
        lifecycle: { preStop: { exec: { command } } },
      },
    ],
  });

  it('keeps the pod Terminating, Ready and running while its preStop hook runs', async () => {
    const t = setup({ terminationGracePeriodSeconds: 30, ...preStop(['sh', '-c', 'sleep 5']) });
    await t.tick(1_000);
    t.cluster.delete('Pod', 'default', 'app');
    await t.tick(4_000);
    expect(t.get()?.metadata.deletionTimestamp).toBeDefined();
    expect(podStatusText(t.get()!)).toBe('Terminating');
    expect(t.cs().state?.running).toBeDefined();
    expect(t.get()!.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(t.events()).toContain('Killing: Stopping container main');
    await t.tick(1_000);
    expect(t.get()).toBeUndefined(); // the hook ended: stopped, and removed long before 30 s
  });

  it('bounds a preStop hook by the grace period: `sleep 180` with 120 s ends at 120 s', async () => {
    const t = setup({ terminationGracePeriodSeconds: 120, ...preStop(['sh', '-c', 'sleep 180']) });
    await t.tick(1_000);
    t.cluster.delete('Pod', 'default', 'app');
    await t.tick(119_000);
    expect(t.get()?.metadata.deletionTimestamp).toBeDefined();
    await t.tick(2_000);
    expect(t.get()).toBeUndefined();
    expect(t.runtimeClock.pendingTimers()).toBe(0);
  });

  it('reports a preStop hook that fails (FailedPreStopHook) and stops the container anyway', async () => {
    const t = setup(preStop(['sh', '-c', 'exit 3']));
    await t.tick(1_000);
    const pod = t.get()!;
    const uid = pod.metadata.uid;
    t.cluster.delete('Pod', 'default', 'app');
    await t.tick(1_000);
    expect(t.get()).toBeUndefined();
    const events = t.cluster.events.about(pod).map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain(
      `FailedPreStopHook: Exec lifecycle hook (["sh","-c","exit 3"]) for Container "main" in Pod "default/app(${uid})" failed - error: command 'sh -c exit 3' exited with 3`,
    );
  });

  it('sends an httpGet preStop hook to the pod before stopping it', async () => {
    const t = setup({
      containers: [
        {
          name: 'main',
          image: 'busybox:1.36',
          command: ['sleep', '3600'],
          lifecycle: { preStop: { httpGet: { path: '/shutdown', port: 9901 } } },
        },
      ],
    });
    await t.tick(1_000);
    const ip = t.get()!.status!.podIP!;
    t.cluster.delete('Pod', 'default', 'app');
    await t.tick(1_000);
    expect(t.gets).toEqual([`http http://${ip}:9901/shutdown`]);
    expect(t.get()).toBeUndefined();
  });

  it('runs no preStop hook while an init container runs (no app container started)', async () => {
    const t = setup({
      initContainers: [{ name: 'wait', image: 'busybox', command: ['sleep', '3600'] }],
      ...preStop(['sh', '-c', 'sleep 5']),
    });
    await t.tick(1_000);
    expect(podStatusText(t.get()!)).toBe('Init:0/1');
    const pod = t.get()!;
    t.cluster.delete('Pod', 'default', 'app');
    await t.tick(1_000);
    expect(t.get()).toBeUndefined();
    const events = t.cluster.events.about(pod).map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain('Killing: Stopping container wait');
  });

  it('stops a running preStop hook when the kubelet stops (no timer left behind)', async () => {
    const t = setup({ terminationGracePeriodSeconds: 120, ...preStop(['sleep', '180']) });
    await t.tick(1_000);
    t.cluster.delete('Pod', 'default', 'app');
    await t.tick(1_000);
    await t.kubelet.stopAll(0);
    await flush();
    expect(t.runtimeClock.pendingTimers()).toBe(0);
  });
});

describe('a restarted container', () => {
  it("keeps its last run as lastState.terminated, with the termination-log's message", async () => {
    // The docs' debug/termination.yaml, shortened: it writes its message and exits 0.
    const t = setup({
      containers: [
        {
          name: 'main',
          image: 'debian',
          command: ['/bin/sh'],
          args: ['-c', 'sleep 10 && echo Sleep expired > /dev/termination-log'],
        },
      ],
    });
    await t.tick(10_000);
    expect(t.cs().restartCount).toBe(1);
    expect(t.cs().lastState?.terminated).toEqual({
      reason: 'Completed',
      exitCode: 0,
      message: 'Sleep expired\n',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:10.000Z',
    });
    await t.tick(1_000);
    expect(t.cs().state?.running).toBeDefined(); // restarted at once, its last state kept
    expect(t.cs().lastState?.terminated?.reason).toBe('Completed');
  });

  it('says nothing without a message, unless FallbackToLogsOnError takes the log', async () => {
    const failing = (policy?: 'FallbackToLogsOnError'): Container => ({
      name: 'main',
      image: 'busybox',
      command: ['sh', '-c', 'echo boom; exit 2'],
      ...(policy ? { terminationMessagePolicy: policy } : {}),
    });
    const plain = setup({ restartPolicy: 'Never', containers: [failing()] });
    await plain.tick(0);
    expect(plain.cs().state?.terminated).not.toHaveProperty('message');
    const fallback = setup({
      restartPolicy: 'Never',
      containers: [failing('FallbackToLogsOnError')],
    });
    await fallback.tick(0);
    expect(fallback.cs().state?.terminated).toMatchObject({ exitCode: 2, message: 'boom' });
  });
});

describe('a pod of several containers', () => {
  const sidecar = (command: string): Container => ({
    name: 'side',
    image: 'busybox',
    command: ['sh', '-c', command],
  });
  const main: Container = { name: 'main', image: 'busybox', command: ['sleep', '3600'] };
  const status = (t: ReturnType<typeof setup>, name: string) =>
    t.get()!.status!.containerStatuses!.find((c) => c.name === name)!;

  it('restarts a container that ends alone, with its own count and back-off, and the pod is not Ready meanwhile', async () => {
    const t = setup({ containers: [main, sidecar('sleep 2; echo bye; exit 1')] });
    await t.tick(1_000);
    expect([status(t, 'main').ready, status(t, 'side').ready]).toEqual([true, true]);
    await t.tick(1_000); // the sidecar ends: restarted at once, as a first restart is
    await t.tick(3_000); // and ends again: back-off
    const side = status(t, 'side');
    expect(side).toMatchObject({
      ready: false,
      restartCount: 2,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    });
    expect(status(t, 'main')).toMatchObject({
      ready: true,
      restartCount: 0,
      state: { running: {} },
    });
    expect(t.get()!.status!.phase).toBe('Running');
    expect(t.get()!.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [side]',
    });
    expect(podStatusText(t.get()!)).toBe('CrashLoopBackOff');
    expect(t.events()).toContainEqual(
      expect.stringMatching(
        /^BackOff: Back-off restarting failed container side in pod app_default/,
      ),
    );
    await t.tick(10_000); // its back-off over, it runs again, Ready
    expect(status(t, 'side')).toMatchObject({ ready: true, state: { running: {} } });
  });

  it("keeps a restarted container's run before for kubectl logs --previous, a pod's and a sidecar's", async () => {
    const t = setup({ containers: [main, sidecar('date +%s; sleep 2; exit 1')] });
    const previous = (c: string) => t.kubelet.previousLogs('default', 'app', c);
    const current = async (c: string) =>
      (await t.kubelet.handleOf('default', 'app')?.containerLogs?.(c)) ?? [];
    await t.tick(1_000);
    expect(await previous('side')).toBeUndefined(); // it has not ended yet
    const first = await current('side');
    await t.tick(2_500); // ended, restarted at once, running again
    expect(status(t, 'side').state?.running).toBeDefined();
    expect(await previous('side')).toEqual(first);
    expect(await current('side')).not.toEqual(first);
    expect(await previous('main')).toBeUndefined(); // main never ended
  });

  it('is Failed when a container failed, though the last to end succeeded; each keeps its own end', async () => {
    const t = setup({
      restartPolicy: 'Never',
      containers: [
        { name: 'main', image: 'busybox', command: ['sh', '-c', 'sleep 3'] },
        sidecar('exit 4'),
      ],
    });
    await t.tick(1_000);
    expect(status(t, 'side').state?.terminated?.exitCode).toBe(4);
    await t.tick(3_000);
    expect(t.get()!.status!.phase).toBe('Failed');
    expect(status(t, 'side').state?.terminated?.exitCode).toBe(4); // its own end, kept
    expect(status(t, 'main').state?.terminated?.exitCode).toBe(0);
  });

  it('ends the pod when every container has ended for good: Failed when one failed', async () => {
    const t = setup({
      restartPolicy: 'Never',
      containers: [
        { name: 'quick', image: 'busybox', command: ['sh', '-c', 'echo quick'] },
        { name: 'slow', image: 'busybox', command: ['sh', '-c', 'sleep 3; exit 2'] },
      ],
    });
    await t.tick(1_000);
    expect(t.get()!.status!.phase).toBe('Running');
    expect(status(t, 'quick').state?.terminated?.reason).toBe('Completed');
    expect(podStatusText(t.get()!)).toBe('NotReady'); // Completed beside a running one, not Ready
    await t.tick(3_000);
    expect(t.get()!.status!.phase).toBe('Failed');
    expect(status(t, 'slow').state?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
  });
});

describe("an ephemeral container's command (kubectl debug POD --image=busybox -- CMD)", () => {
  const ephemeral = (t: ReturnType<typeof setup>, name: string) =>
    t.get()!.status?.ephemeralContainerStatuses?.find((c) => c.name === name);

  it('runs in the pod as a stand-in: its output is its log, its exit code its end', async () => {
    const t = setup({});
    await t.tick(1_000);
    const added = t.cluster.setEphemeralContainers('default', 'app', [
      { name: 'dbg', image: 'busybox', command: ['sh', '-c', 'hostname; sleep 2; exit 3'] },
    ]);
    expect(added?.ok).toBe(true);
    await t.tick(1_000);
    expect(ephemeral(t, 'dbg')?.state?.running).toBeDefined();
    expect(await t.kubelet.handleOf('default', 'app')?.containerLogs?.('dbg')).toEqual(['app']);
    await t.tick(2_000);
    expect(ephemeral(t, 'dbg')?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(t.cs().state?.running).toBeDefined(); // the pod's own container runs on
  });

  it('does not start one the stand-in cannot run, and says why; it has no log', async () => {
    const t = setup({});
    await t.tick(1_000);
    t.cluster.setEphemeralContainers('default', 'app', [
      { name: 'dump', image: 'busybox', command: ['tcpdump', '-i', 'eth0'] },
    ]);
    await t.tick(1_000);
    expect(ephemeral(t, 'dump')?.state?.terminated).toMatchObject({
      exitCode: 128,
      reason: 'StartError',
      message: expect.stringMatching(/^l4lab's stand-in cannot run "tcpdump -i eth0": /),
    });
    expect(await t.kubelet.handleOf('default', 'app')?.containerLogs?.('dump')).toEqual([]);
  });
});

describe('what the kubelet gives a container', () => {
  it("sets the Service variables of its namespace's Services (commands.yaml's printenv)", async () => {
    const t = setup(
      {
        restartPolicy: 'OnFailure',
        containers: [
          {
            name: 'main',
            image: 'debian',
            command: ['printenv'],
            args: ['HOSTNAME', 'REDIS_LEADER_SERVICE_HOST', 'REDIS_LEADER_PORT'],
          },
        ],
      },
      [service('redis-leader', 6379)],
    );
    await t.tick(0);
    const ip = t.cluster.store.get('Service', 'default', 'redis-leader')!.spec.clusterIP;
    expect(t.get()!.status?.phase).toBe('Succeeded');
    expect(await t.logs()).toEqual(['app', ip, `tcp://${ip}:6379`]);
  });

  it('expands $(VAR) in env and args from the variables before it', async () => {
    const t = setup(
      {
        containers: [
          {
            name: 'main',
            image: 'busybox',
            env: [{ name: 'TARGET', value: 'redis://$(REDIS_LEADER_SERVICE_HOST):6379' }],
            command: ['echo'],
            args: ['$(TARGET)', '$$(TARGET)', '$(UNSET)'],
          },
        ],
        restartPolicy: 'Never',
      },
      [service('redis-leader', 6379)],
    );
    await t.tick(0);
    const ip = t.cluster.store.get('Service', 'default', 'redis-leader')!.spec.clusterIP;
    expect(await t.logs()).toEqual([`redis://${ip}:6379 $(TARGET) $(UNSET)`]);
  });

  it('mounts the managed /etc/hosts (hostAliases), /etc/resolv.conf and the namespace file', async () => {
    const t = setup({
      restartPolicy: 'Never',
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] }],
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: [
            'sh',
            '-c',
            'cat /etc/hosts /etc/resolv.conf /var/run/secrets/kubernetes.io/serviceaccount/namespace',
          ],
        },
      ],
    });
    await t.tick(0);
    const ip = t.get()!.status!.podIP!;
    const dns = t.cluster.plan.dnsServiceIP;
    const log = (await t.logs()).join('\n');
    expect(log).toContain(
      `\n${ip}\tapp\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.remote\tbar.remote\n`,
    );
    expect(log).toContain(
      `search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${dns}\noptions ndots:5\ndefault`,
    );
    expect(t.kubelet.containerView('default', 'app')).toMatchObject({
      env: { HOSTNAME: 'app' },
      dns: { nameserver: dns, ndots: 5 },
    });
  });
});

describe('a container kubectl attaches to (stdin: true, `kubectl run -it`)', () => {
  const attached = (command: string[]): Container => ({
    name: 'main',
    image: 'busybox:1.28',
    command,
    stdin: true,
    stdinOnce: true,
    tty: true,
  });
  /** Every phase the pod was posted with, in order, repeats folded. */
  const phasesOf = (t: ReturnType<typeof setup>) => {
    const seen: string[] = [];
    t.cluster.store.watch((e) => {
      const phase = e.object.kind === 'Pod' ? (e.object as Pod).status?.phase : undefined;
      if (phase && seen.at(-1) !== phase) seen.push(phase);
    });
    return seen;
  };

  it('is posted Running from the next relist, and one that ended sooner never was', async () => {
    const quick = setup({ restartPolicy: 'Never', containers: [attached(['echo', 'hi'])] });
    const quickPhases = phasesOf(quick);
    await quick.tick(1000);
    // kubectl run prints a finished pod's log instead of attaching to a container that is gone.
    expect(quickPhases).toEqual(['Succeeded']);
    expect(quick.cs().state?.terminated?.exitCode).toBe(0);

    const slow = setup({ restartPolicy: 'Never', containers: [attached(['sleep', '2'])] });
    const slowPhases = phasesOf(slow);
    await flush();
    expect(slow.get()!.status?.phase).toBe('Pending');
    // Not by its readiness either (no probe: Ready as soon as it is seen).
    await slow.tick(100);
    expect(slow.get()!.status?.phase).toBe('Pending');
    await slow.tick(1000);
    expect(slow.get()!.status?.phase).toBe('Running');
    await slow.tick(2000);
    expect(slowPhases).toEqual(['Running', 'Succeeded']);
  });

  it('a container without stdin is posted Running as soon as it started', async () => {
    const t = setup({
      containers: [{ name: 'main', image: 'busybox:1.28', command: ['sleep', '5'] }],
    });
    await flush();
    expect(t.get()!.status?.phase).toBe('Running');
  });
});
