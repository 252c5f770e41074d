// The fuzz generator: a case is a pure function of (seed, index), so a failure is reproduced alone;
// every kind of case comes up in a run; and the generator itself survives its own mutations.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fuzzCase, type FuzzCase } from './cases.ts';
import { PrototypeGuard } from './checks.ts';
import { hostileValue } from './hostileValues.ts';
import { caseRandom } from './random.ts';
import { loadSeeds } from './manifests.ts';
import { toYaml } from './yamlText.ts';

const seeds = loadSeeds(join(import.meta.dirname, '../../../../scenarios'));
const payload = (c: FuzzCase) => (c.channel === 'http' ? c.body : c.frame);

describe('fuzzCase', () => {
  it('gives the same case for the same seed and index, and another for another seed', () => {
    for (const i of [0, 1, 17, 9_999]) {
      expect(fuzzCase(42, i, seeds)).toEqual(fuzzCase(42, i, seeds));
    }
    const a = Array.from({ length: 20 }, (_, i) => payload(fuzzCase(1, i, seeds)));
    const b = Array.from({ length: 20 }, (_, i) => payload(fuzzCase(2, i, seeds)));
    expect(a).not.toEqual(b);
  });

  it('covers every kind of case in 3,000 cases, over HTTP and the WebSocket', () => {
    const labels = new Set<string>();
    for (let i = 0; i < 3_000; i++) labels.add(fuzzCase(7, i, seeds).label);
    for (const label of [
      'seed-mutation',
      'prototype-words',
      'deep-nesting',
      'many-keys',
      'duplicate-keys',
      'alias-bomb',
      'many-documents',
      'empty',
      'tags-directives',
      'json',
      'binary',
      'truncated',
      'unicode',
      'ws-apply:seed-mutation',
      'ws-malformed-json',
      'ws-odd-message',
      'ws-huge-frame',
      'ws-binary',
    ])
      expect(labels, label).toContain(label);
  });
});

describe('the generator', () => {
  it("never changes the process's own prototypes while it mutates `__proto__` and `toString`", () => {
    const guard = new PrototypeGuard();
    // Mutations that read inherited members (`at['__proto__']`) once put Object.prototype into a
    // manifest, and a later mutation changed it: seed 1, case 3257, after seed 0's 20,000 cases.
    for (let i = 0; i < 20_000; i++) fuzzCase(0, i, seeds);
    for (let i = 0; i < 3_300; i++) fuzzCase(1, i, seeds);
    expect(guard.changes()).toEqual([]);
  });
});

describe('hostileValue', () => {
  it('gives a fresh object each time (one case cannot change the next)', () => {
    const r = caseRandom(5, 0);
    const objects = Array.from({ length: 5_000 }, () => hostileValue(r)).filter(
      (v) => typeof v === 'object' && v !== null,
    );
    expect(objects.length).toBeGreaterThan(500);
    expect(new Set(objects).size).toBe(objects.length);
  });
});

describe('toYaml', () => {
  it('writes keys that reach the prototype, lists with their own constructor, YAML 1.1 words', () => {
    const o: Record<string, unknown> = {};
    Object.defineProperty(o, '__proto__', { value: 1, enumerable: true });
    const list: unknown[] = [1];
    Object.defineProperty(list, 'constructor', { value: 'x' });
    expect(toYaml({ o, list, n: Number.NaN, s: 'yes' })).toBe(
      'o:\n  __proto__: 1\nlist:\n  - 1\n"n": .nan\ns: "yes"\n',
    );
  });
});
