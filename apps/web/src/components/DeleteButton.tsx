import { useEffect, useState } from 'react';
import { checkManifests } from '@l4lab/manifests';
import { deleteAny } from '../api/actions.ts';
import { resourceName } from '../format/kube.ts';
import { appStore } from '../store/appStore.ts';
import { applyNamespace } from '../store/workshopSlice.ts';

const PLURAL: Record<string, string> = {
  Pod: 'pods',
  Service: 'services',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  Namespace: 'namespaces',
  EndpointSlice: 'endpointslices',
};

/** `kubectl delete -f <this tab>`: asks once, then deletes the tab's objects (last first). */
export function DeleteButton() {
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (!confirming) return;
    const t = setTimeout(() => setConfirming(false), 5000);
    return () => clearTimeout(t);
  }, [confirming]);
  async function remove() {
    setConfirming(false);
    const { buffer, setApply } = appStore.getState();
    // As Apply: a student's objects without a namespace are in the student's own.
    const namespace = applyNamespace(appStore.getState()) ?? 'default';
    const checked = checkManifests(buffer);
    if (checked.errors.length > 0) {
      return setApply({
        state: 'failed',
        message: 'Fix the errors first: delete reads the objects from the text.',
        at: Date.now(),
      });
    }
    const lines: string[] = [];
    for (const { object: o } of [...checked.objects].reverse()) {
      const resource = PLURAL[o.kind];
      const name = `${resourceName(o.kind)}/${o.metadata.name}`;
      if (!resource) {
        lines.push(`error: the server doesn't have a resource type "${o.kind}"`);
        continue;
      }
      const r = await deleteAny(
        resource,
        o.kind === 'Namespace' ? undefined : (o.metadata.namespace ?? namespace),
        o.metadata.name,
      );
      lines.push(r.ok ? `${name} deleted` : `Error from server (NotFound): ${r.message}`);
    }
    setApply({ state: 'applied', lines, at: Date.now() });
  }
  return confirming ? (
    <button type="button" className="danger" onClick={() => void remove()}>
      Confirm delete
    </button>
  ) : (
    <button
      type="button"
      onClick={() => setConfirming(true)}
      title="kubectl delete -f (this tab's objects)"
    >
      Delete
    </button>
  );
}
