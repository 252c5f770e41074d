import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { AccessToken, isLoopbackHost, isLoopbackHostHeader } from './accessToken.ts';

function req(headers: Record<string, string>, url = '/api/healthz'): IncomingMessage {
  return { headers, url } as unknown as IncomingMessage;
}

describe('AccessToken', () => {
  it('needs no token on loopback, but refuses a Host that is not this machine (DNS rebinding)', () => {
    const a = new AccessToken('127.0.0.1');
    expect(a.token).toBeUndefined();
    expect(a.allows(req({ host: '127.0.0.1:7070' }))).toBe(true);
    expect(a.allows(req({ host: 'localhost:7070' }))).toBe(true);
    expect(a.allows(req({ host: '[::1]:7070' }))).toBe(true);
    expect(a.allows(req({ host: 'rebind.example:7070' }))).toBe(false);
  });

  it('says a refused Host is the problem on a loopback lab (no token to talk about)', () => {
    const a = new AccessToken('127.0.0.1');
    const sent: { status?: number; body?: { error: { code: string; message: string } } } = {};
    const res = {
      status(n: number) {
        sent.status = n;
        return this;
      },
      json(b: { error: { code: string; message: string } }) {
        sent.body = b;
        return this;
      },
    };
    let passed = false;
    a.require(req({ host: 'rebind.example:7070' }) as never, res as never, () => (passed = true));
    expect(passed).toBe(false);
    expect(sent.status).toBe(403);
    expect(sent.body?.error.code).toBe('L4_E_HOST');
    expect(sent.body?.error.message).toContain('"rebind.example:7070"');
    expect(sent.body?.error.message).not.toContain('token');
  });

  it('beyond loopback, accepts only the token (bearer, cookie or query)', () => {
    const a = new AccessToken('0.0.0.0', 'secret-token');
    expect(a.allows(req({ host: '192.0.2.1:7070' }))).toBe(false);
    expect(a.allows(req({ authorization: 'Bearer secret-token' }))).toBe(true);
    expect(a.allows(req({ cookie: 'x=1; l4lab_token=secret-token' }))).toBe(true);
    expect(a.allows(req({}, '/ws?token=secret-token'))).toBe(true);
    expect(a.allows(req({ authorization: 'Bearer secret-tokem' }))).toBe(false);
  });

  it('knows loopback names', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHostHeader('127.96.3.4')).toBe(true);
    expect(isLoopbackHostHeader('127.evil.example')).toBe(false);
  });
});
