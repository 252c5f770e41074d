// The whole lab against real nginx (or the built-in servers when nginx is absent), over real
// loopback sockets. Addresses: random test ranges (testRanges.ts: pods 127.150-199.0.0/16,
// services 127.100-149.0.0/16), clients 127.30.0.1-4 (native mode, Linux as root); 127.0.0.1
// with mapped ports elsewhere.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyErrorResponse, ApplyResponse, Service } from '@l4lab/protocol';
import type { Lab } from './lab.ts';
import { getPod, startTestLab, waitFor, type TestLab } from './testLab.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
let t: TestLab;
let lab: Lab;
const api = <T>(method: string, path: string, body?: string) => t.api<T>(method, path, body);
const readyPods = (prefix: string) => () => t.readyPods(prefix);

beforeAll(async () => {
  t = await startTestLab();
  lab = t.lab;
});

afterAll(async () => {
  await t?.stop();
});

describe('seed 01 (ClusterIP) through the HTTP API', () => {
  const seed = () => readFile(join(ROOT, 'scenarios/01-clusterip.yaml'), 'utf8');

  it('applies, then reports unchanged on a second apply', async () => {
    const first = await api<ApplyResponse>('POST', '/api/apply', await seed());
    expect(first.status).toBe(200);
    expect(first.body.results.map((r) => `${r.kind}/${r.name} ${r.action}`)).toEqual([
      'Deployment/my-nginx created',
      'Service/my-nginx created',
    ]);
    const again = await api<ApplyResponse>('POST', '/api/apply', await seed());
    expect(again.body.results.map((r) => r.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('runs two ready pods with their own IPs and a ClusterIP in the service range', async () => {
    const pods = await waitFor('2 ready pods', async () => {
      const p = await readyPods('my-nginx-')();
      return p.length === 2 ? p : undefined;
    });
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^my-nginx-[a-z0-9]{6,10}-[a-z0-9]{5}$/);
      expect(
        p.status?.podIP?.startsWith(t.config.podCIDR.split('.').slice(0, 2).join('.') + '.'),
      ).toBe(true);
      expect(
        p.status?.hostIP?.startsWith(t.config.nodeIP.split('.').slice(0, 3).join('.') + '.'),
      ).toBe(true);
    }
    expect(new Set(pods.map((p) => p.status?.podIP)).size).toBe(2);
    const { body } = await api<Service>('GET', '/api/objects/services/default/my-nginx');
    const svcPrefix = t.config.serviceCIDR.split('.').slice(0, 2).join('.') + '.';
    expect(body.spec.clusterIP?.startsWith(svcPrefix)).toBe(true);
  });

  it('spreads 300 new connections uniformly over the 2 pods', async () => {
    const { body } = await api<Service>('GET', '/api/objects/services/default/my-nginx');
    const ip = body.spec.clusterIP!;
    const info = lab.info;
    const target = info.addressMode === 'native' ? { host: ip, port: 80 } : lab.resolveHost(ip, 80);
    await waitFor(
      'endpoints programmed',
      async () => (await getPod(target.host, target.port).catch(() => '')) || undefined,
    );
    const counts = new Map<string, number>();
    for (let batch = 0; batch < 30; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          getPod(
            target.host,
            target.port,
            info.addressMode === 'native' ? `127.30.0.${(i % 4) + 1}` : undefined,
          ),
        ),
      );
      for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    expect(counts.size).toBe(2);
    // Binomial(300, 1/2): mean 150, sd 8.66. A correct uniform choice lands in 150 +/- 44 (5.08 sd)
    // with probability > 1 - 4e-7: this fails less than once in a million runs.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(106);
      expect(n).toBeLessThanOrEqual(194);
    }
    const conns = await api<{
      items: { outcome: string; reason: string; endpoint?: { pod: string } }[];
    }>('GET', '/api/connections?limit=50');
    const closed = conns.body.items.filter((e) => e.outcome === 'ok');
    expect(closed.length).toBeGreaterThan(0);
    expect(closed[0]!.reason).toMatch(/^random [12] of 2$/);
  });

  it('rejects a syntax error with its line, and an invalid object with 422, applying nothing', async () => {
    const before = (await readyPods('my-nginx-')()).map((p) => p.metadata.name).sort();
    const bad = (await seed()).replace('replicas: 2', 'replicas: -1');
    const invalid = await api<ApplyErrorResponse>('POST', '/api/apply', bad);
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0]).toMatchObject({
      path: 'spec.replicas',
      line: 10,
      message:
        'The Deployment "my-nginx" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    });
    const syntax = await api<ApplyErrorResponse>(
      'POST',
      '/api/apply',
      'apiVersion: v1\nkind: Service\nfoo: bar: baz\n',
    );
    expect(syntax.status).toBe(400);
    expect(syntax.body.errors[0]).toMatchObject({ line: 3, code: 'L4_E_YAML_SYNTAX' });
    const after = (await readyPods('my-nginx-')()).map((p) => p.metadata.name).sort();
    expect(after).toEqual(before);
  });

  it('replaces a deleted pod with a new name and a new IP', async () => {
    const [victim] = await readyPods('my-nginx-')();
    const del = await api('DELETE', `/api/objects/pods/default/${victim!.metadata.name}`);
    expect(del.status).toBe(200);
    const pods = await waitFor('a replacement', async () => {
      const p = await readyPods('my-nginx-')();
      return p.length === 2 && !p.some((x) => x.metadata.name === victim!.metadata.name)
        ? p
        : undefined;
    });
    const fresh = pods.find(
      (p) => p.metadata.creationTimestamp! > victim!.metadata.creationTimestamp!,
    )!;
    expect(fresh.status?.podIP).not.toBe(victim!.status?.podIP);
    // Gone for good: its directory in the workspace goes too (nothing piles up).
    await waitFor("the deleted pod's directory removed", async () => {
      const dirs = await readdir(join(t.config.workspace, 'pods')).catch(() => []);
      return dirs.some((d) => d.includes(`_${victim!.metadata.name}_`)) ? undefined : true;
    });
  });

  it('refuses to delete the default namespace, keeping what is in it', async () => {
    const del = await api<{ error: { code: string; message: string } }>(
      'DELETE',
      '/api/objects/namespaces/default',
    );
    expect(del.status).toBe(403);
    expect(del.body.error).toEqual({
      code: 'L4_E_FORBIDDEN',
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
    expect((await readyPods('my-nginx-')()).length).toBe(2);
  });

  it('refuses connections to a Service without endpoints and says why', async () => {
    const yaml =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: empty\nspec:\n  selector:\n    app: none\n  ports:\n  - port: 8080\n';
    expect((await api('POST', '/api/apply', yaml)).status).toBe(200);
    const { body } = await api<Service>('GET', '/api/objects/services/default/empty');
    const ip = body.spec.clusterIP!;
    const target =
      lab.info.addressMode === 'native' ? { host: ip, port: 8080 } : lab.resolveHost(ip, 8080);
    // ECONNREFUSED until the frontend listens; then every connection is reset at once (REJECT).
    const err = await waitFor('a rejected connection', () =>
      getPod(target.host, target.port).then(
        () => 'answered',
        (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' ? undefined : e.code),
      ),
    );
    expect(err).toBe('ECONNRESET');
    const conns = await api<{ items: { outcome: string; reason: string }[] }>(
      'GET',
      '/api/connections?limit=5',
    );
    // (other connections may close after it: look for this one among the last few)
    expect(conns.body.items).toContainEqual(
      expect.objectContaining({
        outcome: 'refused',
        reason: 'default/empty:8080 has no endpoints',
      }),
    );
  });
});
