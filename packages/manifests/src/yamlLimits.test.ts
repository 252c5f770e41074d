import { describe, expect, it } from 'vitest';
import { parseManifests } from './parse.ts';
import { YAML_LIMITS } from './yamlLimits.ts';

describe('bounded YAML', () => {
  it('refuses a flat map of 60,000 keys at once, naming the limit and the line', () => {
    // The YAML library's own duplicate-key check took 94 s on this: it is linear now.
    const text = Array.from({ length: 60_000 }, (_, i) => `k${i}: v`).join('\n');
    const r = parseManifests(text);
    expect(r.documents).toEqual([]);
    expect(r.errors).toEqual([
      expect.objectContaining({
        message: `too many keys: a map may have at most ${YAML_LIMITS.keysPerMap} (this one has 60000)`,
        line: 1,
        code: 'L4_E_LIMIT',
      }),
    ]);
  });

  it('keeps the later value of a repeated key and warns at it, as the API server does', () => {
    const r = parseManifests('apiVersion: v1\nkind: Service\nkind: Pod\n');
    expect(r.errors).toEqual([]);
    expect(r.documents[0]?.value).toEqual({ apiVersion: 'v1', kind: 'Pod' });
    expect(r.warnings).toEqual([
      {
        message: 'line 3: key "kind" already set in map',
        path: 'kind',
        line: 3,
        column: 1,
        document: 0,
        severity: 'warning',
        code: 'L4_W_DUPLICATE_KEY',
      },
    ]);
  });

  it('warns about 100 repeated keys of a document at most', () => {
    const text = Array.from({ length: YAML_LIMITS.keysPerMap }, () => 'k: v').join('\n');
    const r = parseManifests(text);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(100);
    expect(r.warnings[0]?.message).toBe('line 2: key "k" already set in map');
  });

  it('lets merge keys repeat', () => {
    const r = parseManifests('a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n');
    expect(r.errors).toEqual([]);
  });

  it('refuses nesting deeper than the limit and more documents than one apply takes', () => {
    const deep = `${'['.repeat(YAML_LIMITS.depth + 2)}1${']'.repeat(YAML_LIMITS.depth + 2)}\n`;
    expect(parseManifests(deep).errors[0]?.message).toMatch(/^nested too deep/);
    const many = Array.from({ length: YAML_LIMITS.documents + 1 }, () => 'a: 1').join('\n---\n');
    expect(parseManifests(many).errors).toEqual([
      expect.objectContaining({
        message: `too many documents: one apply takes at most ${YAML_LIMITS.documents}`,
        document: YAML_LIMITS.documents,
        code: 'L4_E_LIMIT',
      }),
    ]);
  });
});
