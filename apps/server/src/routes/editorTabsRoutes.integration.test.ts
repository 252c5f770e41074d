import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EDITOR_TABS_BYTES } from '@l4lab/protocol';
import { startTestLab, type TestLab } from '../testLab.ts';

// A lab on the random test ranges (testRanges.ts), built-in runtime; only the API.

let t: TestLab;
beforeAll(async () => {
  t = await startTestLab({ runtime: 'builtin' });
});
afterAll(async () => {
  await t?.stop();
});

const put = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.lab.url}/api/editor-tabs`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const get = async () => (await fetch(`${t.lab.url}/api/editor-tabs`)).json();
const TABS = { tabs: [{ id: 'tab-1', title: 'a.yaml', text: 'kind: Pod\n' }], active: 'tab-1' };

describe('/api/editor-tabs', () => {
  it('answers no tabs before any were saved, then what was PUT', async () => {
    expect(await get()).toEqual({ tabs: [], active: '' });
    const res = await put(TABS);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ saved: 1 });
    expect(await get()).toEqual(TABS);
  });

  it('refuses tabs of the wrong shape with 422 naming the field, and keeps the old ones', async () => {
    const res = await put({ tabs: [{ id: 'x', title: 'b.yaml', text: 42 }], active: 'x' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('L4_E_BAD_EDITOR_TABS');
    expect(body.error.message).toMatch(/^tabs\.0\.text: /);
    expect(await get()).toEqual(TABS);
  });

  it('refuses a body over the limit with 413 naming it', async () => {
    const text = 'x'.repeat(MAX_EDITOR_TABS_BYTES);
    const res = await put({ tabs: [{ id: 'big', title: 'big.yaml', text }], active: 'big' });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: {
        code: 'L4_E_TOO_LARGE',
        message: 'editor tabs are kept up to 2 MiB in all: close or shorten a tab',
      },
    });
  });

  it('refuses a cross-origin browser', async () => {
    expect((await put(TABS, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('DELETE forgets them', async () => {
    expect((await fetch(`${t.lab.url}/api/editor-tabs`, { method: 'DELETE' })).status).toBe(200);
    expect(await get()).toEqual({ tabs: [], active: '' });
  });
});
