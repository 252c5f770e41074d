// POST /api/apply refusals in the answer shape of any refused apply. Addresses: testRanges.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import type { ApplyErrorResponse, ApplyResponse } from '@l4lab/protocol';
import { startTestLab, type TestLab } from '../testLab.ts';

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
});
afterAll(async () => {
  await t?.stop();
});

describe('POST /api/apply', () => {
  it('answers a body over the limit with 413 and errors[] naming the limit', async () => {
    const big = `# ${'x'.repeat(1_100_000)}\n`;
    const r = await t.api<ApplyErrorResponse>('POST', '/api/apply', big, 'application/yaml');
    expect(r.status).toBe(413);
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0]).toMatchObject({ code: 'L4_E_TOO_LARGE', line: 1, document: 0 });
    expect(r.body.errors[0]!.message).toMatch(/at most 1mb/);
  });

  it('keeps answering the API while a costly manifest is checked (off the event loop)', async () => {
    // ~900 KB of maps at the keys-per-map limit: over a second to parse here. Parsed on the event
    // loop, it held every request behind it; in the checker's worker it holds none.
    const docs = Array.from({ length: 45 }, (_, d) => {
      const keys = Array.from({ length: 1900 }, (_, k) => `  k${k}: v\n`).join('');
      return `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c${d}\ndata:\n${keys}`;
    });
    let costlyAnswered = false;
    const costly = t.api<ApplyErrorResponse>('POST', '/api/apply', docs.join('---\n')).then((r) => {
      costlyAnswered = true;
      return r;
    });
    const answeredMeanwhile: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await t.api<unknown>('GET', '/api/objects/namespaces');
      expect(r.status).toBe(200);
      answeredMeanwhile.push(!costlyAnswered);
    }
    const r = await costly;
    expect(answeredMeanwhile.filter((before) => !before)).toEqual([]);
    expect(r.status).toBe(422);
    expect(r.body.errors[0]!.line).toBeGreaterThanOrEqual(1);
  });

  it('warns in its answer when a Service port is held by a process of this host, and serves it anyway', async () => {
    // A process of this host on the Service's address and port (as one on 0.0.0.0:port would be).
    const ip = t.config.serviceCIDR.replace(/\.0\.0\/16$/, '.0.77');
    const squatter = createServer((s) => s.end('squatter\n'));
    await new Promise<void>((r) => squatter.listen(8077, ip, r));
    try {
      const yaml = `apiVersion: v1\nkind: Service\nmetadata: {name: held}\nspec:\n  clusterIP: ${ip}\n  ports: [{port: 8077, name: a}, {port: 8078, name: b}]\n`;
      const r = await t.api<ApplyResponse>('POST', '/api/apply', yaml, 'application/yaml');
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([
        { kind: 'Service', namespace: 'default', name: 'held', action: 'created' },
      ]);
      expect(r.body.warnings).toEqual([
        expect.objectContaining({
          severity: 'warning',
          code: 'L4_W_FRONTEND',
          line: 1,
          message: expect.stringMatching(
            new RegExp(
              `^Service "held": ClusterIP ${ip.replaceAll('.', '\\.')}:8077/TCP: address already in use by another process on this host .*l4lab's own clients reach this port at 127\\.0\\.0\\.1:\\d+ until the address is free$`,
            ),
          ),
        }),
      ]);
      // The Service's other port listens at its own address.
      const frontends = await t.api<{ items: { port: number; hostPort?: number }[] }>(
        'GET',
        '/api/frontends',
      );
      const held = frontends.body.items.filter((f) => f.port === 8077 || f.port === 8078);
      expect(held.map((f) => [f.port, f.hostPort !== undefined])).toEqual([
        [8077, true],
        [8078, false],
      ]);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('answers a body it cannot decode in errors[] too, saying why', async () => {
    for (const [headers, status] of [
      [{ 'Content-Type': 'application/yaml; charset=klingon' }, 415],
      [{ 'Content-Type': 'application/yaml', 'Content-Encoding': 'br-nope' }, 415],
    ] as const) {
      const res = await fetch(`${t.lab.url}/api/apply`, {
        method: 'POST',
        headers,
        body: 'kind: Namespace\n',
      });
      expect(res.status).toBe(status);
      const body = (await res.json()) as ApplyErrorResponse;
      expect(body.errors).toEqual([
        expect.objectContaining({ code: 'L4_E_UNREADABLE', line: 1, document: 0 }),
      ]);
      expect(body.errors[0]!.message).toMatch(/^the request body could not be read: /);
    }
  });

  it("answers a value of the wrong type with the API server's 400, on its line, and applies nothing", async () => {
    const yaml =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: typed}\nspec:\n  affinity:\n  - nodeAffinity: {}\n' +
      '  containers: [{name: c, image: nginx}]\n';
    const r = await t.api<ApplyErrorResponse>('POST', '/api/apply', yaml, 'application/yaml');
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      expect.objectContaining({
        message:
          'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field PodSpec.spec.affinity of type v1.Affinity',
        line: 5,
        code: 'L4_E_DECODE',
      }),
    ]);
    const api = await t.api<{ code: number; reason: string; message: string }>(
      'POST',
      '/api/v1/namespaces/default/pods',
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'typed' },
        spec: { affinity: [], containers: [{ name: 'c', image: 'nginx' }] },
      }),
      'application/json',
    );
    expect(api.status).toBe(400);
    expect(api.body).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into Go struct field PodSpec.spec.affinity of type v1.Affinity',
    });
    const pods = await t.api<{ items: unknown[] }>('GET', '/api/objects/pods?namespace=default');
    expect(pods.body.items).toEqual([]);
  });

  it('answers an IPv6 clusterIP with 422, not an internal error', async () => {
    const yaml =
      'apiVersion: v1\nkind: Service\nmetadata: {name: v6}\nspec:\n  clusterIP: "::1"\n  ports: [{port: 80}]\n';
    const r = await t.api<ApplyErrorResponse>('POST', '/api/apply', yaml, 'application/yaml');
    expect(r.status).toBe(422);
    expect(r.body.errors[0]!.message).toBe(
      'The Service "v6" is invalid: spec.clusterIPs[0]: Invalid value: []string{"::1"}: IPv6 is not configured on this cluster',
    );
    expect(r.body.errors[0]!.line).toBe(5);
  });
});
