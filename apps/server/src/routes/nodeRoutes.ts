import express, { type Router } from 'express';
import { type Cluster, isNodeReady } from '@l4lab/cluster';
import type { Kubelet } from '@l4lab/runtime';
import { sendError } from '../httpError.ts';

/**
 * Node faults: POST /api/nodes/{name}/stop (its containers die, the node goes NotReady and is
 * tainted unreachable, its pods NotReady at once and evicted after the pod eviction timeout,
 * Terminating until it is back) and /start (Ready again; its evicted pods go).
 */
export function nodeRoutes(cluster: Cluster, kubelet: Kubelet, evictionTimeoutMs: number): Router {
  const r = express.Router();

  r.post('/nodes/:name/stop', async function stopNode(req, res) {
    const { name } = req.params;
    const node = cluster.store.get('Node', undefined, name);
    if (!node) return sendError(res, 404, 'L4_E_NOT_FOUND', `nodes "${name}" not found`);
    if (!isNodeReady(node)) {
      return sendError(res, 409, 'L4_E_NODE_STOPPED', `node ${name} is already stopped`);
    }
    const pods = await kubelet.stopNode(name);
    res.json({
      node: name,
      ready: 'Unknown',
      podsStopped: pods,
      evictionAfterSeconds: evictionTimeoutMs / 1000,
      message: `node ${name} stopped: its pods are NotReady now and will be evicted in ${evictionTimeoutMs / 1000} s unless it starts again (Terminating until it does, or kubectl delete pod --force --grace-period=0)`,
    });
  });

  r.post('/nodes/:name/start', function startNode(req, res) {
    const { name } = req.params;
    const node = cluster.store.get('Node', undefined, name);
    if (!node) return sendError(res, 404, 'L4_E_NOT_FOUND', `nodes "${name}" not found`);
    if (isNodeReady(node)) {
      return sendError(res, 409, 'L4_E_NODE_RUNNING', `node ${name} is already running`);
    }
    const pods = kubelet.startNode(name);
    res.json({ node: name, ready: 'True', podsRestarted: pods });
  });
  return r;
}
