import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { dryRunOf } from './dryRun.ts';

const request = (method: string, query: Record<string, unknown>, body?: unknown) =>
  ({ method, query, body }) as unknown as Request;

describe('dryRun, as the API server reads it', () => {
  it("is All in the query (create, update, patch) or in a delete's DeleteOptions", () => {
    expect(dryRunOf(request('POST', { dryRun: 'All' }))).toBe(true);
    expect(dryRunOf(request('PATCH', { dryRun: ['All'] }))).toBe(true);
    expect(dryRunOf(request('DELETE', {}, { kind: 'DeleteOptions', dryRun: ['All'] }))).toBe(true);
    expect(dryRunOf(request('POST', {}))).toBe(false);
    expect(dryRunOf(request('DELETE', {}, { dryRun: [] }))).toBe(false);
    // A create's body is the object: a field of it named dryRun is not an option.
    expect(dryRunOf(request('POST', {}, { dryRun: ['All'] }))).toBe(false);
  });

  it('refuses any other value with the 422 of the request options', () => {
    expect(dryRunOf(request('POST', { dryRun: 'true' }))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: "true": supported values: "All"',
      reason: 'Invalid',
      details: {
        group: 'meta.k8s.io',
        kind: 'CreateOptions',
        causes: [
          {
            reason: 'FieldValueNotSupported',
            message: 'Unsupported value: "true": supported values: "All"',
            field: 'dryRun',
          },
        ],
      },
      code: 422,
    });
  });
});
