// The stateful set controller: pods named by ordinal, made in order (OrderedReady) or at once
// (Parallel), removed highest first, rolled from the highest ordinal down to the partition, failed
// pods made again, a headless Service's hostnames, revisions as kubectl rollout reads them.
import { describe, expect, it } from 'vitest';
import type { Pod, Service, StatefulSet } from '@l4lab/protocol';
import { newTestCluster, runKubelet, setPodReady, slicesFor } from '../testBuilders.ts';
import type { Cluster } from '../cluster.ts';
import { apply } from './schedulerTesting.ts';
import {
  parentAndOrdinal,
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  POD_REVISION_LABEL,
  REVISION_HASH_LABEL,
} from './statefulSetController.ts';

const NS = 'default';

function statefulSet(mutate: (s: StatefulSet) => void = () => {}): StatefulSet {
  const s: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
      },
    },
  };
  mutate(s);
  return s;
}

const headless: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'nginx', namespace: NS },
  spec: { clusterIP: 'None', selector: { app: 'nginx' }, ports: [{ port: 80, name: 'web' }] },
};

/** The StatefulSet's pods not going away, by name. */
const live = (c: Cluster): string[] =>
  c
    .list('Pod', NS)
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
const terminating = (c: Cluster): string[] =>
  c
    .list('Pod', NS)
    .filter((p) => p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name);
const pod = (c: Cluster, name: string): Pod => c.store.get('Pod', NS, name)!;
const status = (c: Cluster) => c.store.get('StatefulSet', NS, 'web')!.status;
const events = (c: Cluster) =>
  c.events.about(c.store.get('StatefulSet', NS, 'web')!).map((e) => `${e.reason}: ${e.message}`);

/** The kubelets confirm every terminating pod stopped (as after the grace period). */
function stopTerminating(c: Cluster): void {
  for (const p of c.list('Pod', NS))
    if (p.metadata.deletionTimestamp) c.removePod(NS, p.metadata.name);
}

/** Kubelet rounds until nothing changes: every pod started Ready, every terminating one gone. */
function settle(c: Cluster): void {
  for (let i = 0; i < 20; i++) {
    const before = JSON.stringify(c.list('Pod', NS).map((p) => [p.metadata.name, p.status]));
    stopTerminating(c);
    runKubelet(c);
    if (JSON.stringify(c.list('Pod', NS).map((p) => [p.metadata.name, p.status])) === before)
      return;
  }
}

describe('a StatefulSet', () => {
  it('parses a pod name into its parent and ordinal', () => {
    expect(parentAndOrdinal('web-12')).toEqual({ parent: 'web', ordinal: 12 });
    expect(parentAndOrdinal('my-web-0')).toEqual({ parent: 'my-web', ordinal: 0 });
    expect(parentAndOrdinal('web')).toBeUndefined();
  });

  it('makes its pods one at a time, each once the one before is Running and Ready (OrderedReady)', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    expect(live(cluster)).toEqual(['web-0']);
    runKubelet(cluster, () => false);
    expect(live(cluster)).toEqual(['web-0']);
    setPodReady(cluster, NS, 'web-0', true);
    expect(live(cluster)).toEqual(['web-0', 'web-1']);
    runKubelet(cluster);
    expect(live(cluster)).toEqual(['web-0', 'web-1', 'web-2']);
    runKubelet(cluster);
    const s = status(cluster)!;
    expect(s).toEqual({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: s.updateRevision,
      updateRevision: expect.stringMatching(/^web-[a-z0-9]+$/),
      collisionCount: 0,
      availableReplicas: 3,
    });
    expect(events(cluster)).toEqual([
      'SuccessfulCreate: create Pod web-0 in StatefulSet web successful',
      'SuccessfulCreate: create Pod web-1 in StatefulSet web successful',
      'SuccessfulCreate: create Pod web-2 in StatefulSet web successful',
    ]);
  });

  it('gives each pod its identity: name, hostname, the Service as subdomain, its labels', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      statefulSet((s) => (s.spec.replicas = 1)),
    );
    const p = pod(cluster, 'web-0');
    const sts = cluster.store.get('StatefulSet', NS, 'web')!;
    expect(p.metadata.generateName).toBe('web-');
    expect(p.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'StatefulSet', name: 'web', uid: sts.metadata.uid }),
    ]);
    expect(p.metadata.labels).toEqual({
      app: 'nginx',
      [POD_REVISION_LABEL]: sts.status!.updateRevision,
      [POD_NAME_LABEL]: 'web-0',
      [POD_INDEX_LABEL]: '0',
    });
    expect(p.spec.hostname).toBe('web-0');
    expect(p.spec.subdomain).toBe('nginx');
  });

  it("puts each pod's hostname in its headless Service's endpoints (its DNS name)", () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      headless,
      statefulSet((s) => (s.spec.replicas = 2)),
    );
    settle(cluster);
    const hostnames = slicesFor(cluster, NS, 'nginx')
      .flatMap((s) => s.endpoints)
      .map((e) => e.hostname)
      .sort();
    expect(hostnames).toEqual(['web-0', 'web-1']);
  });

  it('with Parallel makes them all at once', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      statefulSet((s) => (s.spec.podManagementPolicy = 'Parallel')),
    );
    expect(live(cluster)).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('numbers its pods from ordinals.start', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      statefulSet((s) => {
        s.spec.ordinals = { start: 5 };
        s.spec.replicas = 2;
      }),
    );
    settle(cluster);
    expect(live(cluster)).toEqual(['web-5', 'web-6']);
    expect(pod(cluster, 'web-6').metadata.labels![POD_INDEX_LABEL]).toBe('6');
  });

  it('scales down from the highest ordinal, one pod at a time', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    apply(
      cluster,
      statefulSet((s) => (s.spec.replicas = 1)),
    );
    expect(terminating(cluster)).toEqual(['web-2']);
    expect(live(cluster)).toEqual(['web-0', 'web-1']);
    stopTerminating(cluster);
    expect(terminating(cluster)).toEqual(['web-1']);
    stopTerminating(cluster);
    expect(live(cluster)).toEqual(['web-0']);
    expect(status(cluster)).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it('waits for every pod to be healthy before a scale-down, but for the first unhealthy one', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    setPodReady(cluster, NS, 'web-0', false);
    apply(
      cluster,
      statefulSet((s) => (s.spec.replicas = 1)),
    );
    expect(terminating(cluster)).toEqual([]);
    setPodReady(cluster, NS, 'web-0', true);
    expect(terminating(cluster)).toEqual(['web-2']);
  });

  it('rolls a new template from the highest ordinal down, one pod at a time', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    const first = status(cluster)!.currentRevision;
    apply(
      cluster,
      statefulSet((s) => (s.spec.template.spec.containers[0]!.image = 'nginx:1.28')),
    );
    const update = status(cluster)!.updateRevision;
    expect(update).not.toBe(first);
    expect(status(cluster)!.currentRevision).toBe(first);
    const order: string[] = [];
    for (let i = 0; i < 10 && terminating(cluster).length > 0; i++) {
      expect(terminating(cluster)).toHaveLength(1);
      order.push(...terminating(cluster));
      stopTerminating(cluster);
      runKubelet(cluster);
    }
    expect(order).toEqual(['web-2', 'web-1', 'web-0']);
    for (const name of ['web-0', 'web-1', 'web-2']) {
      expect(pod(cluster, name).spec.containers[0]!.image).toBe('nginx:1.28');
      expect(pod(cluster, name).metadata.labels![POD_REVISION_LABEL]).toBe(update);
    }
    expect(status(cluster)).toMatchObject({
      currentRevision: update,
      updateRevision: update,
      currentReplicas: 3,
      updatedReplicas: 3,
    });
  });

  it('with a partition updates only the ordinals from it up, and makes a lower one from the current revision', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    const first = status(cluster)!.currentRevision;
    const next = statefulSet((s) => {
      s.spec.template.spec.containers[0]!.image = 'nginx:1.28';
      s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    });
    apply(cluster, next);
    settle(cluster);
    const image = (name: string) => pod(cluster, name).spec.containers[0]!.image;
    expect([image('web-0'), image('web-1'), image('web-2')]).toEqual([
      'nginx:1.27',
      'nginx:1.27',
      'nginx:1.28',
    ]);
    expect(status(cluster)).toMatchObject({
      currentRevision: first,
      currentReplicas: 2,
      updatedReplicas: 1,
    });
    // A pod below the partition deleted by hand comes back as it was.
    cluster.delete('Pod', NS, 'web-0');
    settle(cluster);
    expect(image('web-0')).toBe('nginx:1.27');
    expect(pod(cluster, 'web-0').metadata.labels![POD_REVISION_LABEL]).toBe(first);
  });

  it('OnDelete: a new template reaches a pod only when it is deleted', () => {
    const { cluster } = newTestCluster();
    const onDelete = (s: StatefulSet) => (s.spec.updateStrategy = { type: 'OnDelete' });
    apply(cluster, statefulSet(onDelete));
    settle(cluster);
    apply(
      cluster,
      statefulSet((s) => {
        onDelete(s);
        s.spec.template.spec.containers[0]!.image = 'nginx:1.28';
      }),
    );
    settle(cluster);
    expect(terminating(cluster)).toEqual([]);
    expect(pod(cluster, 'web-1').spec.containers[0]!.image).toBe('nginx:1.27');
    cluster.delete('Pod', NS, 'web-1');
    settle(cluster);
    expect(pod(cluster, 'web-1').spec.containers[0]!.image).toBe('nginx:1.28');
    expect(status(cluster)).toMatchObject({ currentReplicas: 2, updatedReplicas: 1 });
  });

  it('makes a failed pod again, under the same name', () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      statefulSet((s) => (s.spec.replicas = 1)),
    );
    settle(cluster);
    const before = pod(cluster, 'web-0');
    cluster.updatePodStatus(NS, 'web-0', before.metadata.uid, {
      ...before.status!,
      phase: 'Failed',
    });
    expect(terminating(cluster)).toEqual(['web-0']);
    settle(cluster);
    expect(pod(cluster, 'web-0').metadata.uid).not.toBe(before.metadata.uid);
    expect(events(cluster)).toContain(
      'RecreatingFailedPod: StatefulSet default/web is recreating failed Pod web-0',
    );
  });

  it("names its claims in each pod's volumes, and says that it makes none", () => {
    const { cluster } = newTestCluster();
    apply(
      cluster,
      statefulSet((s) => {
        s.spec.replicas = 1;
        s.spec.volumeClaimTemplates = [
          {
            metadata: { name: 'www' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ];
        Object.assign(s.spec.template.spec.containers[0]!, {
          volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
        });
      }),
    );
    expect(pod(cluster, 'web-0').spec.volumes).toEqual([
      { name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } },
    ]);
    expect(events(cluster)).toContain(
      'ClaimsNotProvisioned: l4lab provisions no PersistentVolumeClaims: each pod names its claim (www-web-N) but none is made, and nothing a pod writes outlives it',
    );
  });

  it('adopts an orphan named as its member, and leaves one that is not', () => {
    const { cluster } = newTestCluster();
    const orphan = (name: string): Pod => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, labels: { app: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
    });
    apply(cluster, orphan('web-0'), orphan('other'));
    apply(
      cluster,
      statefulSet((s) => (s.spec.replicas = 1)),
    );
    const sts = cluster.store.get('StatefulSet', NS, 'web')!;
    expect(pod(cluster, 'web-0').metadata.ownerReferences?.[0]?.uid).toBe(sts.metadata.uid);
    expect(pod(cluster, 'other').metadata.ownerReferences).toBeUndefined();
  });

  it('deleted with --cascade=orphan and applied again, adopts its pods and revision: nothing restarts', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    const uids = cluster.list('Pod', NS).map((p) => p.metadata.uid);
    const revision = status(cluster)!.updateRevision;
    cluster.delete('StatefulSet', NS, 'web', 'Orphan');
    expect(cluster.list('ControllerRevision', NS)[0]!.metadata.ownerReferences).toBeUndefined();
    apply(cluster, statefulSet());
    settle(cluster);
    expect(terminating(cluster)).toEqual([]);
    expect(cluster.list('Pod', NS).map((p) => p.metadata.uid)).toEqual(uids);
    expect(cluster.list('ControllerRevision', NS).map((r) => r.metadata.name)).toEqual([revision]);
    expect(status(cluster)).toMatchObject({ updateRevision: revision, updatedReplicas: 3 });
  });

  it('waits for a name held by a pod not its own, and makes its pod once that one goes', () => {
    const { cluster } = newTestCluster();
    const stranger: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: NS, labels: { app: 'other' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    apply(
      cluster,
      stranger,
      statefulSet((s) => {
        s.spec.replicas = 2;
        s.spec.podManagementPolicy = 'Parallel';
      }),
    );
    expect(pod(cluster, 'web-1').metadata.labels).toEqual({ app: 'other' });
    expect(events(cluster)).toContain(
      'FailedCreate: create Pod web-1 in StatefulSet web failed error: pods "web-1" already exists',
    );
    cluster.delete('Pod', NS, 'web-1');
    stopTerminating(cluster);
    expect(pod(cluster, 'web-1').metadata.labels).toMatchObject({ app: 'nginx' });
  });

  it('gives an adopted pod its identity labels', () => {
    const { cluster } = newTestCluster();
    apply(cluster, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: NS, labels: { app: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] },
    });
    apply(
      cluster,
      statefulSet((s) => (s.spec.replicas = 1)),
    );
    expect(pod(cluster, 'web-0').metadata.labels).toMatchObject({
      [POD_NAME_LABEL]: 'web-0',
      [POD_INDEX_LABEL]: '0',
    });
  });

  it('without rollingUpdate, mid-rollout, makes a lost low ordinal again from the current revision', () => {
    const { cluster } = newTestCluster();
    const parallel = (s: StatefulSet) => {
      s.spec.podManagementPolicy = 'Parallel';
      s.spec.updateStrategy = { type: 'RollingUpdate' };
    };
    apply(cluster, statefulSet(parallel));
    settle(cluster);
    apply(
      cluster,
      statefulSet((s) => {
        parallel(s);
        s.spec.template.spec.containers[0]!.image = 'nginx:1.28';
      }),
    );
    expect(terminating(cluster)).toEqual(['web-2']);
    cluster.removePod(NS, 'web-0'); // gone at once (a force delete)
    expect(pod(cluster, 'web-0').spec.containers[0]!.image).toBe('nginx:1.27');
  });

  it('its pods go with it', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    cluster.delete('StatefulSet', NS, 'web');
    stopTerminating(cluster);
    expect(live(cluster)).toEqual([]);
  });

  it('refuses a change to a field other than replicas, template, updateStrategy ...', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    const out = cluster.apply([statefulSet((s) => (s.spec.serviceName = 'other'))]);
    expect(out.ok).toBe(false);
    expect(!out.ok && out.errors.map((e) => e.message)).toEqual([
      `The StatefulSet "web" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden`,
    ]);
  });
});

describe("a StatefulSet's history (ControllerRevisions, as kubectl rollout history and undo read them)", () => {
  const revisions = (c: Cluster) =>
    c
      .list('ControllerRevision', NS)
      .sort((a, b) => a.revision - b.revision)
      .map((r) => [r.metadata.name, r.revision]);

  it('keeps a revision per template, labelled with its hash; a template of before gets its revision again', () => {
    const { cluster } = newTestCluster();
    apply(cluster, statefulSet());
    settle(cluster);
    const [r1] = cluster.list('ControllerRevision', NS);
    expect(r1!.metadata.name).toBe(status(cluster)!.updateRevision);
    expect(r1!.metadata.labels).toEqual({
      app: 'nginx',
      [REVISION_HASH_LABEL]: r1!.metadata.name.slice('web-'.length),
    });
    expect(r1!.data.spec.template.$patch).toBe('replace');
    apply(
      cluster,
      statefulSet((s) => (s.spec.template.spec.containers[0]!.image = 'nginx:1.28')),
    );
    settle(cluster);
    const r2 = status(cluster)!.updateRevision;
    expect(revisions(cluster)).toEqual([
      [r1!.metadata.name, 1],
      [r2, 2],
    ]);
    // kubectl rollout undo patches the template back to revision 1's.
    apply(cluster, statefulSet());
    settle(cluster);
    expect(revisions(cluster)).toEqual([
      [r2, 2],
      [r1!.metadata.name, 3],
    ]);
    expect(status(cluster)!.currentRevision).toBe(r1!.metadata.name);
  });

  it('keeps revisionHistoryLimit revisions besides the live ones', () => {
    const { cluster } = newTestCluster();
    const limited = (image: string) =>
      statefulSet((s) => {
        s.spec.revisionHistoryLimit = 1;
        s.spec.template.spec.containers[0]!.image = image;
      });
    for (const image of ['nginx:1', 'nginx:2', 'nginx:3', 'nginx:4']) {
      apply(cluster, limited(image));
      settle(cluster);
    }
    expect(revisions(cluster).map(([, r]) => r)).toEqual([3, 4]);
  });
});
