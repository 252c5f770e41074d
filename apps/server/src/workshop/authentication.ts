// Who a request is, for both APIs and the WebSocket. Outside workshop mode: the lab's single
// access rule (../accessToken.ts: a token beyond loopback, the Host check on loopback) and one
// user, the instructor. In workshop mode every request carries a token, even on loopback (a
// student's browser and the instructor's share one machine in tests and demos): it names the
// instructor, the projector's viewer or a student. Joining is the one call that needs none.
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { WorkshopUser } from '@l4lab/protocol';
import { TOKEN_COOKIE, type AccessToken } from '../accessToken.ts';
import { sendError } from '../httpError.ts';
import { INSTRUCTOR } from './identities.ts';
import type { Workshop } from './workshop.ts';

/** Whoever calls before joining: allowed to join, nothing else. */
const ANONYMOUS: WorkshopUser = { name: 'system:anonymous', role: 'viewer' };

export class Authentication {
  readonly #access: AccessToken;
  readonly #workshop: Workshop | undefined;

  constructor(access: AccessToken, workshop?: Workshop) {
    this.#access = access;
    this.#workshop = workshop;
  }

  /** The user a request is; undefined when it must be refused. */
  userOf(req: IncomingMessage): WorkshopUser | undefined {
    if (this.#workshop) return this.#workshop.identities.authenticate(req);
    return this.#access.allows(req) ? INSTRUCTOR : undefined;
  }

  /** Express middleware for /api: sets `res.locals.user`, or refuses. */
  readonly require = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.#workshop) {
      return this.#access.require(req, res, () => {
        res.locals.user = INSTRUCTOR;
        next();
      });
    }
    const user = this.userOf(req);
    if (user) {
      res.locals.user = user;
      return next();
    }
    if (req.method === 'POST' && req.path === '/workshop/join') {
      res.locals.user = ANONYMOUS;
      return next();
    }
    sendError(
      res,
      401,
      'L4_E_TOKEN',
      'this workshop lab needs a token: students join with the link on the projector (its QR code); the instructor opens the URL l4lab printed at start',
    );
  };

  /** The page opened with `?token=`: remember a valid token in a cookie for the dashboard's requests. */
  readonly remember = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.#workshop) return this.#access.remember(req, res, next);
    const t = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (t && this.#workshop.identities.authenticateToken(t)) {
      res.cookie(TOKEN_COOKIE, t, { httpOnly: true, sameSite: 'strict', path: '/' });
    }
    next();
  };
}
