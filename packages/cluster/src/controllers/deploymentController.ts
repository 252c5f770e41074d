import type { Deployment, ReplicaSet, WatchEvent } from '@l4lab/protocol';
import type { Controller, ControllerContext } from './types.ts';
import { controllerRef, ownedBy, splitKey } from './types.ts';
import { podTemplateHash } from '../names.ts';
import { isPodActive, isPodReady } from '../podStatus.ts';

/**
 * The Deployment controller: one ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`),
 * the current one scaled to `replicas`, older ones scaled to zero.
 */
export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly #ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  keysFor(event: WatchEvent): string[] {
    const o = event.object;
    if (o.kind === 'Deployment') return [`${o.metadata.namespace}/${o.metadata.name}`];
    if (o.kind === 'ReplicaSet' || o.kind === 'Pod') {
      return this.#ownerDeployments(
        o.metadata.namespace ?? 'default',
        o.metadata.ownerReferences ?? [],
      );
    }
    return [];
  }

  #ownerDeployments(ns: string, refs: { kind: string; name: string }[]): string[] {
    const out: string[] = [];
    for (const r of refs) {
      if (r.kind === 'Deployment') out.push(`${ns}/${r.name}`);
      if (r.kind === 'ReplicaSet') {
        const rs = this.#ctx.store.get('ReplicaSet', ns, r.name);
        for (const rr of rs?.metadata.ownerReferences ?? []) {
          if (rr.kind === 'Deployment') out.push(`${ns}/${rr.name}`);
        }
      }
    }
    return out;
  }

  reconcile(key: string): void {
    const { store } = this.#ctx;
    const [ns, name] = splitKey(key);
    const d = store.get('Deployment', ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const hash = podTemplateHash(d.spec.template);
    const owned = store.list('ReplicaSet', ns).filter((rs) => ownedBy(rs, d));
    const desired = d.spec.replicas ?? 1;
    let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    if (!current) current = this.#createReplicaSet(d, hash, desired);
    else if (current.spec.replicas !== desired) {
      current = store.put({ ...current, spec: { ...current.spec, replicas: desired } });
    }
    for (const rs of owned) {
      if (rs !== current && rs.metadata.name !== current.metadata.name && rs.spec.replicas !== 0) {
        store.put({ ...rs, spec: { ...rs.spec, replicas: 0 } });
      }
    }
    this.#updateStatus(d, hash);
  }

  #createReplicaSet(d: Deployment, hash: string, replicas: number): ReplicaSet {
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), 'pod-template-hash': hash };
    return this.#ctx.store.put<ReplicaSet>({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        uid: this.#ctx.newUid(),
        generation: 1,
        creationTimestamp: this.#ctx.nowIso(),
        labels,
        annotations: { 'deployment.kubernetes.io/revision': String(this.#revision(d) + 1) },
        ownerReferences: [controllerRef(d)],
      },
      spec: {
        replicas,
        selector: {
          ...d.spec.selector,
          matchLabels: { ...(d.spec.selector.matchLabels ?? {}), 'pod-template-hash': hash },
        },
        template: { ...d.spec.template, metadata: { ...d.spec.template.metadata, labels } },
      },
      status: { replicas: 0 },
    });
  }

  #revision(d: Deployment): number {
    let max = 0;
    for (const rs of this.#ctx.store.list('ReplicaSet', d.metadata.namespace)) {
      if (ownedBy(rs, d)) {
        max = Math.max(
          max,
          Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
        );
      }
    }
    return max;
  }

  #updateStatus(d: Deployment, hash: string): void {
    const { store } = this.#ctx;
    const rsUids = new Set(
      store
        .list('ReplicaSet', d.metadata.namespace)
        .filter((rs) => ownedBy(rs, d))
        .map((rs) => rs.metadata.uid),
    );
    const pods = store
      .list('Pod', d.metadata.namespace)
      .filter(
        (p) => isPodActive(p) && (p.metadata.ownerReferences ?? []).some((r) => rsUids.has(r.uid)),
      );
    const status = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: pods.length,
      updatedReplicas: pods.filter((p) => p.metadata.labels?.['pod-template-hash'] === hash).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter(isPodReady).length,
    };
    if (JSON.stringify(status) !== JSON.stringify(d.status)) store.put({ ...d, status });
  }
}
