import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '@l4lab/protocol';
import { startTestLab, type TestLab } from '../testLab.ts';

// A lab on the random test ranges (testRanges.ts); no traffic, only the API.

let t: TestLab;

beforeAll(async () => {
  t = await startTestLab();
  await t.apply(
    'apiVersion: v1\nkind: Service\nmetadata: {name: pm, labels: {team: a}}\nspec:\n  selector: {app: pm}\n  ports: [{port: 80}]\n',
  );
});
afterAll(async () => {
  await t?.stop();
});

const post = (path: string, body: unknown) =>
  t.api<{ results?: unknown[]; error?: { code: string; message: string } }>(
    'POST',
    path,
    JSON.stringify(body),
    'application/json',
  );
const get = async () => (await t.api<Service>('GET', '/api/objects/services/default/pm')).body;

describe('POST /api/services/{ns}/{name}/proxy-mode', () => {
  it('sets the annotation by applying the Service, keeping its ClusterIP and labels', async () => {
    const before = await get();
    const r = await post('/api/services/default/pm/proxy-mode', { mode: 'ipvs' });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([
      { kind: 'Service', namespace: 'default', name: 'pm', action: 'configured' },
    ]);
    const after = await get();
    expect(after.metadata.annotations?.['l4lab.dev/proxy-mode']).toBe('ipvs:rr');
    expect(after.spec.clusterIP).toBe(before.spec.clusterIP);
    expect(after.metadata.labels).toEqual({ team: 'a' });
  });

  it('removes it with "default", and refuses unknown modes and Services', async () => {
    expect((await post('/api/services/default/pm/proxy-mode', { mode: 'default' })).status).toBe(
      200,
    );
    expect((await get()).metadata.annotations?.['l4lab.dev/proxy-mode']).toBeUndefined();
    const bad = await post('/api/services/default/pm/proxy-mode', { mode: 'ipvs:mh' });
    expect(bad.status).toBe(422);
    expect(bad.body.error?.code).toBe('L4_E_BAD_PROXY_MODE');
    expect((await post('/api/services/default/nope/proxy-mode', { mode: 'maglev' })).status).toBe(
      404,
    );
  });
});
