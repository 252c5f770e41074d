import express, { type Router } from 'express';
import type { Cluster } from '@l4lab/cluster';
import type { Kubelet } from '@l4lab/runtime';
import { sendError } from '../httpError.ts';

/** Pod faults and logs: POST /api/pods/{ns}/{name}/kill and /unready, GET .../logs. */
export function podRoutes(cluster: Cluster, kubelet: Kubelet): Router {
  const r = express.Router();
  const notFound = (res: express.Response, name: string) =>
    sendError(res, 404, 'L4_E_NOT_FOUND', `pods "${name}" not found`);

  r.post('/pods/:namespace/:name/kill', function killPod(req, res) {
    const { namespace, name } = req.params;
    if (!cluster.store.get('Pod', namespace, name)) return notFound(res, name);
    if (!kubelet.killPod(namespace, name)) {
      return sendError(
        res,
        409,
        'L4_E_NOT_RUNNING',
        `pod ${namespace}/${name} has no running container to kill`,
      );
    }
    res.json({ killed: { namespace, name } });
  });

  r.post('/pods/:namespace/:name/unready', function toggleUnready(req, res) {
    const { namespace, name } = req.params;
    if (!cluster.store.get('Pod', namespace, name)) return notFound(res, name);
    const unready = kubelet.toggleUnready(namespace, name);
    if (unready === undefined) {
      return sendError(
        res,
        409,
        'L4_E_NOT_RUNNING',
        `pod ${namespace}/${name} is not on a running node yet`,
      );
    }
    res.json({
      pod: { namespace, name },
      unready,
      message: unready
        ? "the readiness probe now fails: the pod leaves its Services' endpoints"
        : 'the readiness probe runs for real again',
    });
  });

  r.get('/pods/:namespace/:name/logs', async function podLogs(req, res) {
    const { namespace, name } = req.params;
    const h = kubelet.handleOf(namespace, name);
    if (!h)
      return sendError(res, 404, 'L4_E_NOT_RUNNING', `pod ${namespace}/${name} is not running`);
    res.json({ lines: await h.logs() });
  });
  return r;
}
