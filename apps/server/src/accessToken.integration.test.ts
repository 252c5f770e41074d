// A lab listening beyond loopback (`--host 0.0.0.0`) needs its token. Reached here through
// 127.0.0.1 only; random test ranges (testRanges.ts).
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestLab, type TestLab } from './testLab.ts';
import { runKubectl } from './testKubectl.ts';

let t: TestLab;
let base: string;
beforeAll(async () => {
  t = await startTestLab({ host: '0.0.0.0' });
  base = t.lab.url.replace('0.0.0.0', '127.0.0.1');
});
afterAll(async () => {
  await t?.stop();
});

describe('access token beyond loopback', () => {
  it('refuses the API without the token, accepts a bearer token and the cookie set by ?token=', async () => {
    expect(t.lab.token).toMatch(/^[\w-]{20,}$/);
    const anonymous = await fetch(`${base}/api/healthz`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('L4_E_TOKEN');
    const bearer = await fetch(`${base}/api/healthz`, {
      headers: { Authorization: `Bearer ${t.lab.token}` },
    });
    expect(bearer.status).toBe(200);
    const page = await fetch(`${base}/?token=${t.lab.token}`);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^l4lab_token=[\w-]+; Path=\/; HttpOnly; SameSite=Strict/);
    const withCookie = await fetch(`${base}/api/healthz`, {
      headers: { Cookie: cookie.split(';')[0]! },
    });
    expect(withCookie.status).toBe(200);
    expect(
      (await fetch(`${base}/api/healthz`, { headers: { Authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
  });

  it('guards the Kubernetes API the same way, answering a Status, and writes the token in the kubeconfig', async () => {
    const anonymous = await fetch(`${base}/api/v1/pods`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized' });
    const bearer = await fetch(`${base}/api/v1/pods`, {
      headers: { Authorization: `Bearer ${t.lab.token}` },
    });
    expect(bearer.status).toBe(200);
    const kubeconfig = await readFile(t.lab.kubeconfig, 'utf8');
    // kubectl sends a bearer token only over TLS: the token rides in the server URL's path.
    expect(kubeconfig).toMatch(/server: "http:\/\/127\.0\.0\.1:\d+\/k8s\/[\w-]{20,}"/);
    expect(kubeconfig).toContain(`/k8s/${t.lab.token}"`);
    expect((await stat(t.lab.kubeconfig)).mode & 0o777).toBe(0o600);
    const viaPath = await fetch(`${base}/k8s/${t.lab.token}/api/v1/namespaces/default/pods`);
    expect(viaPath.status).toBe(200);
    expect((await fetch(`${base}/k8s/not-the-token/api/v1/pods`)).status).toBe(401);
  });

  it("lets the real kubectl in with the lab's kubeconfig", async (ctx) => {
    const home = await mkdtemp(join(tmpdir(), 'l4lab-token-home-'));
    try {
      const r = await runKubectl(ctx, { kubeconfig: t.lab.kubeconfig, home }, undefined, [
        'get',
        'namespaces',
        '-o',
        'name',
      ]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('namespace/default');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('refuses the WebSocket without the token', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
    const ok = new WebSocket(`${base.replace('http', 'ws')}/ws`, {
      headers: { Authorization: `Bearer ${t.lab.token}` },
    });
    await new Promise<void>((resolve, reject) => {
      ok.on('open', () => resolve());
      ok.on('error', reject);
    });
    ok.close();
  });
});
