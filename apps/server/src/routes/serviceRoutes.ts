import express, { type Router } from 'express';
import type { ApplyResponse, Service } from '@l4lab/protocol';
import { checkManifests } from '@l4lab/manifests';
import type { Cluster } from '@l4lab/cluster';
import { PROXY_MODE_ANNOTATION, PROXY_MODES, parseProxyMode } from '@l4lab/dataplane';
import { sendError } from '../httpError.ts';

/** The Service as `kubectl apply` would send it back: its own fields, without status. */
function manifestOf(svc: Service, annotations: Record<string, string>) {
  const { name, namespace, labels } = svc.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, ...(labels ? { labels } : {}), annotations },
    spec: svc.spec,
  };
}

/**
 * POST /api/services/{ns}/{name}/proxy-mode {"mode":"ipvs:rr"}: sets (or, with "" / "default",
 * removes) the `l4lab.dev/proxy-mode` annotation by applying the Service like kubectl would.
 */
export function serviceRoutes(cluster: Cluster): Router {
  const r = express.Router();
  r.post(
    '/services/:namespace/:name/proxy-mode',
    express.json({ limit: '4kb' }),
    function setProxyMode(req, res) {
      const { namespace, name } = req.params;
      const svc = cluster.store.get('Service', namespace, name);
      if (!svc) return sendError(res, 404, 'L4_E_NOT_FOUND', `services "${name}" not found`);
      const raw: unknown = (req.body as { mode?: unknown } | undefined)?.mode;
      if (typeof raw !== 'string') {
        return sendError(
          res,
          422,
          'L4_E_BAD_PROXY_MODE',
          'mode is required, e.g. {"mode":"ipvs:rr"}',
        );
      }
      const annotations = { ...svc.metadata.annotations };
      if (raw === '' || raw === 'default') delete annotations[PROXY_MODE_ANNOTATION];
      else {
        const mode = parseProxyMode(raw);
        if (!mode) {
          return sendError(
            res,
            422,
            'L4_E_BAD_PROXY_MODE',
            `unknown proxy mode "${raw}" (known: ${PROXY_MODES.join(', ')}, or "default")`,
          );
        }
        annotations[PROXY_MODE_ANNOTATION] = mode.name;
      }
      const checked = checkManifests(JSON.stringify(manifestOf(svc, annotations)));
      if (checked.errors.length > 0 || checked.objects.length !== 1) {
        const message = checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
        return sendError(
          res,
          422,
          'L4_E_INVALID',
          message || 'the Service could not be re-applied',
        );
      }
      const outcome = cluster.apply(checked.objects.map((o) => o.object));
      if (!outcome.ok) {
        const message = outcome.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
        return sendError(res, 422, 'L4_E_INVALID', message);
      }
      const body: ApplyResponse = { results: outcome.results };
      res.json(body);
    },
  );
  return r;
}
