import express, { type Router } from 'express';
import { execRequestSchema, LAB_LIMITS, podContainer } from '@l4lab/protocol';
import type { Cluster } from '@l4lab/cluster';
import { ExecError, type PodExecutor } from '@l4lab/traffic';
import { sendError } from '../httpError.ts';

/**
 * `POST /api/pods/{ns}/{name}/exec {"command"}` -> `{stdout, stderr, exitCode, trace}`: the command
 * runs as the pod (its IP, its DNS search path) in l4lab's built-in shell; never on the host.
 * A client that goes away (Ctrl+C in the terminal pane) cancels the command. At most
 * `maxSessions` commands run at once (each holds sockets and timers); past it, 429.
 */
export function execRoutes(
  cluster: Pick<Cluster, 'store'>,
  executor: PodExecutor,
  maxSessions: number = LAB_LIMITS.execSessions,
): Router {
  const r = express.Router();
  let running = 0;
  r.post(
    '/pods/:namespace/:name/exec',
    express.json({ limit: '16kb' }),
    async function execInPod(req, res) {
      const { namespace, name } = req.params;
      const parsed = execRequestSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        const msg = parsed.error.issues
          .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
          .join('; ');
        return sendError(res, 422, 'L4_E_BAD_EXEC', msg);
      }
      const pod = cluster.store.get('Pod', namespace, name);
      if (!pod) return sendError(res, 404, 'L4_E_NOT_FOUND', `pods "${name}" not found`);
      const { command, container } = parsed.data;
      if (container !== undefined && !podContainer(pod, container))
        return sendError(
          res,
          400,
          'L4_E_BAD_EXEC',
          `container ${container} is not valid for pod ${name}`,
        );
      if (running >= maxSessions) {
        return sendError(
          res,
          429,
          'L4_E_TOO_MANY_REQUESTS',
          `Too many requests: ${running} exec sessions are running, the most l4lab runs at once; wait for one to end`,
        );
      }
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      running++;
      try {
        const result = await executor.exec(pod, command, { signal: gone.signal, container });
        if (!gone.signal.aborted) res.json(result);
      } catch (err) {
        if (err instanceof ExecError) return sendError(res, err.status, err.code, err.message);
        throw err;
      } finally {
        running--;
      }
    },
  );
  return r;
}
