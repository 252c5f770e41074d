// The kubelet with the builtin runtime's stand-ins for containers that run a command and have no
// ports (no sockets): their processes exit as the real ones would, restartPolicy is honoured and
// exec probes read the files the script writes. Everything on fake clocks, moved together.
// Addresses: the default plan (pods 127.244.<node>.x), never contacted.
import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '@l4lab/protocol';
import { podStatusText } from '@l4lab/protocol';
import { Cluster, FakeClock, PortMapper } from '@l4lab/cluster';
import { BuiltinRuntime } from '../builtinRuntime.ts';
import { Kubelet } from '../kubelet.ts';

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

function setup(container: Partial<Container>, restartPolicy?: Pod['spec']['restartPolicy']) {
  const clock = new FakeClock();
  // The runtime's own clock: its pending timers are the stand-ins' (sleeps), nobody else's.
  const runtimeClock = new FakeClock();
  const cluster = new Cluster({ clock });
  const mapper = new PortMapper('native');
  const kubelet = new Kubelet({
    cluster,
    runtime: new BuiltinRuntime({ mapper, clock: runtimeClock }),
    mapper,
    logger: { info: () => {}, warn: () => {} },
    clock,
    prober: async () => false, // no tcpSocket or httpGet probe may run here
  });
  kubelet.start();
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'job', namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 0,
      ...(restartPolicy ? { restartPolicy } : {}),
      containers: [{ name: 'main', image: 'busybox:1.36', ...container }],
    },
  };
  expect(cluster.apply([pod]).ok).toBe(true);
  const get = () => cluster.store.get('Pod', 'default', 'job')!;
  const cs = () => get().status!.containerStatuses![0]!;
  const ready = () => get().status?.conditions?.find((c) => c.type === 'Ready')?.status;
  /**
   * Moves both clocks by ms (0: runs what is due now), a second at a time, letting promises
   * settle in between; the runtime's first, so an exec probe started at a step has its whole
   * timeout ahead of it.
   */
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
  const logs = async () => (await kubelet.handleOf('default', 'job')?.logs()) ?? [];
  return { cluster, kubelet, runtimeClock, get, cs, ready, tick, logs };
}

describe('stand-in containers under the kubelet', () => {
  it('sleep 5 with restartPolicy Never runs 5 s, then Completed, phase Succeeded', async () => {
    const t = setup({ command: ['sleep', '5'] }, 'Never');
    await t.tick(4_000);
    expect(t.get().status?.phase).toBe('Running');
    expect(t.cs().state?.running).toBeDefined();
    await t.tick(1_000);
    expect(t.get().status?.phase).toBe('Succeeded');
    expect(t.cs().state?.terminated).toEqual({
      reason: 'Completed',
      exitCode: 0,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:05.000Z',
    });
    expect(podStatusText(t.get())).toBe('Completed');
    expect(t.ready()).toBe('False');
  });

  it('`sh -c "exit 1"` with restartPolicy Never ends Error, exit code 1, phase Failed', async () => {
    const t = setup({ command: ['sh', '-c', 'exit 1'] }, 'Never');
    await t.tick(1_000);
    expect(t.get().status?.phase).toBe('Failed');
    expect(t.cs().state?.terminated).toMatchObject({ reason: 'Error', exitCode: 1 });
    expect(t.cs().restartCount).toBe(0);
    expect(podStatusText(t.get())).toBe('Error');
  });

  it('OnFailure restarts a failed container and keeps a completed one Completed', async () => {
    const failing = setup({ command: ['sh', '-c', 'sleep 1; exit 3'] }, 'OnFailure');
    await failing.tick(1_000);
    await failing.tick(1_000);
    expect(failing.cs().restartCount).toBeGreaterThanOrEqual(1);
    expect(failing.get().status?.phase).toBe('Running');
    const done = setup({ command: ['true'] }, 'OnFailure');
    await done.tick(1_000);
    expect(done.get().status?.phase).toBe('Succeeded');
    expect(done.cs().restartCount).toBe(0);
  });

  it('Always restarts `echo` that exits 0, backing off: Completed, then CrashLoopBackOff', async () => {
    const t = setup({
      command: ['sh', '-c', 'echo hi; printenv GREETING'],
      env: [{ name: 'GREETING', value: 'hello' }],
    });
    await t.tick(0);
    expect(t.cs().restartCount).toBeGreaterThanOrEqual(1); // the first restart is at once
    await t.tick(0);
    expect(t.cs().state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(podStatusText(t.get())).toBe('CrashLoopBackOff');
    expect(t.get().status?.phase).toBe('Running');
  });

  it("a known image's tag its registry lacks (the tutorial's bootcamp :v10): ErrImagePull, then ImagePullBackOff", async () => {
    const image = 'gcr.io/google-samples/kubernetes-bootcamp:v10';
    const t = setup({ image });
    await t.tick(0);
    const waiting = t.cs().state?.waiting;
    expect(waiting?.reason).toBe('ErrImagePull');
    expect(waiting?.message).toBe(
      `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`,
    );
    await t.tick(1_000);
    expect(t.cs().state?.waiting?.reason).toBe('ImagePullBackOff');
    expect(podStatusText(t.get())).toBe('ImagePullBackOff');
    expect(t.ready()).toBe('False');
  });

  it('lets attach end a bare sh reading stdin (kubectl run -it -- sh) with its exit code', async () => {
    const t = setup({ args: ['sh'], stdin: true, stdinOnce: true }, 'Never');
    await t.tick(1_000);
    expect(t.get().status?.phase).toBe('Running');
    const handle = t.kubelet.handleOf('default', 'job')!;
    expect(handle.interactiveShell?.('other')).toBeUndefined();
    handle.interactiveShell!('main')!.finish(4);
    await t.tick(0);
    expect(t.get().status?.phase).toBe('Failed');
    expect(t.cs().state?.terminated).toMatchObject({ reason: 'Error', exitCode: 4 });
    // Without stdin a bare sh ends at once; a script is not a shell to attach to.
    const script = setup({ command: ['sh', '-c', 'sleep 3600'], stdin: true });
    await script.tick(1_000);
    expect(script.kubelet.handleOf('default', 'job')!.interactiveShell!('main')).toBeUndefined();
  });

  it('runs an ephemeral container (kubectl debug -it) as a shell until it exits; refuses any other', async () => {
    const t = setup({ command: ['sleep', '3600'] });
    await t.tick(1_000);
    const added = t.cluster.setEphemeralContainers('default', 'job', [
      { name: 'debugger-a', image: 'busybox', stdin: true, tty: true },
      { name: 'runs-wget', image: 'busybox', command: ['wget', '-qO-', 'web'] },
    ]);
    expect(added?.ok).toBe(true);
    await t.tick(0);
    const statuses = () => t.get().status?.ephemeralContainerStatuses ?? [];
    expect(statuses().map((s) => [s.name, Object.keys(s.state ?? {})[0]])).toEqual([
      ['debugger-a', 'running'],
      ['runs-wget', 'terminated'],
    ]);
    expect(statuses()[1]!.state?.terminated).toMatchObject({ reason: 'StartError', exitCode: 128 });
    expect(t.kubelet.ephemeralShell('default', 'job', 'runs-wget')).toBeUndefined();
    t.kubelet.ephemeralShell('default', 'job', 'debugger-a')!.finish(3);
    expect(statuses()[0]!.state?.terminated).toMatchObject({ reason: 'Error', exitCode: 3 });
    expect(t.kubelet.ephemeralShell('default', 'job', 'debugger-a')).toBeUndefined();
    // The app container ran on, untouched.
    expect(t.cs().state?.running).toBeDefined();
    expect(t.cs().restartCount).toBe(0);
  });

  it('keeps the log of a container that ended (`kubectl logs` of a Completed pod)', async () => {
    const t = setup({ command: ['sh', '-c', 'echo done'] }, 'Never');
    await t.tick(0);
    expect(podStatusText(t.get())).toBe('Completed');
    expect(await t.logs()).toEqual(['done']);
  });

  it('writes what the command prints to the pod log', async () => {
    const t = setup({
      command: ['sh', '-c', 'echo hi; printenv GREETING POD; sleep 3600'],
      env: [
        { name: 'GREETING', value: 'hello' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ],
    });
    await t.tick(1_000);
    expect(await t.logs()).toEqual(['hi', 'hello', 'job']);
    expect(t.get().status?.message).toBe(
      'stand-in for busybox:1.36: l4lab runs its command in a stand-in shell, not in the image',
    );
  });

  it('keeps long-running commands running, and leaves no timer once the pod is deleted', async () => {
    for (const command of [
      ['sleep', 'infinity'],
      ['tail', '-f', '/dev/null'],
      ['sh', '-c', 'while true; do echo tick; sleep 10; done'],
      ['redis-server'],
    ]) {
      const t = setup({ command });
      await t.tick(3_600_000 / 60);
      expect(t.cs().state?.running, command.join(' ')).toBeDefined();
      expect(t.cs().restartCount).toBe(0);
      t.cluster.delete('Pod', 'default', 'job');
      await t.tick(1_000);
      expect(t.cluster.store.get('Pod', 'default', 'job')).toBeUndefined();
      expect(t.runtimeClock.pendingTimers(), command.join(' ')).toBe(0);
    }
  });

  it("restarts the docs' liveness example once /tmp/healthy is gone (exec probe `cat`)", async () => {
    // https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    const t = setup({
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
      livenessProbe: {
        exec: { command: ['cat', '/tmp/healthy'] },
        initialDelaySeconds: 5,
        periodSeconds: 5,
      },
    });
    await t.tick(34_000);
    expect(t.cs().restartCount).toBe(0);
    await t.tick(12_000); // failures at 35, 40 and 45 s: the third restarts it
    expect(t.cs().restartCount).toBe(1);
    const events = t.cluster.events.about(t.get()).map((e) => `${e.reason}: ${e.message}`);
    expect(events).toContain('Unhealthy: Liveness probe failed: command "cat /tmp/healthy" failed');
    expect(events).toContain(
      'StandIn: stand-in for busybox:1.36: l4lab runs its command in a stand-in shell, not in the image',
    );
  });

  it('holds readiness for initialDelaySeconds: 15, then follows an exec probe', async () => {
    const t = setup({
      command: ['sh', '-c', 'sleep 20; touch /tmp/ready; sleep 3600'],
      readinessProbe: {
        exec: { command: ['sh', '-c', 'test -f /tmp/ready || true'] },
        initialDelaySeconds: 15,
        periodSeconds: 1,
      },
    });
    await t.tick(14_000);
    expect(t.ready()).toBe('False');
    await t.tick(1_000);
    expect(t.ready()).toBe('True');
    const strict = setup({
      command: ['sh', '-c', 'sleep 20; touch /tmp/ready; sleep 3600'],
      readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
    });
    await strict.tick(19_000);
    expect(strict.ready()).toBe('False');
    await strict.tick(2_000);
    expect(strict.ready()).toBe('True');
  });
});
