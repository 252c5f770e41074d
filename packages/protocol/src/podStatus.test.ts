// Every branch of kubectl's printPod STATUS (pkg/printers/internalversion/printers.go) that an
// l4lab pod can reach. Addresses: pods 127.246.0.x (test range).
import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod, PodStatus } from './kube.ts';
import { isPodReady, podStatusText } from './podStatus.ts';

type State = ContainerStatus['state'];

function makePod(status?: Partial<PodStatus>, mutate?: (p: Pod) => void): Pod {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx' }] },
    ...(status ? { status: { phase: 'Running', podIP: '127.246.0.2', ...status } } : {}),
  };
  mutate?.(pod);
  return pod;
}

const container = (state: State, ready = false, name = 'web'): ContainerStatus => ({
  name,
  image: 'nginx',
  ready,
  restartCount: 0,
  ...(state ? { state } : {}),
});

const running: State = { running: { startedAt: '2025-01-01T00:00:00Z' } };
const readyCondition = { type: 'Ready' as const, status: 'True' as const };

describe('podStatusText: the STATUS column of kubectl get pods', () => {
  it('is the phase when no container says more: Pending for a pod without status', () => {
    expect(podStatusText(makePod())).toBe('Pending');
    expect(podStatusText(makePod({ phase: 'Pending' }))).toBe('Pending');
    expect(podStatusText(makePod({ containerStatuses: [container(running, true)] }))).toBe(
      'Running',
    );
  });

  it('a scheduled pod the kubelet has not reported yet is Pending, not ContainerCreating', () => {
    // kubectl reads ContainerCreating from the container's waiting reason, never from nodeName.
    expect(podStatusText(makePod({ phase: 'Pending' }))).toBe('Pending');
  });

  it("shows a waiting container's reason: ContainerCreating, CrashLoopBackOff, ImagePullBackOff", () => {
    for (const reason of ['ContainerCreating', 'CrashLoopBackOff', 'ImagePullBackOff']) {
      const phase = reason === 'CrashLoopBackOff' ? 'Running' : 'Pending';
      const pod = makePod({ phase, containerStatuses: [container({ waiting: { reason } })] });
      expect(podStatusText(pod)).toBe(reason);
    }
  });

  it("shows a terminated container's reason whatever the phase: Completed, Error, OOMKilled", () => {
    const ended = (phase: PodStatus['phase'], reason: string, exitCode: number) =>
      makePod({ phase, containerStatuses: [container({ terminated: { reason, exitCode } })] });
    expect(podStatusText(ended('Succeeded', 'Completed', 0))).toBe('Completed');
    expect(podStatusText(ended('Failed', 'Error', 1))).toBe('Error');
    expect(podStatusText(ended('Failed', 'OOMKilled', 137))).toBe('OOMKilled');
    expect(podStatusText(ended('Running', 'Error', 137))).toBe('Error');
  });

  it('a terminated container without a reason reads Signal:N, else ExitCode:N', () => {
    const ended = (terminated: NonNullable<State>['terminated']) =>
      makePod({ phase: 'Failed', containerStatuses: [container({ terminated })] });
    expect(podStatusText(ended({ reason: '', exitCode: 137, signal: 9 }))).toBe('Signal:9');
    expect(podStatusText(ended({ reason: '', exitCode: 2 }))).toBe('ExitCode:2');
  });

  it("the pod's own reason (NodeLost, Evicted) replaces the phase", () => {
    expect(podStatusText(makePod({ phase: 'Failed', reason: 'Evicted' }))).toBe('Evicted');
    expect(podStatusText(makePod({ phase: 'Unknown', reason: 'NodeLost' }))).toBe('NodeLost');
  });

  it('the first container with something to say wins', () => {
    const pod = makePod({
      containerStatuses: [
        container({ waiting: { reason: 'CrashLoopBackOff' } }, false, 'a'),
        container({ terminated: { reason: 'Error', exitCode: 1 } }, false, 'b'),
      ],
    });
    expect(podStatusText(pod)).toBe('CrashLoopBackOff');
  });

  it('Completed beside a running, ready container reads Running, or NotReady without Ready', () => {
    const statuses = [
      container({ terminated: { reason: 'Completed', exitCode: 0 } }, false, 'job'),
      container(running, true, 'web'),
    ];
    expect(
      podStatusText(makePod({ containerStatuses: statuses, conditions: [readyCondition] })),
    ).toBe('Running');
    expect(podStatusText(makePod({ containerStatuses: statuses }))).toBe('NotReady');
  });

  it('a pod being deleted is Terminating, whatever its containers say', () => {
    const deleting = (p: Pod) => (p.metadata.deletionTimestamp = '2025-01-01T00:00:30Z');
    expect(
      podStatusText(makePod({ containerStatuses: [container(running, true)] }, deleting)),
    ).toBe('Terminating');
    const crashing = makePod(
      { containerStatuses: [container({ waiting: { reason: 'CrashLoopBackOff' } })] },
      deleting,
    );
    expect(podStatusText(crashing)).toBe('Terminating');
  });

  it('a deleted pod whose phase is final keeps its status; one of a lost node is Unknown', () => {
    const deleting = (p: Pod) => (p.metadata.deletionTimestamp = '2025-01-01T00:00:30Z');
    const done = makePod(
      {
        phase: 'Succeeded',
        containerStatuses: [container({ terminated: { reason: 'Completed', exitCode: 0 } })],
      },
      deleting,
    );
    expect(podStatusText(done)).toBe('Completed');
    const lost = makePod(
      { reason: 'NodeLost', containerStatuses: [container(running, true)] },
      deleting,
    );
    expect(podStatusText(lost)).toBe('Unknown');
  });

  it('a pod held by a scheduling gate reads SchedulingGated', () => {
    const pod = makePod({
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    });
    expect(podStatusText(pod)).toBe('SchedulingGated');
  });

  describe("with init containers (the docs' myapp-pod: init-myservice, init-mydb)", () => {
    const withInit = (inits: State[], main: State, initialized = false) =>
      makePod(
        {
          phase: 'Pending',
          conditions: [{ type: 'Initialized', status: initialized ? 'True' : 'False' }],
          initContainerStatuses: inits.map((s, i) => container(s, false, `init-${i}`)),
          containerStatuses: [container(main)],
        },
        (p) => {
          p.spec.initContainers = inits.map((_s, i) => ({ name: `init-${i}`, image: 'busybox' }));
        },
      );
    const initializing: State = { waiting: { reason: 'PodInitializing' } };
    const completed: State = { terminated: { reason: 'Completed', exitCode: 0 } };

    it('counts the init containers done: Init:0/2, Init:1/2, then PodInitializing', () => {
      expect(podStatusText(withInit([running, initializing], initializing))).toBe('Init:0/2');
      expect(podStatusText(withInit([completed, running], initializing))).toBe('Init:1/2');
      expect(podStatusText(withInit([completed, completed], initializing, true))).toBe(
        'PodInitializing',
      );
      const started = withInit([completed, completed], running, true);
      started.status!.phase = 'Running';
      started.status!.containerStatuses![0]!.ready = true;
      expect(podStatusText(started)).toBe('Running');
    });

    it("shows a failed init container's reason: Init:Error, Init:CrashLoopBackOff, Init:ExitCode:N", () => {
      const error: State = { terminated: { reason: 'Error', exitCode: 1 } };
      expect(podStatusText(withInit([error, initializing], initializing))).toBe('Init:Error');
      const backOff: State = { waiting: { reason: 'CrashLoopBackOff' } };
      expect(podStatusText(withInit([completed, backOff], initializing))).toBe(
        'Init:CrashLoopBackOff',
      );
      const bare: State = { terminated: { reason: '', exitCode: 2 } };
      expect(podStatusText(withInit([bare, initializing], initializing))).toBe('Init:ExitCode:2');
    });
  });
});

describe('isPodReady', () => {
  it('follows the Ready condition only', () => {
    expect(isPodReady(makePod({ conditions: [readyCondition] }))).toBe(true);
    expect(isPodReady(makePod({ conditions: [{ type: 'Ready', status: 'False' }] }))).toBe(false);
    expect(isPodReady(makePod())).toBe(false);
  });
});
