import type { Response } from 'express';
import type { ErrorResponse } from '@l4lab/protocol';

/** Sends `{"error":{"code","message"}}` with a stable code. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  const body: ErrorResponse = { error: { code, message } };
  res.status(status).json(body);
}
