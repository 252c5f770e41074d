import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fetchWhoAmI,
  joinWorkshop,
  NO_WORKSHOP,
  refusalOf,
  whoAmIOf,
  workshopStatusOf,
} from './workshopApi.ts';

interface Sent {
  url: string;
  init: RequestInit | undefined;
}

/** A fake server: answers every request with `status` and `body`, and records what was sent. */
function fakeServer(status: number, body: unknown): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    sent.push({ url, init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return Promise.resolve(new Response(text, { status }));
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const QUOTA = { pods: 10, services: 5, trafficRate: 50 };

describe('who am I', () => {
  it('reads the user and the workshop flag', async () => {
    const who = { user: { name: 'alice', role: 'student', namespace: 'alice' }, workshop: true };
    fakeServer(200, who);
    expect(await fetchWhoAmI()).toEqual({ ok: true, value: who });
  });

  it('takes a server without /api/whoami (404) as the single instructor, no workshop', async () => {
    fakeServer(404, { error: { code: 'L4_E_NOT_FOUND', message: 'not found' } });
    expect(await fetchWhoAmI()).toEqual({ ok: true, value: NO_WORKSHOP });
    expect(NO_WORKSHOP.user.role).toBe('instructor');
  });

  it('refuses an answer of another shape instead of guessing a role', () => {
    expect(whoAmIOf({ user: { name: 'x', role: 'admin' }, workshop: true })).toBeUndefined();
    expect(whoAmIOf({ user: { role: 'viewer' } })).toBeUndefined();
    expect(whoAmIOf({ user: { name: 'v', role: 'viewer' } })).toEqual({
      user: { name: 'v', role: 'viewer' },
      workshop: false,
    });
  });
});

describe('joining', () => {
  it('sends the code, and the name only when one was typed', async () => {
    const answer = {
      name: 'alice',
      namespace: 'alice',
      token: 't',
      kubeconfigUrl: '/api/workshop/kubeconfig',
      server: 'http://10.0.0.5:7070',
      quota: QUOTA,
    };
    const sent = fakeServer(200, { ...answer, rejoinCode: 'K7P2-QX9M' });
    expect(await joinWorkshop('c0de', 'alice')).toEqual({
      ok: true,
      value: { ...answer, rejoinCode: 'K7P2-QX9M' },
    });
    await joinWorkshop('c0de', '');
    await joinWorkshop('c0de', 'alice', 'k7p2 qx9m'); // another device, with her rejoin code
    expect(sent.map((s) => [s.url, s.init?.method, JSON.parse(String(s.init?.body))])).toEqual([
      ['/api/workshop/join', 'POST', { code: 'c0de', name: 'alice' }],
      ['/api/workshop/join', 'POST', { code: 'c0de' }],
      ['/api/workshop/join', 'POST', { code: 'c0de', name: 'alice', rejoin: 'k7p2 qx9m' }],
    ]);
  });

  it("shows a refusal in the server's own words", async () => {
    fakeServer(409, {
      errors: [{ message: 'the name "alice" is taken', code: 'L4_E_NAME_TAKEN' }],
    });
    expect(await joinWorkshop('c0de', 'alice')).toEqual({
      ok: false,
      message: 'the name "alice" is taken',
      status: 409,
    });
    expect(refusalOf(403, { error: { code: 'L4_E_JOIN_CODE', message: 'wrong code' } })).toBe(
      'wrong code',
    );
    expect(refusalOf(502, '<html>bad gateway</html>')).toBe('<html>bad gateway</html>');
    expect(refusalOf(500, undefined)).toBe('HTTP 500');
  });
});

describe('the workshop status', () => {
  it('keeps well-formed students and defaults missing counters to 0', () => {
    const status = workshopStatusOf({
      joinUrl: 'http://10.0.0.5:7070/join?code=c0de',
      joinUrls: ['http://10.0.0.5:7070/join?code=c0de', 7],
      students: [
        { name: 'alice', namespace: 'alice', joinedAt: 't', viewers: 1, pods: 2, services: 1 },
        { name: 3 },
      ],
      connected: { instructor: 1, student: 1 },
      quota: QUOTA,
    });
    expect(status).toEqual({
      joinUrl: 'http://10.0.0.5:7070/join?code=c0de',
      joinUrls: ['http://10.0.0.5:7070/join?code=c0de'],
      students: [
        {
          name: 'alice',
          namespace: 'alice',
          joinedAt: 't',
          viewers: 1,
          pods: 2,
          services: 1,
          connections: 0,
        },
      ],
      connected: { instructor: 1, student: 1, viewer: 0 },
      quota: QUOTA,
    });
    expect(workshopStatusOf({ students: [], connected: {} })).toBeUndefined();
  });
});
