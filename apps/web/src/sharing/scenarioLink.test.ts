import { describe, expect, it } from 'vitest';
import {
  MAX_SCENARIO_BYTES,
  MAX_SCENARIO_DATA_CHARS,
  cleanTitle,
  decodeScenario,
  encodeScenario,
  readScenarioFragment,
  scenarioFragment,
  scenarioLink,
} from './scenarioLink.ts';

const YAML = `apiVersion: v1
kind: Service
metadata:
  name: my-nginx
spec:
  selector: {run: my-nginx}
  ports: [{port: 80}]
`;

async function encoded(yaml: string): Promise<string> {
  const e = await encodeScenario(yaml);
  if (!e.ok) throw new Error(e.reason);
  return e.data;
}

async function rawDeflate(bytes: Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  const out = new Uint8Array(await new Response(stream).arrayBuffer());
  return btoa(String.fromCharCode(...out))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

describe('scenario link codec', () => {
  it('round-trips YAML through base64url data shorter than the text', async () => {
    const data = await encoded(YAML.repeat(20));
    expect(data).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(data.length).toBeLessThan(YAML.length * 2);
    expect(await decodeScenario(data)).toEqual({ ok: true, yaml: YAML.repeat(20) });
  });

  it('round-trips unicode (emoji, accents, CJK) and an empty line', async () => {
    const text = '# café ✓ 🚀 服务\nmetadata: {annotations: {note: "ünïcode"}}\n\n';
    expect(await decodeScenario(await encoded(text))).toEqual({ ok: true, yaml: text });
  });

  it('round-trips the largest text a link carries, and refuses one byte more', async () => {
    const max = 'a'.repeat(MAX_SCENARIO_BYTES - 1) + '\n';
    expect(await decodeScenario(await encoded(max))).toEqual({ ok: true, yaml: max });
    const over = await encodeScenario(`${max}b`);
    expect(over).toEqual({ ok: false, reason: expect.stringMatching(/at most 256 KiB of YAML/) });
    // Multi-byte characters count as their UTF-8 bytes.
    const wide = await encodeScenario('é'.repeat(MAX_SCENARIO_BYTES / 2 + 1));
    expect(wide.ok).toBe(false);
  });

  it('refuses data that unpacks past the limit (a zip bomb) without unpacking it all', async () => {
    // 64 MiB of zeros compresses to ~64 KiB of data; reading stops after 256 KiB.
    const bomb = await rawDeflate(new Uint8Array(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(MAX_SCENARIO_DATA_CHARS);
    const r = await decodeScenario(bomb);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/unpacks to more than 256 KiB/) });
    // A lower limit, as a caller may ask.
    const small = await decodeScenario(await encoded('x'.repeat(2000)), 1000);
    expect(small.ok).toBe(false);
  });

  it('says why for damaged, cut, empty, non-text and over-long data', async () => {
    const good = await encoded(YAML);
    const damaged = /damaged: was the link cut short or changed/;
    expect(await decodeScenario('not base64!')).toEqual({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeScenario('a')).toEqual({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeScenario(good.slice(0, good.length - 6))).toEqual({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeScenario('AAAA_____')).toEqual({
      ok: false,
      reason: expect.stringMatching(damaged),
    });
    expect(await decodeScenario('')).toEqual({
      ok: false,
      reason: 'The link carries an empty scenario.',
    });
    const latin1 = await rawDeflate(new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0xff, 0xfe]));
    expect(await decodeScenario(latin1)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not text \(not UTF-8\)/),
    });
    expect(await decodeScenario('A'.repeat(MAX_SCENARIO_DATA_CHARS + 1))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^The link is too long/),
    });
  });
});

describe('scenario fragment', () => {
  it('carries the data and the title, and reads them back', async () => {
    const data = await encoded(YAML);
    const fragment = scenarioFragment(data, 'my nginx & co.yaml');
    expect(fragment.startsWith(`#scenario=${data}&title=`)).toBe(true);
    expect(readScenarioFragment(fragment)).toEqual({ data, title: 'my nginx & co.yaml' });
  });

  it('is undefined without a scenario, and names an untitled one', () => {
    expect(readScenarioFragment('')).toBeUndefined();
    expect(readScenarioFragment('#section-2')).toBeUndefined();
    expect(readScenarioFragment('#scenario=abc')).toEqual({ data: 'abc', title: 'shared.yaml' });
  });

  it('builds the link on the dashboard address, never with the page query (its token)', async () => {
    const link = await scenarioLink('http://192.0.2.7:7070', YAML, 'svc.yaml');
    if (!link.ok) throw new Error(link.reason);
    const url = new URL(link.data);
    expect(url.origin + url.pathname).toBe('http://192.0.2.7:7070/');
    expect(url.search).toBe('');
    const shared = readScenarioFragment(url.hash)!;
    expect(shared.title).toBe('svc.yaml');
    expect(await decodeScenario(shared.data)).toEqual({ ok: true, yaml: YAML });
  });

  it('keeps titles on one line and bounded', () => {
    expect(cleanTitle('a\nb\u0000c')).toBe('a b c');
    expect(cleanTitle('   ')).toBe('shared.yaml');
    expect([...cleanTitle('🚀'.repeat(500))]).toHaveLength(120);
  });
});
