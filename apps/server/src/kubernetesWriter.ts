// The Kubernetes API's writes go through the lab's one admission path: the manifest checker (in
// its worker: validation, defaults, Kubernetes' messages) and the cluster's all-or-nothing apply
// (allocations, immutable fields, the lab's quota), as POST /api/apply does for one document.
import { CLUSTER_SCOPED, type ManifestError } from '@l4lab/protocol';
import type { Writer } from '@l4lab/apiserver';
import { type Cluster, isForbidden } from '@l4lab/cluster';
import { formatFieldError, validateNodeUpdate } from '@l4lab/manifests';
import { refusalStatus } from './applyYaml.ts';
import { CheckRefused, type ManifestChecker } from './manifestChecker.ts';

export function labWriter(cluster: Cluster, checker: ManifestChecker): Writer {
  return {
    editNode(name, next, { dryRun }) {
      const node = cluster.store.get('Node', undefined, name);
      if (!node) return undefined;
      const { edit, errors } = validateNodeUpdate(node, next);
      if (errors.length > 0) {
        const messages = errors.map((e) => ({
          ...apiError(`The Node "${name}" is invalid: ${formatFieldError(e)}`),
          path: e.path,
        }));
        return { ok: false, status: 422, errors: messages };
      }
      const object = dryRun ? cluster.nodeEdited(name, edit) : cluster.editNode(name, edit);
      return { ok: true, object: object!, warnings: [] };
    },
    setEphemeralContainers(namespace, name, next, { dryRun }) {
      const r = cluster.setEphemeralContainers(namespace, name, next, dryRun);
      if (!r) return undefined;
      if (!r.ok) return { ok: false, status: 422, errors: r.errors.map((m) => apiError(m)) };
      return { ok: true, object: r.pod, warnings: [] };
    },
    async apply(object, { dryRun }) {
      let checked;
      try {
        checked = await checker.check(JSON.stringify(object));
      } catch (err) {
        if (err instanceof CheckRefused)
          return { ok: false, status: err.status, errors: [err.error] };
        throw err;
      }
      if (checked.errors.length > 0) {
        return { ok: false, status: refusalStatus(checked.errors), errors: checked.errors };
      }
      const [one, ...more] = checked.objects;
      if (!one || more.length > 0) {
        return { ok: false, status: 422, errors: [apiError('exactly one object is expected')] };
      }
      const outcome = cluster.apply([one.object], { dryRun });
      if (!outcome.ok) {
        const errors = outcome.errors.map((e) => ({
          ...apiError(e.message, e.code),
          path: e.path,
        }));
        const forbidden = errors.every((e) => isForbidden(e.code));
        return { ok: false, status: forbidden ? 403 : 422, errors };
      }
      const { kind, metadata } = one.object;
      // A dry run stored nothing: its answer is the object as it would have been stored.
      const stored =
        outcome.dryRun?.[0] ??
        cluster.store.get(
          kind,
          CLUSTER_SCOPED.has(kind) ? undefined : (metadata.namespace ?? 'default'),
          metadata.name,
        );
      if (!stored)
        return { ok: false, status: 500, errors: [apiError('the object was not stored')] };
      return { ok: true, object: stored, warnings: checked.warnings.map((w) => w.message) };
    },
    evict(namespace, name, { gracePeriodSeconds, dryRun }) {
      const decision = cluster.evict(namespace, name, {
        ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}),
        dryRun,
      });
      if (!decision || decision.ok) return decision && { ok: true };
      return decision;
    },
    delete(kind, namespace, name, gracePeriodSeconds, propagation) {
      const o = cluster.store.get(kind, namespace, name);
      if (!o) return undefined;
      if (kind === 'Pod') cluster.deletePod(namespace ?? 'default', name, gracePeriodSeconds);
      else cluster.delete(kind, namespace, name, propagation);
      return o;
    },
  };
}

function apiError(message: string, code = 'L4_E_INVALID'): ManifestError {
  return { message, path: '', line: 1, column: 1, document: 0, severity: 'error', code };
}
