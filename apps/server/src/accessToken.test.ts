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
