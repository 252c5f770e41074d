import express, { type Response, type Router } from 'express';
import { trafficRequestSchema, type TrafficRequest } from '@l4lab/protocol';
import { TargetError, type TrafficManager } from '@l4lab/traffic';
import type { ConnectionStats } from '@l4lab/dataplane';
import type { EventHub } from '../eventHub.ts';
import { sendError } from '../httpError.ts';

/** What the routes ask of the generators: the embedded lab's, or remote mode's (from this machine). */
export type Generators = Pick<TrafficManager, 'start' | 'stop' | 'forget' | 'list'>;

/** Traffic generators, recent connections and per-endpoint counters. */
export function trafficRoutes(
  traffic: Generators,
  hub: EventHub,
  stats: ConnectionStats,
  /** Workshop mode: who may send what (a student's refusal), and who started a generator. */
  admission?: {
    admit: (
      res: Response,
      request: TrafficRequest,
    ) => { status: number; code: string; message: string } | undefined;
    started: (res: Response, id: string) => void;
  },
): Router {
  const r = express.Router();
  r.post('/traffic', express.json({ limit: '64kb' }), async function startTraffic(req, res) {
    const parsed = trafficRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const msg = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      return sendError(res, 422, 'L4_E_BAD_TRAFFIC', msg);
    }
    const refused = admission?.admit(res, parsed.data);
    if (refused) return sendError(res, refused.status, refused.code, refused.message);
    try {
      const status = await traffic.start(parsed.data);
      admission?.started(res, status.id);
      res.status(201).json({ id: status.id, status });
    } catch (err) {
      if (err instanceof TargetError) return sendError(res, err.status, err.code, err.message);
      throw err;
    }
  });
  r.get('/traffic', (_req, res) => void res.json({ items: traffic.list() }));
  // DELETE stops a running generator (its results stay listed); a stopped or finished one is
  // forgotten (left out of GET /api/traffic, traffic_status and the next snapshot).
  r.delete('/traffic/:id', function deleteTraffic(req, res) {
    const removed = traffic.forget(req.params.id);
    if (removed) return res.json({ removed });
    const s = traffic.stop(req.params.id);
    if (!s)
      return sendError(
        res,
        404,
        'L4_E_NOT_FOUND',
        `traffic generator "${req.params.id}" not found`,
      );
    res.json({ stopped: s });
  });
  r.get('/connections', function connections(req, res) {
    const limit = Number(req.query.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 0)
      return sendError(res, 400, 'L4_E_BAD_LIMIT', 'limit must be a whole number');
    res.json({ items: hub.recent(limit) });
  });
  r.get('/stats', (_req, res) => void res.json({ items: stats.snapshot() }));
  return r;
}
