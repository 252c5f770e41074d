import { describe, expect, it } from 'vitest';
import { applyDefaults } from '@l4lab/manifests';
import type { Pod, PodSpec } from '@l4lab/protocol';
import { runKubectl } from './kubectl/kubectl.ts';
import { admitPriority, keepAdmittedPriority, priorityRefusal } from './priorityAdmission.ts';
import { makeDeployment, makeNamespace, newTestCluster } from './testBuilders.ts';

const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({
  containers: [{ name: 'web', image: 'nginx' }],
  ...extra,
});

describe('the Priority admission plugin', () => {
  it('gives a pod with no class priority 0 and PreemptLowerPriority, as a cluster with no globalDefault class', () => {
    const s = spec();
    expect(priorityRefusal('web', s)).toBeUndefined();
    admitPriority(s);
    expect([s.priority, s.preemptionPolicy]).toEqual([0, 'PreemptLowerPriority']);
  });

  it("gives the system classes' values", () => {
    const node = spec({ priorityClassName: 'system-node-critical' });
    const cluster = spec({ priorityClassName: 'system-cluster-critical' });
    admitPriority(node);
    admitPriority(cluster);
    expect([node.priority, cluster.priority]).toEqual([2000001000, 2000000000]);
  });

  it("refuses an unknown class, and a priority or preemptionPolicy the class does not give, in the API server's words", () => {
    expect(priorityRefusal('web', spec({ priorityClassName: 'gold' }))).toBe(
      'pods "web" is forbidden: no PriorityClass with name gold was found',
    );
    expect(priorityRefusal('web', spec({ priority: 7 }))).toBe(
      'pods "web" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
    );
    expect(priorityRefusal('web', spec({ priority: 0, preemptionPolicy: 'Never' }))).toBe(
      'pods "web" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name',
    );
    // What admission itself wrote passes again (a pod's manifest from `kubectl get -o yaml`).
    expect(
      priorityRefusal('web', spec({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' })),
    ).toBeUndefined();
  });

  it('keeps what it set when an update leaves the fields out', () => {
    const next = spec();
    keepAdmittedPriority(next, spec({ priority: 0, preemptionPolicy: 'PreemptLowerPriority' }));
    expect([next.priority, next.preemptionPolicy]).toEqual([0, 'PreemptLowerPriority']);
  });
});

describe("a pod's priority in the cluster", () => {
  const pod = (name: string, extra: Partial<PodSpec> = {}): Pod =>
    applyDefaults<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'team-a' },
      spec: spec(extra),
    });

  it('is set at creation, kept by an apply of the same manifest, and describe prints it', () => {
    const { cluster, clock } = newTestCluster();
    expect(cluster.apply([makeNamespace('team-a'), pod('plain')]).ok).toBe(true);
    expect(cluster.apply([pod('critical', { priorityClassName: 'system-node-critical' })]).ok).toBe(
      true,
    );
    const again = cluster.apply([pod('plain')]);
    expect(again.ok).toBe(true);
    expect(cluster.store.get('Pod', 'team-a', 'plain')!.spec.priority).toBe(0);
    const describe = (name: string) =>
      runKubectl(cluster.store, ['describe', 'pod', name, '-n', 'team-a'], clock.now()).stdout;
    expect(describe('plain')).toMatch(/^Priority:\s+0\nService Account:/m);
    expect(describe('plain')).not.toMatch(/Priority Class Name/);
    expect(describe('critical')).toMatch(
      /^Priority:\s+2000001000\nPriority Class Name:\s+system-node-critical$/m,
    );
  });

  it("refuses a pod of an unknown class, and a Deployment's ReplicaSet says so in FailedCreate", () => {
    const { cluster } = newTestCluster();
    cluster.apply([makeNamespace('team-a')]);
    const refused = cluster.apply([pod('gold', { priorityClassName: 'gold' })]);
    expect(refused.ok ? [] : refused.errors.map((e) => [e.code, e.message])).toEqual([
      ['L4_E_FORBIDDEN', 'pods "gold" is forbidden: no PriorityClass with name gold was found'],
    ]);
    const web = makeDeployment('team-a', 'web', (d) => {
      d.spec.template.spec.priorityClassName = 'gold';
    });
    expect(cluster.apply([web]).ok).toBe(true);
    expect(cluster.store.list('Pod', 'team-a')).toEqual([]);
    const rs = cluster.store.list('ReplicaSet', 'team-a')[0]!;
    expect(
      cluster.events
        .about(rs)
        .filter((e) => e.reason === 'FailedCreate')
        .map((e) => e.message),
    ).toEqual([
      `Error creating: pods "${rs.metadata.name}-" is forbidden: no PriorityClass with name gold was found`,
    ]);
  });
});
