import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './httpError.ts';

export const TOKEN_COOKIE = 'l4lab_token';

/** Loopback hosts need no token: only this machine can reach them. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/**
 * With `--host` other than loopback, the lab is reachable from the network: every API call and
 * the WebSocket then need the token printed at start. Opening the printed URL (`/?token=...`)
 * stores it in an HttpOnly cookie, so the dashboard's own requests carry it; scripts send
 * `Authorization: Bearer <token>`.
 */
export class AccessToken {
  readonly token: string | undefined;

  constructor(host: string, token = randomBytes(18).toString('base64url')) {
    this.token = isLoopbackHost(host) ? undefined : token;
  }

  /**
   * Whether a request may use the API: with a token, it must carry it; without one (loopback), its
   * Host must be a loopback name, so a web page on a domain re-pointed at 127.0.0.1 (DNS
   * rebinding) cannot drive the lab.
   */
  allows(req: IncomingMessage): boolean {
    if (!this.token) return isLoopbackHostHeader(req.headers.host);
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const cookie = (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === TOKEN_COOKIE)?.[1];
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? undefined;
    return [bearer, cookie, query].some((t) => t !== undefined && same(t, this.token!));
  }

  /** Express middleware for /api. */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    if (this.allows(req)) return next();
    if (!this.token) {
      // A loopback lab has no token: what it refused is the Host (DNS rebinding), so say that.
      return sendError(
        res,
        403,
        'L4_E_HOST',
        `this lab answers requests addressed to this machine only (Host 127.0.0.1 or localhost), not to ${JSON.stringify(req.headers.host ?? '')}`,
      );
    }
    sendError(
      res,
      401,
      'L4_E_TOKEN',
      'this lab needs its access token: open the URL l4lab printed at start, or send "Authorization: Bearer <token>"',
    );
  };

  /** The page opened with `?token=`: remember it in a cookie for the dashboard's requests. */
  readonly remember = (req: Request, res: Response, next: NextFunction): void => {
    const t = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (this.token && t && same(t, this.token)) {
      res.cookie(TOKEN_COOKIE, t, { httpOnly: true, sameSite: 'strict', path: '/' });
    }
    next();
  };
}

/** `localhost`, `127.x.y.z` or `[::1]`, with or without a port. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return true; // HTTP/1.0 clients without Host
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
