import type { NextFunction, Request, Response } from 'express';
import { sendError } from './httpError.ts';

/** A request without Origin (curl, scripts) is fine; a browser's must be this server's own. */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Mutating calls refuse cross-origin browsers (a page elsewhere must not drive the lab). */
export function requireSameOrigin(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  if (isSameOrigin(req.headers.origin, req.headers.host)) return next();
  sendError(
    res,
    403,
    'L4_E_CROSS_ORIGIN',
    `requests from ${req.headers.origin} are not allowed: open the dashboard at this server's own address`,
  );
}
