// The daemon set controller: a pod on every node that should run one, node selectors and taints,
// rolling updates node by node, OnDelete, failed pods, status as `kubectl get ds` shows it.
import { describe, expect, it } from 'vitest';
import type { DaemonSet, Namespace, Pod } from '@l4lab/protocol';
import {
  makeDaemonSet,
  newTestCluster,
  runKubelet,
  runningStatus,
  setPodReady,
} from '../testBuilders.ts';
import type { Cluster } from '../cluster.ts';
import type { FakeClock } from '../clock.ts';
import { apply, editNode, taint } from './schedulerTesting.ts';
import { quotaErrors } from '../labQuota.ts';
import { REVISION_HASH_LABEL, TEMPLATE_GENERATION_LABEL } from './daemonSetController.ts';

const NS = 'l4lab-system';
const ns: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } };

function daemonSet(mutate: (ds: DaemonSet) => void = () => {}): DaemonSet {
  const ds = makeDaemonSet(NS, 'agent');
  mutate(ds);
  return ds;
}

/** A DaemonSet rolled out with maxSurge 1 (maxUnavailable 0), its container of `image`. */
const surging = (image: string) =>
  daemonSet((ds) => {
    ds.spec.updateStrategy = { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    ds.spec.template.spec.containers[0]!.image = image;
  });

/** The DaemonSet's pods not going away, by node. */
function podsByNode(cluster: Cluster): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of cluster.list('Pod', NS)) {
    if (p.metadata.deletionTimestamp) continue;
    (out[p.spec.nodeName ?? '(unscheduled)'] ??= []).push(p.metadata.name);
  }
  return out;
}

const live = (cluster: Cluster): Pod[] =>
  cluster.list('Pod', NS).filter((p) => !p.metadata.deletionTimestamp);
const status = (cluster: Cluster) => cluster.store.get('DaemonSet', NS, 'agent')!.status;
const nodesOf = (pods: Pod[]) => pods.map((p) => p.spec.nodeName).sort();

/** The kubelets confirm every terminating pod stopped (as after the grace period). */
function stopTerminating(cluster: Cluster): void {
  for (const p of cluster.list('Pod', NS))
    if (p.metadata.deletionTimestamp) cluster.removePod(NS, p.metadata.name);
}

function started(): { cluster: Cluster; clock: FakeClock } {
  const t = newTestCluster();
  apply(t.cluster, ns, daemonSet());
  runKubelet(t.cluster);
  return t;
}

describe('a DaemonSet', () => {
  it('runs one pod on every node, scheduled there by node affinity, with the daemon tolerations', () => {
    const { cluster } = started();
    const pods = live(cluster);
    expect(nodesOf(pods)).toEqual(['node-1', 'node-2', 'node-3']);
    const ds = cluster.store.get('DaemonSet', NS, 'agent')!;
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
      expect(p.metadata.generateName).toBe('agent-');
      expect(p.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid }),
      ]);
      expect(p.metadata.labels).toEqual({
        app: 'agent',
        [REVISION_HASH_LABEL]: expect.stringMatching(/^[a-z0-9]+$/),
        [TEMPLATE_GENERATION_LABEL]: '1',
      });
      expect(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual(
        {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
          ],
        },
      );
      expect(p.spec.tolerations?.map((t) => `${t.key}:${t.effect}`)).toEqual([
        'node.kubernetes.io/not-ready:NoExecute',
        'node.kubernetes.io/unreachable:NoExecute',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ]);
      expect(p.status?.phase).toBe('Running');
    }
    expect(status(cluster)).toEqual({
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      desiredNumberScheduled: 3,
      numberReady: 3,
      observedGeneration: 1,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
    });
    expect(
      cluster.events
        .about(ds)
        .map((e) => [e.reason, e.message])
        .sort(),
    ).toEqual(pods.map((p) => ['SuccessfulCreate', `Created pod: ${p.metadata.name}`]).sort());
  });

  it('puts a pod back on the node whose pod was deleted, and its pods go with it', () => {
    const { cluster } = started();
    const gone = live(cluster).find((p) => p.spec.nodeName === 'node-2')!;
    cluster.delete('Pod', NS, gone.metadata.name);
    // Terminating: no second pod on node-2 until it is gone.
    expect(podsByNode(cluster)['node-2']).toBeUndefined();
    expect(status(cluster)).toMatchObject({ currentNumberScheduled: 3 });
    stopTerminating(cluster);
    runKubelet(cluster);
    expect(nodesOf(live(cluster))).toEqual(['node-1', 'node-2', 'node-3']);
    expect(live(cluster).map((p) => p.metadata.name)).not.toContain(gone.metadata.name);
    expect(status(cluster)).toMatchObject({ numberReady: 3, numberAvailable: 3 });

    cluster.delete('DaemonSet', NS, 'agent');
    expect(live(cluster)).toEqual([]);
  });

  it('deleted with --cascade=orphan, leaves its pods running, without their owner', () => {
    const { cluster } = started();
    const names = live(cluster).map((p) => p.metadata.name);
    cluster.delete('DaemonSet', NS, 'agent', 'Orphan');
    expect(live(cluster).map((p) => p.metadata.name)).toEqual(names);
    for (const p of live(cluster)) expect(p.metadata.ownerReferences).toBeUndefined();
  });

  it('follows its nodeSelector as nodes are labelled and unlabelled', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      ns,
      daemonSet((ds) => (ds.spec.template.spec.nodeSelector = { edge: 'true' })),
    );
    expect(live(cluster)).toEqual([]);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });
    editNode(
      cluster,
      'node-3',
      (n) => (n.metadata.labels = { ...n.metadata.labels, edge: 'true' }),
    );
    runKubelet(cluster);
    expect(nodesOf(live(cluster))).toEqual(['node-3']);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 1, numberReady: 1 });
    editNode(cluster, 'node-3', (n) => delete n.metadata.labels!.edge);
    expect(live(cluster)).toEqual([]);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 0 });
  });

  it('keeps off a tainted node; a NoSchedule taint lets the pod there stay (misscheduled), NoExecute does not', () => {
    const { cluster } = started();
    editNode(cluster, 'node-1', taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }));
    expect(nodesOf(live(cluster))).toEqual(['node-1', 'node-2', 'node-3']);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 1 });
    editNode(cluster, 'node-2', taint({ key: 'maintenance', effect: 'NoExecute' }));
    expect(nodesOf(live(cluster))).toEqual(['node-1', 'node-3']);
    // node-2's pod counts as misscheduled until it is gone.
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 2 });
    stopTerminating(cluster);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 1, numberMisscheduled: 1 });
    // A toleration in the template lets it back on.
    apply(
      cluster,
      daemonSet(
        (ds) => (ds.spec.template.spec.tolerations = [{ key: 'maintenance', operator: 'Exists' }]),
      ),
    );
    stopTerminating(cluster);
    expect(podsByNode(cluster)['node-2']).toHaveLength(1);
  });

  it('runs on a cordoned node (it tolerates unschedulable) and stays on a stopped one', () => {
    const { cluster } = newTestCluster();
    editNode(cluster, 'node-1', (n) => (n.spec.unschedulable = true));
    apply(cluster, ns, daemonSet());
    expect(nodesOf(live(cluster))).toEqual(['node-1', 'node-2', 'node-3']);
    cluster.setNodeReady('node-2', false);
    expect(nodesOf(live(cluster))).toEqual(['node-1', 'node-2', 'node-3']);
    // Not ready: no new pod would go there; the one there stays and counts as misscheduled.
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 1 });
  });

  it('rolls a new template out node by node (maxUnavailable 1), and rollout status can follow it', () => {
    const { cluster } = started();
    const before = new Set(live(cluster).map((p) => p.metadata.name));
    const hashBefore = live(cluster)[0]!.metadata.labels![REVISION_HASH_LABEL];
    const next = daemonSet(
      (ds) => (ds.spec.template.spec.containers[0]!.image = 'l4lab/agent:0.2.0'),
    );
    apply(cluster, next);
    const seen: number[] = [];
    for (let step = 0; step < 10; step++) {
      const terminating = cluster.list('Pod', NS).filter((p) => p.metadata.deletionTimestamp);
      expect(terminating.length).toBeLessThanOrEqual(1);
      seen.push(terminating.length);
      stopTerminating(cluster);
      runKubelet(cluster);
      if (status(cluster)?.updatedNumberScheduled === 3 && status(cluster)?.numberAvailable === 3)
        break;
    }
    const pods = live(cluster);
    expect(nodesOf(pods)).toEqual(['node-1', 'node-2', 'node-3']);
    for (const p of pods) {
      expect(before.has(p.metadata.name)).toBe(false);
      expect(p.spec.containers[0]!.image).toBe('l4lab/agent:0.2.0');
      expect(p.metadata.labels![REVISION_HASH_LABEL]).not.toBe(hashBefore);
      expect(p.metadata.labels![TEMPLATE_GENERATION_LABEL]).toBe('2');
    }
    expect(seen.filter((n) => n === 1)).toHaveLength(3);
    expect(status(cluster)).toEqual({
      currentNumberScheduled: 3,
      numberMisscheduled: 0,
      desiredNumberScheduled: 3,
      numberReady: 3,
      observedGeneration: 2,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
    });
  });

  it('with maxUnavailable 100% replaces every pod at once', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      ns,
      daemonSet((ds) => (ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: '100%' } })),
    );
    runKubelet(cluster);
    apply(
      cluster,
      daemonSet((ds) => {
        ds.spec.updateStrategy = { rollingUpdate: { maxUnavailable: '100%' } };
        ds.spec.template.spec.containers[0]!.image = 'l4lab/agent:0.2.0';
      }),
    );
    expect(cluster.list('Pod', NS).filter((p) => p.metadata.deletionTimestamp)).toHaveLength(3);
  });

  it('OnDelete: a new template reaches a node only when its pod is deleted', () => {
    const { cluster } = newTestCluster();
    const onDelete = (ds: DaemonSet) => (ds.spec.updateStrategy = { type: 'OnDelete' });
    apply(cluster, ns, daemonSet(onDelete));
    runKubelet(cluster);
    apply(
      cluster,
      daemonSet((ds) => {
        onDelete(ds);
        ds.spec.template.spec.containers[0]!.image = 'l4lab/agent:0.2.0';
      }),
    );
    expect(cluster.list('Pod', NS).filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
    expect(status(cluster)).toMatchObject({ observedGeneration: 2, updatedNumberScheduled: 0 });
    const one = live(cluster).find((p) => p.spec.nodeName === 'node-1')!;
    cluster.delete('Pod', NS, one.metadata.name);
    stopTerminating(cluster);
    runKubelet(cluster);
    const images = Object.fromEntries(
      live(cluster).map((p) => [p.spec.nodeName, p.spec.containers[0]!.image]),
    );
    expect(images).toEqual({
      'node-1': 'l4lab/agent:0.2.0',
      'node-2': 'l4lab/agent:0.1.0',
      'node-3': 'l4lab/agent:0.1.0',
    });
    expect(status(cluster)).toMatchObject({ updatedNumberScheduled: 1 });
  });

  it('kills a failed pod and makes another, after a back-off that doubles', () => {
    const { cluster, clock } = started();
    const fail = () => {
      const p = live(cluster).find((x) => x.spec.nodeName === 'node-1')!;
      cluster.updatePodStatus(NS, p.metadata.name, p.metadata.uid, {
        ...p.status!,
        phase: 'Failed',
        reason: 'NodePorts',
      });
      return p.metadata.name;
    };
    const first = fail();
    stopTerminating(cluster);
    const second = podsByNode(cluster)['node-1']!;
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first);
    const ds = cluster.store.get('DaemonSet', NS, 'agent')!;
    expect(cluster.events.about(ds).find((e) => e.reason === 'FailedDaemonPod')?.message).toBe(
      `Found failed daemon pod ${NS}/${first} on node node-1, will try to kill it`,
    );
    runKubelet(cluster);
    // Failing again within the back-off (1 s): the pod stays Failed until it ends, then goes;
    // the next back-off is 2 s.
    const deleting = (name: string) =>
      cluster.store.get('Pod', NS, name)?.metadata.deletionTimestamp;
    const again = fail();
    expect(cluster.store.get('Pod', NS, again)?.status?.phase).toBe('Failed');
    clock.advance(999);
    expect(deleting(again)).toBeUndefined();
    clock.advance(1);
    expect(deleting(again)).toBeDefined();
    stopTerminating(cluster);
    runKubelet(cluster);
    const third = fail();
    clock.advance(1999);
    expect(deleting(third)).toBeUndefined();
    clock.advance(1);
    expect(deleting(third)).toBeDefined();
    stopTerminating(cluster);
    expect(podsByNode(cluster)['node-1']).toHaveLength(1);
  });

  it('adopts a matching orphan on a node instead of adding a second pod there, then rolls it to its template', () => {
    const { cluster } = newTestCluster();
    apply(cluster, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'hand-made', namespace: NS, labels: { app: 'agent' } },
      spec: { nodeName: 'node-2', containers: [{ name: 'agent', image: 'l4lab/agent:0.1.0' }] },
    });
    runKubelet(cluster);
    apply(cluster, daemonSet());
    const pods = live(cluster);
    expect(nodesOf(pods)).toEqual(['node-1', 'node-2', 'node-3']);
    const adopted = pods.find((p) => p.metadata.name === 'hand-made')!;
    expect(adopted.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'DaemonSet',
      name: 'agent',
    });
    // Not of the template (no revision hash): replaced once the other nodes' pods are available.
    expect(adopted.metadata.deletionTimestamp).toBeUndefined();
    runKubelet(cluster);
    expect(cluster.store.get('Pod', NS, 'hand-made')?.metadata.deletionTimestamp).toBeDefined();
  });

  it('with a nodeName in its template runs on that node alone', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      ns,
      daemonSet((ds) => (ds.spec.template.spec.nodeName = 'node-2')),
    );
    expect(nodesOf(live(cluster))).toEqual(['node-2']);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1 });
  });

  it('counts each pod available minReadySeconds after it is Ready, whatever the order', () => {
    const { cluster, clock } = newTestCluster();
    apply(
      cluster,
      ns,
      daemonSet((ds) => (ds.spec.minReadySeconds = 10)),
    );
    const readyAt = (node: string) => {
      const p = live(cluster).find((x) => x.spec.nodeName === node)!;
      const status = runningStatus(p, '127.244.9.9', '127.18.0.9', true);
      status.conditions = [
        { type: 'Ready', status: 'True', lastTransitionTime: new Date(clock.now()).toISOString() },
      ];
      cluster.updatePodStatus(NS, p.metadata.name, p.metadata.uid, status);
    };
    readyAt('node-3');
    clock.advance(5_000);
    readyAt('node-1');
    clock.advance(5_000);
    expect(status(cluster)).toMatchObject({ numberReady: 2, numberAvailable: 1 });
    clock.advance(5_000);
    expect(status(cluster)).toMatchObject({ numberAvailable: 2 });
  });

  it('with maxSurge 1 (maxUnavailable 0) starts the new pod beside the old, one node at a time; every node keeps an available pod', () => {
    const surge = (image: string) =>
      daemonSet((ds) => {
        ds.spec.updateStrategy = { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
        ds.spec.template.spec.containers[0]!.image = image;
      });
    const { cluster } = newTestCluster();
    apply(cluster, ns, surge('l4lab/agent:0.1.0'));
    runKubelet(cluster);
    apply(cluster, surge('l4lab/agent:0.2.0'));
    const image = (p: Pod) => p.spec.containers[0]!.image;
    const ready = (p: Pod) =>
      !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const surged: string[] = [];
    for (let step = 0; step < 12; step++) {
      const pods = live(cluster);
      // Never more than one node with two pods, and never a node without a Ready pod.
      const byNode = new Map<string, Pod[]>();
      for (const p of pods)
        byNode.set(p.spec.nodeName!, [...(byNode.get(p.spec.nodeName!) ?? []), p]);
      expect([...byNode.keys()].sort()).toEqual(['node-1', 'node-2', 'node-3']);
      const doubled = [...byNode].filter(([, ps]) => ps.length > 1);
      expect(doubled.length).toBeLessThanOrEqual(1);
      for (const [node, ps] of byNode) expect(ps.some(ready), node).toBe(true);
      for (const [node, ps] of doubled) {
        expect(ps.map(image).sort(), node).toEqual(['l4lab/agent:0.1.0', 'l4lab/agent:0.2.0']);
        if (!surged.includes(node)) surged.push(node);
      }
      stopTerminating(cluster);
      runKubelet(cluster); // the new pod starts and is Ready: the old one goes
      if (status(cluster)?.updatedNumberScheduled === 3 && live(cluster).length === 3) break;
    }
    expect(surged).toHaveLength(3);
    expect(live(cluster).map(image)).toEqual(Array<string>(3).fill('l4lab/agent:0.2.0'));
    expect(status(cluster)).toMatchObject({ updatedNumberScheduled: 3, numberAvailable: 3 });
    const ds = cluster.store.get('DaemonSet', NS, 'agent')!;
    expect(cluster.events.about(ds).filter((e) => e.type === 'Warning')).toEqual([]);
  });

  it('with maxSurge, waits beside an old pod while the new one is not Ready', () => {
    const surge = (image: string) =>
      daemonSet((ds) => {
        ds.spec.updateStrategy = { rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } };
        ds.spec.template.spec.containers[0]!.image = image;
      });
    const { cluster } = newTestCluster();
    apply(cluster, ns, surge('l4lab/agent:0.1.0'));
    runKubelet(cluster);
    apply(cluster, surge('l4lab/agent:0.2.0'));
    expect(live(cluster)).toHaveLength(6); // 100%: a new pod beside each old one at once
    runKubelet(cluster, () => false); // they start, never Ready
    expect(live(cluster)).toHaveLength(6);
    expect(cluster.list('Pod', NS).filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
  });

  it('with maxSurge, leaves the old pod of a node it should no longer run on (NoSchedule) and gives it no new one', () => {
    const { cluster } = newTestCluster();
    apply(cluster, ns, surging('l4lab/agent:0.1.0'));
    runKubelet(cluster);
    editNode(cluster, 'node-3', taint({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }));
    apply(cluster, surging('l4lab/agent:0.2.0'));
    for (let step = 0; step < 8; step++) {
      stopTerminating(cluster);
      runKubelet(cluster);
    }
    const images = Object.fromEntries(
      live(cluster).map((p) => [p.spec.nodeName!, p.spec.containers[0]!.image]),
    );
    expect(images).toEqual({
      'node-1': 'l4lab/agent:0.2.0',
      'node-2': 'l4lab/agent:0.2.0',
      'node-3': 'l4lab/agent:0.1.0', // may stay (NoSchedule), gets no new pod
    });
    expect(live(cluster)).toHaveLength(3);
    expect(status(cluster)).toMatchObject({ desiredNumberScheduled: 2, updatedNumberScheduled: 2 });
  });

  it('with maxSurge, lets an old pod go once it is not Ready and the new one is there, Ready or not', () => {
    const { cluster } = newTestCluster();
    apply(cluster, ns, surging('l4lab/agent:0.1.0'));
    runKubelet(cluster);
    apply(cluster, surging('l4lab/agent:0.2.0'));
    runKubelet(cluster, () => false); // the new pod starts, not Ready
    const [surged] = live(cluster).filter(
      (p) => p.spec.containers[0]!.image === 'l4lab/agent:0.2.0',
    );
    const old = live(cluster).find(
      (p) =>
        p.spec.nodeName === surged!.spec.nodeName &&
        p !== surged &&
        p.metadata.name !== surged!.metadata.name,
    )!;
    expect(old.metadata.deletionTimestamp).toBeUndefined(); // Ready: it waits for the new one
    setPodReady(cluster, NS, old.metadata.name, false);
    expect(
      cluster.store.get('Pod', NS, old.metadata.name)?.metadata.deletionTimestamp,
    ).toBeDefined();
  });

  it("asks a pod per node of a namespace's pod quota", () => {
    const store = newTestCluster().cluster.store;
    const quota = { name: 'student-quota', pods: 2, services: 5 };
    expect(quotaErrors(store, [{ index: 0, object: daemonSet() }], () => quota)).toEqual([
      expect.objectContaining({
        message:
          'daemonsets.apps "agent" is forbidden: exceeded quota: student-quota, requested: pods=3, used: pods=0, limited: pods=2',
      }),
    ]);
  });
});

describe("a DaemonSet's history (ControllerRevisions, as kubectl rollout history and undo read them)", () => {
  const revisions = (cluster: Cluster) =>
    cluster
      .list('ControllerRevision', NS)
      .map((r) => [r.metadata.name, r.revision, r.data.spec.template.spec.containers[0]!.image])
      .sort((a, b) => Number(a[1]) - Number(b[1]));
  const withImage = (image: string, mutate: (ds: DaemonSet) => void = () => {}) =>
    daemonSet((ds) => {
      ds.spec.template.spec.containers[0]!.image = image;
      mutate(ds);
    });

  it('keeps a revision per template, named after its hash, owned by the DaemonSet', () => {
    const { cluster } = started();
    const hash1 = live(cluster)[0]!.metadata.labels![REVISION_HASH_LABEL]!;
    apply(cluster, withImage('l4lab/agent:0.2.0'));
    stopTerminating(cluster);
    runKubelet(cluster);
    const rs = cluster.list('ControllerRevision', NS);
    expect(revisions(cluster)).toEqual([
      [`agent-${hash1}`, 1, 'l4lab/agent:0.1.0'],
      [expect.stringMatching(/^agent-\w+$/), 2, 'l4lab/agent:0.2.0'],
    ]);
    const ds = cluster.store.get('DaemonSet', NS, 'agent')!;
    for (const r of rs) {
      expect(r.metadata.ownerReferences).toEqual([
        expect.objectContaining({ kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid }),
      ]);
      expect(r.metadata.labels).toEqual({
        app: 'agent',
        [REVISION_HASH_LABEL]: r.metadata.name.slice('agent-'.length),
      });
      expect(r.data.spec.template.$patch).toBe('replace');
    }
    cluster.delete('DaemonSet', NS, 'agent');
    expect(cluster.list('ControllerRevision', NS)).toEqual([]);
  });

  it('a template of before gets its revision again, as the newest (rollout undo)', () => {
    const { cluster } = started();
    apply(cluster, withImage('l4lab/agent:0.2.0'));
    // kubectl rollout undo patches the template back to revision 1's.
    apply(cluster, daemonSet());
    expect(revisions(cluster).map(([, n, image]) => [n, image])).toEqual([
      [2, 'l4lab/agent:0.2.0'],
      [3, 'l4lab/agent:0.1.0'],
    ]);
  });

  it('keeps revisionHistoryLimit old revisions besides the current one, and those pods run', () => {
    const { cluster } = newTestCluster();
    const limit = (ds: DaemonSet) => {
      ds.spec.revisionHistoryLimit = 1;
      ds.spec.updateStrategy = { type: 'OnDelete' };
    };
    apply(cluster, ns, withImage('v1', limit));
    runKubelet(cluster);
    apply(cluster, withImage('v2', limit));
    apply(cluster, withImage('v3', limit));
    // OnDelete: the pods still run v1, so its revision stays; v2 is the old one past the limit.
    expect(revisions(cluster).map(([, n, image]) => [n, image])).toEqual([
      [1, 'v1'],
      [3, 'v3'],
    ]);
    for (const p of live(cluster)) cluster.delete('Pod', NS, p.metadata.name);
    stopTerminating(cluster);
    runKubelet(cluster);
    apply(cluster, withImage('v4', limit));
    expect(revisions(cluster).map(([, n, image]) => [n, image])).toEqual([
      [3, 'v3'],
      [4, 'v4'],
    ]);
  });
});
