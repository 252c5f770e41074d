// POST /api/apply refusals in the answer shape of any refused apply. Addresses: testRanges.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyErrorResponse } from '@l4lab/protocol';
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
      return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${d}\ndata:\n${keys}`;
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

  it('answers an IPv6 clusterIP with 422, not an internal error', async () => {
    const yaml =
      'apiVersion: v1\nkind: Service\nmetadata: {name: v6}\nspec:\n  clusterIP: "::1"\n  ports: [{port: 80}]\n';
    const r = await t.api<ApplyErrorResponse>('POST', '/api/apply', yaml, 'application/yaml');
    expect(r.status).toBe(422);
    expect(r.body.errors[0]!.message).toBe(
      'The Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
    );
    expect(r.body.errors[0]!.line).toBe(5);
  });
});
