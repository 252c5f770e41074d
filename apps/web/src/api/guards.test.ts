import { describe, expect, it } from 'vitest';
import { manifestErrorsOf, warningsOf } from './guards.ts';

describe("manifest errors from the server's answers", () => {
  it('keeps a well-formed error as it is', () => {
    const e = {
      message: 'spec.ports[0].port: Required value',
      path: 'spec.ports[0].port',
      line: 9,
      column: 7,
      document: 1,
      severity: 'error',
      code: 'L4_E_INVALID',
    };
    expect(manifestErrorsOf({ errors: [e] })).toEqual([e]);
  });

  it('fills what the sender left out or got wrong, so the editor can still mark a line', () => {
    const sent = [
      { message: 'request entity too large' },
      { message: 'x', line: 0, column: -3, path: 7, severity: 'fatal', document: '2', code: 1 },
      { line: 3 },
      'not an object',
    ];
    const defaults = { path: '', line: 1, column: 1, document: 0, severity: 'error', code: '' };
    expect(manifestErrorsOf({ errors: sent })).toEqual([
      { message: 'request entity too large', ...defaults },
      { message: 'x', ...defaults },
    ]);
    expect(manifestErrorsOf({ error: 'no list' })).toBeUndefined();
  });

  it('reads warnings the same way', () => {
    expect(warningsOf({ warnings: [{ message: 'unknown field', severity: 'warning' }] })).toEqual([
      {
        message: 'unknown field',
        path: '',
        line: 1,
        column: 1,
        document: 0,
        severity: 'warning',
        code: '',
      },
    ]);
  });
});
