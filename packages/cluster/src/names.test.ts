import { describe, it, expect } from 'vitest';
import { podTemplateHash, randomSuffix, stableStringify } from './names.ts';
import { seededRandom } from './testBuilders.ts';

describe('names', () => {
  it('randomSuffix uses the rand.String alphabet and the given length', () => {
    const random = seededRandom(4);
    for (let i = 0; i < 200; i++)
      expect(randomSuffix(5, random)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(randomSuffix(10, random)).toHaveLength(10);
  });

  it('stableStringify ignores key order and undefined fields', () => {
    expect(stableStringify({ b: 1, a: [{ y: 2, x: undefined, w: 'v' }] })).toBe(
      '{"a":[{"w":"v","y":2}],"b":1}',
    );
  });

  it('podTemplateHash is stable under key order and changes with the template', () => {
    const t1 = {
      metadata: { labels: { run: 'x' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    };
    const t2 = {
      spec: { containers: [{ image: 'nginx', name: 'c' }] },
      metadata: { labels: { run: 'x' } },
    };
    const t3 = {
      metadata: { labels: { run: 'x' } },
      spec: { containers: [{ name: 'c', image: 'httpd' }] },
    };
    expect(podTemplateHash(t1)).toBe(podTemplateHash(t2));
    expect(podTemplateHash(t1)).not.toBe(podTemplateHash(t3));
    expect(podTemplateHash(t1)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});
