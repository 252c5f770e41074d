import express, { type Response, type Router } from 'express';
import type { KubeObject } from '@l4lab/protocol';
import { runKubectl, type Cluster } from '@l4lab/cluster';
import { sendError } from '../httpError.ts';

/**
 * GET /api/kubectl?args=get+pods+-o+wide: kubectl's text view of the cluster (get, describe), as
 * `{"stdout","stderr","exitCode"}` like an exec. A failing command is still a 200: its exit code and
 * stderr say what kubectl would.
 */
export function kubectlRoutes(
  cluster: Cluster,
  /** A workshop student's namespaces: what they may see. */
  scopeOf?: (res: Response) => readonly string[] | undefined,
): Router {
  const r = express.Router();
  r.get('/kubectl', function kubectl(req, res) {
    const raw = req.query.args;
    if (typeof raw !== 'string' || raw.trim() === '') {
      return sendError(
        res,
        400,
        'L4_E_BAD_REQUEST',
        'args is required, e.g. ?args=get+pods+-o+wide',
      );
    }
    const args = raw.trim().split(/\s+/);
    if (args[0] === 'kubectl') args.shift();
    const own = scopeOf?.(res);
    const list: typeof cluster.store.list = own
      ? (((kind, namespace) =>
          cluster.store
            .list(kind, namespace)
            .filter((o) =>
              o.kind === 'Node'
                ? true
                : o.kind === 'Namespace'
                  ? own.includes(o.metadata.name)
                  : own.includes(o.metadata.namespace ?? ''),
            )) as typeof cluster.store.list)
      : cluster.store.list.bind(cluster.store);
    const source = {
      list,
      events: (o: KubeObject) => cluster.events.about(o),
      allPods: !own,
    };
    res.json(runKubectl(source, args, cluster.clock.now()));
  });
  return r;
}
