import { describe, it, expect } from 'vitest';
import { formatSelector, selectorMatches, serviceSelects } from './selectors.ts';

const labels = { app: 'web', tier: 'front' };

describe('selectorMatches', () => {
  it('needs every matchLabels pair', () => {
    expect(selectorMatches({ matchLabels: { app: 'web' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web', tier: 'front' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'web', tier: 'back' } }, labels)).toBe(false);
    expect(selectorMatches({ matchLabels: { app: 'web' } }, undefined)).toBe(false);
  });

  it('treats an empty selector as matching everything (metav1)', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: {} }, {})).toBe(true);
  });

  it('In: the key exists with one of the values', () => {
    const sel = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] };
    expect(selectorMatches(sel, labels)).toBe(true);
    expect(selectorMatches(sel, { tier: 'back' })).toBe(false);
    expect(selectorMatches(sel, { app: 'web' })).toBe(false);
  });

  it('NotIn: the key is absent or has another value', () => {
    const sel = { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] };
    expect(selectorMatches(sel, labels)).toBe(false);
    expect(selectorMatches(sel, { tier: 'back' })).toBe(true);
    expect(selectorMatches(sel, { app: 'web' })).toBe(true);
  });

  it('Exists and DoesNotExist look at the key only', () => {
    const exists = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] };
    const absent = { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] };
    expect(selectorMatches(exists, { tier: '' })).toBe(true);
    expect(selectorMatches(exists, { app: 'web' })).toBe(false);
    expect(selectorMatches(absent, { app: 'web' })).toBe(true);
    expect(selectorMatches(absent, { tier: '' })).toBe(false);
  });

  it('ANDs labels and expressions, and rejects an unknown operator', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    };
    expect(selectorMatches(sel, labels)).toBe(true);
    expect(selectorMatches(sel, { ...labels, canary: 'yes' })).toBe(false);
    expect(selectorMatches(sel, { ...labels, app: 'api' })).toBe(false);
    expect(
      selectorMatches(
        { matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] },
        labels,
      ),
    ).toBe(false);
  });

  it('does not treat inherited object properties as labels', () => {
    expect(
      selectorMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {}),
    ).toBe(false);
  });
});

describe('serviceSelects', () => {
  it('selects nothing when the selector is missing or empty', () => {
    expect(serviceSelects(undefined, labels)).toBe(false);
    expect(serviceSelects({}, labels)).toBe(false);
    expect(serviceSelects({ app: 'web' }, labels)).toBe(true);
    expect(serviceSelects({ app: 'api' }, labels)).toBe(false);
  });
});

describe('formatSelector', () => {
  it('prints k=v pairs or <none>', () => {
    expect(formatSelector(undefined)).toBe('<none>');
    expect(formatSelector({})).toBe('<none>');
    expect(formatSelector({ run: 'my-nginx' })).toBe('run=my-nginx');
    expect(formatSelector({ matchLabels: { a: '1', b: '2' } })).toBe('a=1,b=2');
  });
});
